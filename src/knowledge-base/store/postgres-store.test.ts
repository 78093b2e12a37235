import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, it } from 'vitest';
import { runKnowledgeBaseStoreConformance } from '../../../test/conformance/knowledge-base-store.case.js';
import { useTemporaryDirectories } from '../../../test/support/temporary-directory.js';
import { PostgresKnowledgeBaseStore } from './postgres-store.js';
import { applyPostgresMigrations } from './postgres-migrations.js';

/** A PostgreSQL the tests may create and drop schemas in, e.g. postgres://postgres@127.0.0.1:5432/hangjia_test. */
const TEST_STORE_URL = process.env['HANGJIA_TEST_STORE_URL'];
const temporaryDirectory = useTemporaryDirectories();

if (TEST_STORE_URL === undefined) {
  describe('KnowledgeBaseStore conformance: postgres', () => {
    it.skip('needs HANGJIA_TEST_STORE_URL=postgres://user@host:port/database (a PostgreSQL the tests may write); unset, so skipped', () => {});
  });
} else {
  const url = TEST_STORE_URL;
  // A schema of its own per run: parallel test files and earlier runs never meet.
  const base = `t_store_${randomBytes(4).toString('hex')}`;
  const schemas = new Set<string>([base]);
  /** Knowledge bases the version cases seeded, each in a schema of its own (versions are per schema). */
  const schemaOf = new Map<string, string>();
  const urlFor = (schema: string): string => `${url}${url.includes('?') ? '&' : '?'}schema=${schema}`;

  const withClient = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };

  afterAll(async () => {
    await withClient(async (client) => {
      for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    });
  });

  runKnowledgeBaseStoreConformance('postgres', () => ({
    open: (name) => PostgresKnowledgeBaseStore.open({ url: urlFor(schemaOf.get(name) ?? base), knowledgeBase: name, create: true }),
    locate: (name) => ({ kind: 'postgres', url: urlFor(schemaOf.get(name) ?? base), knowledgeBase: name }),
    seedOlderVersion: async (name) => {
      const schema = `${base}_v1_${schemas.size}`;
      schemas.add(schema);
      schemaOf.set(name, schema);
      await withClient(async (client) => {
        // Version 1: the tables without the change log (2) and API keys (3).
        await applyPostgresMigrations(client, schema, { upTo: 1 });
        await client.query(`SET search_path TO "${schema}"`);
        await client.query('INSERT INTO knowledge_bases (name, generation) VALUES ($1, 1)', [name]);
        await client.query(
          `INSERT INTO source_files (kb, path, root, relative_path, format, size, mtime_ms, file_hash, status, document_count, updated_at)
           VALUES ($1, '/old/a.txt', '/old', 'a.txt', 'txt', 12, 1, 'old', 'indexed', 1, '2026-01-01T00:00:00.000Z')`,
          [name],
        );
        await client.query(
          `INSERT INTO documents (kb, id, source_path, format, title, text, content_hash, metadata) VALUES ($1, 'old-1', '/old/a.txt', 'txt', 'a', '旧的文本', 'old', '{}')`,
          [name],
        );
        await client.query(
          `INSERT INTO chunks (kb, id, document_id, ordinal, text, heading_path, start_offset, end_offset, token_count, text_hash)
           VALUES ($1, 'old-1#0', 'old-1', 0, '旧的文本', '[]', 0, 4, 4, 'old')`,
          [name],
        );
      });
    },
    seedNewerVersion: async (name) => {
      const schema = `${base}_v999_${schemas.size}`;
      schemas.add(schema);
      schemaOf.set(name, schema);
      await withClient(async (client) => {
        await applyPostgresMigrations(client, schema);
        await client.query(`INSERT INTO "${schema}".schema_migrations (version) VALUES (999)`);
      });
    },
    newerVersionCode: 'E_STORE_VERSION',
    temporaryDirectory,
  }));
}
