import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll } from 'vitest';
import { parseStoreUrl } from '../../src/knowledge-base/store/store-url.js';
import { quoteIdentifier, type PostgresTarget } from '../../src/server/cluster/postgres-connection.js';
import { needsTestStore, type PostgresRequirement } from './postgres.js';

/**
 * For tests of the replica machinery against `HANGJIA_TEST_STORE_URL` (skipped with a message
 * without it, see `needsTestStore`): `freshTarget()` gives each call a schema of its own, so tests
 * never see each other's jobs or changes, dropped when the file's tests end.
 */
export function needsPostgres(): PostgresRequirement & { freshTarget: () => Promise<PostgresTarget> } {
  const requirement = needsTestStore();
  const created: PostgresTarget[] = [];
  const run = async (target: PostgresTarget, sql: string): Promise<void> => {
    const client = new pg.Client({ connectionString: target.connectionString });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  if (requirement.available) {
    afterAll(async () => {
      for (const target of created.splice(0)) await run(target, `DROP SCHEMA IF EXISTS ${quoteIdentifier(target.schema)} CASCADE`);
    });
  }
  const freshTarget = async (): Promise<PostgresTarget> => {
    const url = new URL(requirement.url);
    url.searchParams.set('schema', `replica_test_${randomBytes(6).toString('hex')}`);
    const target = parseStoreUrl(url.toString());
    await run(target, `CREATE SCHEMA ${quoteIdentifier(target.schema)}`);
    created.push(target);
    return target;
  };
  return { ...requirement, freshTarget };
}
