import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliCaptured } from '../../test/support/run-cli.js';
import { useTemporaryDirectories } from '../../test/support/temporary-directory.js';
import { DEFAULT_CONFIG } from '../config/index.js';
import { openKnowledgeBase } from '../knowledge-base/index.js';
import { createDefaultComponents } from '../presets/index.js';
import { withGraphFacts } from './index.js';
import { sqliteOnly } from '../../test/support/postgres.js';

const graphStore = sqliteOnly('the knowledge graph keeps its tables in SQLite; with store.url graph commands stop with E_STORE_UNSUPPORTED');

const temporaryDirectory = useTemporaryDirectories();
const DEMO = path.resolve(import.meta.dirname, '../../demo/kb');

graphStore.describe('withGraphFacts and access groups', () => {
  it('brings no fact found in a document the caller may not read, and every fact to one who may', async () => {
    const home = temporaryDirectory();
    expect((await runCliCaptured(['kb', 'create', 'demo', DEMO, '--groups', 'hr', '--quiet'], { home })).code).toBe(0);
    expect((await runCliCaptured(['graph', 'build', 'demo', '--quiet'], { home })).code).toBe(0);
    const kb = openKnowledgeBase({ home, name: 'demo' }, createDefaultComponents({ ...DEFAULT_CONFIG, home }));
    try {
      const answering = withGraphFacts(kb);
      const question = '《中华人民共和国劳动合同法》规定了什么？';
      expect(answering.graphFacts(question).length).toBeGreaterThan(0);
      expect(answering.graphFacts(question, { groups: ['hr'] })).toEqual(answering.graphFacts(question));
      expect(answering.graphFacts(question, { groups: ['finance'] })).toEqual([]);
      const outsider = await answering.search(question, { k: 3, access: { groups: ['finance'] } });
      expect(outsider.hits).toEqual([]);
    } finally {
      kb.close();
    }
  });
});
