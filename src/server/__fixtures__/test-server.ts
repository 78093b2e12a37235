/**
 * A real `hangjia serve` on 127.0.0.1 (port 0) over a temporary home holding the handbook
 * knowledge base, answering with the scripted OpenAI-compatible model server when one is given.
 */
import { HANDBOOK } from '../../answer/__fixtures__/handbook.js';
import { loadConfig, type HangjiaConfig } from '../../config/index.js';
import { createKnowledgeBase } from '../../knowledge-base/index.js';
import { createDefaultComponents } from '../../presets/index.js';
import { writeFiles } from '../../../test/support/temporary-directory.js';
import { HangjiaService } from '../hangjia-service.js';
import { startServer, type RunningServer } from '../start-server.js';

export interface TestServer extends RunningServer {
  service: HangjiaService;
  config: HangjiaConfig;
}

/** The config a test server runs with: `home`, the scripted model at `modelBaseURL` (else none), and `settings` (dotted keys). */
export function testConfig(home: string, options: { modelBaseURL?: string; settings?: Record<string, unknown> } = {}): HangjiaConfig {
  const env: NodeJS.ProcessEnv = { HANGJIA_HOME: home };
  if (options.modelBaseURL) Object.assign(env, { HANGJIA_MODEL_PROVIDER: 'openai-compatible', HANGJIA_BASE_URL: options.modelBaseURL, HANGJIA_MODEL: 'scripted-model' });
  return loadConfig({ env, cwd: home, flags: options.settings ?? {} }).config;
}

/** Creates knowledge base `name` from `files` (relative path → text) in `home`. */
export async function createTestKnowledgeBase(home: string, sourceRoot: string, name: string, files: Record<string, string> = { 'handbook.md': HANDBOOK }): Promise<void> {
  writeFiles(sourceRoot, files);
  const config = testConfig(home);
  const knowledgeBase = createKnowledgeBase(
    { home, name, settings: { sources: [sourceRoot], include: [], exclude: [], maxFileBytes: config.ingest.maxFileBytes, chunking: config.chunking } },
    createDefaultComponents(config),
  );
  try {
    await knowledgeBase.sync();
  } finally {
    knowledgeBase.close();
  }
}

export async function startTestServer(home: string, options: { modelBaseURL?: string; settings?: Record<string, unknown> } = {}): Promise<TestServer> {
  const config = testConfig(home, options);
  const service = new HangjiaService({ config });
  const server = await startServer(service, { host: '127.0.0.1', port: 0 });
  return { ...server, service, config };
}
