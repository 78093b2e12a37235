import { describe, expect, it } from 'vitest';
import { HangjiaError } from '../../errors/index.js';
import { parsePostgresStoreUrl } from './postgres-connection.js';
import { PostgresKnowledgeBaseStore } from './postgres-store.js';

const TEST_STORE_URL = process.env['HANGJIA_TEST_STORE_URL'];

function openError(url: string): HangjiaError {
  try {
    PostgresKnowledgeBaseStore.open({ url, knowledgeBase: 'any' }).close();
  } catch (error) {
    if (error instanceof HangjiaError) return error;
    throw error;
  }
  throw new Error(`opening ${url} did not fail`);
}

describe('store.url', () => {
  it('takes the schema from the URL, hangjia by default, and keeps the rest for pg', () => {
    expect(parsePostgresStoreUrl('postgres://app:pw@db.internal:6543/kb?schema=tenant_1&sslmode=require')).toEqual({
      connectionString: 'postgres://app:pw@db.internal:6543/kb?sslmode=require',
      schema: 'tenant_1',
      where: 'db.internal:6543',
    });
    expect(parsePostgresStoreUrl('postgresql://db/kb')).toMatchObject({ schema: 'hangjia', where: 'db:5432' });
  });

  it('refuses what is not a PostgreSQL URL, or a schema it cannot quote, without showing a password', () => {
    for (const [url, expected] of [
      ['mysql://root:hunter2@db/kb', /scheme is "mysql:", expected postgres:\/\//],
      ['not a url hunter2', /expected postgres:\/\/user@host:port\/database/],
      ['postgres://root:hunter2@db/kb?schema=Robert%22;DROP', /Invalid PostgreSQL schema/],
    ] as const) {
      let caught: unknown;
      try {
        parsePostgresStoreUrl(url);
      } catch (error) {
        caught = error;
      }
      expect(HangjiaError.is(caught, 'E_CONFIG')).toBe(true);
      expect((caught as Error).message).toMatch(expected);
      expect((caught as Error).message).not.toContain('hunter2');
    }
  });

  it('names the host and the step when nothing listens there, never the password', () => {
    // Port 1 on loopback: refused at once.
    const error = openError('postgres://app:hunter2@127.0.0.1:1/kb');
    expect(error.code).toBe('E_STORE_CONNECT');
    expect(error.message).toMatch(/^Cannot reach the PostgreSQL store at 127\.0\.0\.1:1 \(step: connect\): /);
    expect(error.message).not.toContain('hunter2');
    expect(error.details).toMatchObject({ host: '127.0.0.1:1', step: 'connect', setting: 'store.url' });
  });

  it.skipIf(TEST_STORE_URL === undefined)('says the failing step is authentication for a role the server refuses (needs HANGJIA_TEST_STORE_URL)', () => {
    const url = new URL(TEST_STORE_URL!);
    url.username = 'no_such_role_hangjia';
    url.password = 'hunter2';
    const error = openError(url.toString());
    expect(error.code).toBe('E_STORE_CONNECT');
    expect(error.message).toContain(`(step: authenticate)`);
    expect(error.message).not.toContain('hunter2');
  });
});
