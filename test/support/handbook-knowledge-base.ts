import { afterEach, beforeEach, expect } from 'vitest';
import { HANDBOOK } from '../../src/answer/__fixtures__/handbook.js';
import { runCliCaptured } from './run-cli.js';
import { startScriptedOpenAIServer, type ScriptedOpenAIServer } from './scripted-openai-server.js';
import { useTemporaryDirectories, writeFiles } from './temporary-directory.js';

export interface HandbookKnowledgeBase {
  server: ScriptedOpenAIServer;
  home: string;
}

/**
 * For each test: a scripted model server on loopback and a fresh home holding knowledge base
 * `name` built from the handbook fixture (closed after the test). Read the fields inside tests.
 */
export function useHandbookKnowledgeBase(name: string): HandbookKnowledgeBase {
  const temporaryDirectory = useTemporaryDirectories();
  const current = {} as HandbookKnowledgeBase;
  beforeEach(async () => {
    current.server = await startScriptedOpenAIServer();
    current.home = temporaryDirectory();
    const root = temporaryDirectory();
    writeFiles(root, { 'handbook.md': HANDBOOK });
    const created = await runCliCaptured(['kb', 'create', name, root, '--quiet'], { home: current.home });
    expect(created.code, created.stderr).toBe(0);
  });
  afterEach(async () => {
    await current.server.close();
  });
  return current;
}
