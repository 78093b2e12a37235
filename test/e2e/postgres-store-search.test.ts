import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/config/index.js';
import { createKnowledgeBase, KnowledgeBase, type KnowledgeBaseSettings } from '../../src/knowledge-base/index.js';
import { PostgresKnowledgeBaseStore } from '../../src/knowledge-base/store/postgres-store.js';
import { createDefaultComponents } from '../../src/presets/index.js';
import { useTemporaryDirectories } from '../support/temporary-directory.js';

const TEST_STORE_URL = process.env['HANGJIA_TEST_STORE_URL'];
const DEMO = path.resolve(import.meta.dirname, '../../demo/kb');
const QUERIES = ['劳动合同试用期最长多久', '年假有几天？', 'how do I reset the router password', '买了路由器怎么开发票？', 'How are firmware updates verified?'];

if (TEST_STORE_URL === undefined) {
  describe('the demo knowledge base in PostgreSQL', () => {
    it.skip('needs HANGJIA_TEST_STORE_URL=postgres://user@host:port/database (a PostgreSQL the tests may write); unset, so skipped', () => {});
  });
} else {
  const url = TEST_STORE_URL;
  const schema = `t_demo_${randomBytes(4).toString('hex')}`;

  describe('the demo knowledge base in PostgreSQL', () => {
    const temporaryDirectory = useTemporaryDirectories();
    afterAll(async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    });

    it('holds what the SQLite default holds and gives the same hits, scores and order', async () => {
      const settings: KnowledgeBaseSettings = { sources: [DEMO], include: [], exclude: [], maxFileBytes: DEFAULT_CONFIG.ingest.maxFileBytes, chunking: DEFAULT_CONFIG.chunking };
      const components = createDefaultComponents({ ...DEFAULT_CONFIG, embedding: { provider: 'none' } });

      const sqlite = createKnowledgeBase({ home: temporaryDirectory(), name: 'demo', settings }, components);
      const store = PostgresKnowledgeBaseStore.open({ url: `${url}${url.includes('?') ? '&' : '?'}schema=${schema}`, knowledgeBase: 'demo', create: true });
      store.setMetaEntries({ name: 'demo', createdAt: new Date().toISOString(), settings: JSON.stringify(settings) });
      // The local folder holds only the derived indexes: the rows are in PostgreSQL.
      const postgres = new KnowledgeBase('demo', temporaryDirectory(), store, components(settings));
      try {
        expect(await sqlite.sync()).toMatchObject({ filesFound: 12, added: 12, failed: 0 });
        expect(await postgres.sync()).toMatchObject({ filesFound: 12, added: 12, failed: 0 });
        expect(postgres.store.counts()).toEqual(sqlite.store.counts());
        expect(postgres.listDocuments()).toEqual(sqlite.listDocuments());
        for (const query of QUERIES) {
          const expected = (await sqlite.search(query, { k: 5 })).hits.map((hit) => [hit.chunk.id, hit.score]);
          expect(expected.length, query).toBeGreaterThan(0);
          expect((await postgres.search(query, { k: 5 })).hits.map((hit) => [hit.chunk.id, hit.score]), query).toEqual(expected);
        }
      } finally {
        sqlite.close();
        postgres.close();
      }
    }, 120_000);
  });
}
