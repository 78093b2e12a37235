import { beforeEach, describe, expect, it } from 'vitest';
import { chatStreamEvents } from '../../answer/__fixtures__/handbook.js';
import { runCliCaptured } from '../../../test/support/run-cli.js';
import type { ScriptedOpenAIServer } from '../../../test/support/scripted-openai-server.js';
import { useHandbookKnowledgeBase } from '../../../test/support/handbook-knowledge-base.js';

/** Issue 11, item 2: an endpoint and a model name are enough; the provider follows from them. */
describe('the model provider inferred from what is set', () => {
  const handbook = useHandbookKnowledgeBase('demo');
  let server: ScriptedOpenAIServer;
  let home: string;
  beforeEach(() => {
    ({ server, home } = handbook);
  });

  it('HANGJIA_BASE_URL and HANGJIA_MODEL alone give a generated, cited answer from the endpoint', async () => {
    server.enqueue('/v1/chat/completions', { events: chatStreamEvents(['劳动合同期限三年以上的，试用期不得超过六个月[2]。']) });
    const run = await runCliCaptured(['ask', 'demo', '试用期最长多久？', '-k', '3', '--json'], { home, env: { HANGJIA_BASE_URL: server.baseURL, HANGJIA_MODEL: 'scripted-model' } });
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ kind: 'generated', answer: '劳动合同期限三年以上的，试用期不得超过六个月[2]。', model: { provider: 'openai-compatible', modelId: 'scripted-model' } });
    expect(result.citations).toMatchObject([{ n: 2, snippet: '劳动合同期限三年以上的，试用期不得超过六个月。' }]);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.body).toMatchObject({ model: 'scripted-model' });
  });

  it('config show says the provider was inferred, and from what', async () => {
    const shown = await runCliCaptured(['config', 'show', '--json'], { home, env: { HANGJIA_BASE_URL: server.baseURL, HANGJIA_MODEL: 'scripted-model' } });
    expect(shown.code, shown.stderr).toBe(0);
    const rows = JSON.parse(shown.stdout) as Array<{ key: string; value: string; source: string }>;
    expect(rows.find((row) => row.key === 'model.provider')).toEqual({ key: 'model.provider', value: '"openai-compatible"', source: 'inferred from model.baseURL, set by env:HANGJIA_BASE_URL' });
    // HANGJIA_BASE_URL also sets embedding.baseURL, but without an embedding model name embeddings stay off.
    expect(rows.find((row) => row.key === 'embedding.provider')).toEqual({ key: 'embedding.provider', value: '"none"', source: 'default' });
    const text = await runCliCaptured(['config', 'show'], { home, env: { HANGJIA_MODEL_PATH: '/models/qwen.gguf' } });
    expect(text.stdout).toMatch(/^model\.provider +"llama-cpp" +\(inferred from model\.modelPath, set by env:HANGJIA_MODEL_PATH\)$/m);
  });

  it('an endpoint and a model file both set is an error naming both', async () => {
    const run = await runCliCaptured(['ask', 'demo', '试用期最长多久？'], { home, env: { HANGJIA_BASE_URL: server.baseURL, HANGJIA_MODEL_PATH: '/models/qwen.gguf' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'Error: Both model.baseURL (from env:HANGJIA_BASE_URL) and model.modelPath (from env:HANGJIA_MODEL_PATH) are set, so model.provider cannot be inferred: they belong to openai-compatible and llama-cpp. Set model.provider (HANGJIA_MODEL_PROVIDER) to the one you mean, or remove the other setting. [E_CONFIG]',
    );
    // Naming the provider settles it: no inference, no error.
    const named = await runCliCaptured(['config', 'show', '--json'], { home, env: { HANGJIA_MODEL_PROVIDER: 'llama-cpp', HANGJIA_BASE_URL: server.baseURL, HANGJIA_MODEL_PATH: '/models/qwen.gguf' } });
    expect(named.code, named.stderr).toBe(0);
    expect(JSON.parse(named.stdout).find((row: { key: string }) => row.key === 'model.provider')).toMatchObject({ value: '"llama-cpp"', source: 'env:HANGJIA_MODEL_PROVIDER' });
    expect(server.requests).toHaveLength(0);
  });

  it('infers the embedding provider from an embedding model name, file or folder', async () => {
    const provider = async (env: NodeJS.ProcessEnv): Promise<unknown> => {
      const shown = await runCliCaptured(['config', 'show', '--json'], { home, env });
      expect(shown.code, shown.stderr).toBe(0);
      return JSON.parse(shown.stdout).find((row: { key: string }) => row.key === 'embedding.provider');
    };
    expect(await provider({ HANGJIA_BASE_URL: server.baseURL, HANGJIA_EMBEDDING_MODEL: 'bge-m3' })).toMatchObject({ value: '"openai-compatible"', source: 'inferred from embedding.baseURL, set by env:HANGJIA_BASE_URL' });
    expect(await provider({ HANGJIA_EMBEDDING_MODEL_DIR: '/models/bge-small-zh' })).toMatchObject({ value: '"transformers"', source: 'inferred from embedding.modelDir, set by env:HANGJIA_EMBEDDING_MODEL_DIR' });
    const both = await runCliCaptured(['config', 'show'], { home, env: { HANGJIA_EMBEDDING_MODEL_PATH: '/m.gguf', HANGJIA_EMBEDDING_MODEL_DIR: '/m' } });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('Both embedding.modelPath (from env:HANGJIA_EMBEDDING_MODEL_PATH) and embedding.modelDir (from env:HANGJIA_EMBEDDING_MODEL_DIR) are set');
  });
});
