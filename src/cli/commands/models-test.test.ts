import { runCommand } from 'citty';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliSession } from '../_session.js';
import modelsTestCommand from './models-test.js';
import { useTemporaryDirectories } from '../../../test/support/temporary-directory.js';
import { startScriptedOpenAIServer, type ScriptedOpenAIServer } from '../../../test/support/scripted-openai-server.js';

const temporaryDirectory = useTemporaryDirectories();

/** Runs `hangjia models test …` the way main.ts runs a leaf command: directly, with the session as `data`. */
async function runModelsTest(args: string[], env: NodeJS.ProcessEnv): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const home = temporaryDirectory();
  const session: CliSession = {
    streams: { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) } },
    stdin: process.stdin,
    env: { HANGJIA_HOME: home, ...env },
    cwd: home,
    exitCode: 0,
  };
  await runCommand(modelsTestCommand, { rawArgs: args, data: session });
  return { exitCode: session.exitCode, stdout, stderr };
}

describe('hangjia models test', () => {
  let server: ScriptedOpenAIServer;
  beforeEach(async () => {
    server = await startScriptedOpenAIServer({ embeddingDimensions: 8 });
  });
  afterEach(async () => {
    await server.close();
  });

  it('says plainly when nothing is configured, and how to configure it', async () => {
    const run = await runModelsTest([], {});
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('Chat model: not configured (model.provider is "none", from default)');
    expect(run.stdout).toContain('Embedding model: not configured (embedding.provider is "none", from default)');
    expect(run.stdout).toContain('Search still works');
    expect(run.stdout).toContain('HANGJIA_MODEL_PROVIDER=openai-compatible HANGJIA_BASE_URL=');
    expect(run.stdout).toContain('hangjia.config.yaml');
    expect(server.requests).toHaveLength(0);
  });

  it('tests both models, naming where each setting came from and masking the key', async () => {
    const env = {
      HANGJIA_MODEL_PROVIDER: 'openai-compatible',
      HANGJIA_BASE_URL: server.baseURL,
      HANGJIA_MODEL: 'scripted-model',
      HANGJIA_API_KEY: 'sk-secret',
      HANGJIA_EMBEDDING_PROVIDER: 'openai-compatible',
      HANGJIA_EMBEDDING_MODEL: 'bge-m3',
    };
    const run = await runModelsTest(['--json'], env);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).not.toContain('sk-secret');
    const report = JSON.parse(run.stdout) as { chat: Record<string, unknown>; embedding: Record<string, unknown> };
    expect(report.chat).toMatchObject({
      configured: true,
      ok: true,
      provider: 'openai-compatible',
      modelId: 'scripted-model',
      sample: 'echo: 用一句话介绍你自己。',
      usage: { inputTokens: 1, outputTokens: 16 },
      settings: [
        { key: 'model.provider', value: '"openai-compatible"', source: 'env:HANGJIA_MODEL_PROVIDER' },
        { key: 'model.baseURL', value: JSON.stringify(server.baseURL), source: 'env:HANGJIA_BASE_URL' },
        { key: 'model.model', value: '"scripted-model"', source: 'env:HANGJIA_MODEL' },
        { key: 'model.apiKey', value: '********', source: 'env:HANGJIA_API_KEY' },
      ],
    });
    expect(report.chat.firstTokenMs).toEqual(expect.any(Number));
    expect(report.embedding).toMatchObject({ configured: true, ok: true, modelId: 'bge-m3', dimensions: 8, usage: { tokens: 11 } });
    // HANGJIA_BASE_URL still feeds the embedding endpoint when no embedding URL is given.
    expect(report.embedding.settings).toContainEqual({ key: 'embedding.baseURL', value: JSON.stringify(server.baseURL), source: 'env:HANGJIA_BASE_URL' });
    expect(server.requests.map((request) => request.path)).toEqual(['/v1/chat/completions', '/v1/embeddings']);
  });

  it('exits 1 and shows the error code when the configured chat model fails', async () => {
    server.enqueue('/v1/chat/completions', { status: 404, json: { error: { message: 'model "ghost" not found' } } });
    const run = await runModelsTest([], { HANGJIA_MODEL_PROVIDER: 'openai-compatible', HANGJIA_BASE_URL: server.baseURL, HANGJIA_MODEL: 'ghost' });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('Chat model: openai-compatible "ghost"');
    expect(run.stdout).toContain('FAILED [E_MODEL_NOT_FOUND]');
    expect(run.stdout).toContain('Embedding model: not configured');
  });

  it('names the missing setting when the provider needs one', async () => {
    const run = await runModelsTest(['--json'], { HANGJIA_MODEL_PROVIDER: 'llama-cpp' });
    expect(run.exitCode).toBe(1);
    expect(JSON.parse(run.stdout).chat.error).toEqual({
      code: 'E_CONFIG',
      message: 'model.provider is "llama-cpp", which needs model.modelPath: set it in hangjia.config.yaml or with HANGJIA_MODEL_PATH.',
    });
  });
});
