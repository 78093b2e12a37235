import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, it } from 'vitest';
import { parseStoreUrl, quoteIdentifier, type PostgresTarget } from '../../src/server/cluster/postgres-connection.js';

type SuiteDeclaration = (name: string, body: () => void) => void;

/**
 * For tests that need a real PostgreSQL (`HANGJIA_TEST_STORE_URL`): without it they are skipped
 * with a message, except under `CI=true`, where `.ci/run` provides one and a skip would report
 * coverage not had. `freshTarget()` gives each call a schema of its own (parallel test files
 * never see each other's rows), dropped when the file's tests end.
 */
export function needsPostgres(env: NodeJS.ProcessEnv = process.env): { describe: SuiteDeclaration; url: string | undefined; freshTarget: () => Promise<PostgresTarget> } {
  const url = env['HANGJIA_TEST_STORE_URL'];
  const created: PostgresTarget[] = [];
  const freshTarget = async (): Promise<PostgresTarget> => {
    const base = new URL(url!);
    base.searchParams.set('schema', `hangjia_test_${randomBytes(6).toString('hex')}`);
    const target = parseStoreUrl(base.toString());
    const client = new pg.Client({ connectionString: target.connectionString });
    await client.connect();
    await client.query(`CREATE SCHEMA ${quoteIdentifier(target.schema)}`);
    await client.end();
    created.push(target);
    return target;
  };
  if (url) {
    afterAll(async () => {
      for (const target of created.splice(0)) {
        const client = new pg.Client({ connectionString: target.connectionString });
        await client.connect();
        await client.query(`DROP SCHEMA ${quoteIdentifier(target.schema)} CASCADE`);
        await client.end();
      }
    });
    return { describe, url, freshTarget };
  }
  const missing = 'needs a PostgreSQL server: set HANGJIA_TEST_STORE_URL=postgres://user@127.0.0.1:5432/database';
  if (env['CI'] === 'true') {
    return {
      url,
      freshTarget,
      describe: (name) =>
        describe(name, () =>
          it('has a PostgreSQL server', () => {
            throw new Error(`This suite ${missing}; with CI=true a missing server is a failure, not a skip.`);
          }),
        ),
    };
  }
  process.stderr.write(`Skipping tests that ${missing.replace(/^needs/, 'need')}.\n`);
  return { url, freshTarget, describe: (name, body) => describe.skip(`${name} [skipped: ${missing}]`, body) };
}
