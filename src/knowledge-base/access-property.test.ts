import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canReadDocument } from '../access/index.js';
import { DEFAULT_CONFIG } from '../config/index.js';
import { createDefaultComponents } from '../presets/index.js';
import { useTemporaryDirectories, writeFiles } from '../../test/support/temporary-directory.js';
import { createKnowledgeBase, sqliteDatabaseOf, type KnowledgeBase } from './index.js';
import { sqliteOnly } from '../../test/support/postgres.js';

const sqliteFile = sqliteOnly('it reads the SQLite file directly');

const temporaryDirectory = useTemporaryDirectories();
const DOCUMENTS = 12;
// Even documents mention 年终奖, odd ones share no word with the query.
const files = Object.fromEntries(
  Array.from({ length: DOCUMENTS }, (_, index) => [
    `doc-${String(index).padStart(2, '0')}.md`,
    index % 2 === 0 ? `# 规定${index}\n\n年终奖第${index}条：按季度考核发放。\n` : `# 守则${index}\n\n员工应当遵守第${index}项安全规范。\n`,
  ]),
);
const GROUP_SETS = [[], ['a'], ['b'], ['a', 'b']];

describe('the access filter, on generated group assignments and callers', () => {
  let kb: KnowledgeBase;
  let ids: string[];
  beforeAll(async () => {
    const root = temporaryDirectory();
    writeFiles(root, files);
    kb = createKnowledgeBase(
      { home: temporaryDirectory(), name: 'property', settings: { sources: [root], include: [], exclude: [], maxFileBytes: 1e8, chunking: DEFAULT_CONFIG.chunking } },
      createDefaultComponents({ ...DEFAULT_CONFIG, embedding: { provider: 'none' } }),
    );
    await kb.sync();
    ids = kb.listDocuments().map((document) => document.id);
  });
  afterAll(() => kb.close());

  sqliteFile.it('returns exactly the readable matching documents, as many as k allows, and the same count in stats and listings', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...GROUP_SETS), { minLength: DOCUMENTS, maxLength: DOCUMENTS }),
        fc.subarray(['a', 'b', 'c']),
        fc.integer({ min: 1, max: 8 }),
        async (assignment, callerGroups, k) => {
          assignment.forEach((groups, index) => kb.setDocumentGroups(ids[index]!, groups));
          const access = { groups: callerGroups };
          const readable = new Set(ids.filter((_, index) => canReadDocument(assignment[index]!, access)));
          const readableMatching = ids.filter((id, index) => index % 2 === 0 && readable.has(id));

          const { hits } = await kb.search('年终奖怎么发放', { k, access });
          expect(hits.every((hit) => readable.has(hit.chunk.documentId))).toBe(true);
          expect(hits).toHaveLength(Math.min(k, readableMatching.length));
          const all = await kb.search('年终奖怎么发放', { k: DOCUMENTS, access });
          expect(all.hits.map((hit) => hit.chunk.documentId).sort()).toEqual(readableMatching.sort());

          expect(kb.listDocuments({ access }).map((document) => document.id).sort()).toEqual([...readable].sort());
          expect(kb.stats({ access }).documents).toBe(readable.size);
          for (const id of ids) {
            const chunkId = sqliteDatabaseOf(kb.store, 'this test').prepare('SELECT id FROM chunks WHERE document_id = ? LIMIT 1').pluck().get(id) as string;
            expect(kb.getChunk(chunkId, { access }) !== undefined).toBe(readable.has(id));
          }
        },
      ),
      { numRuns: 25, seed: 12 },
    );
  });
});
