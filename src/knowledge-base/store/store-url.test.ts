import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HangjiaError } from '../../errors/index.js';
import { parseStoreUrl, resolveStoreUrl, testSchemaForHome } from './store-url.js';

function errorOf(run: () => unknown): HangjiaError {
  try {
    run();
  } catch (error) {
    if (error instanceof HangjiaError) return error;
    throw error;
  }
  throw new Error('expected an error');
}

describe('parseStoreUrl', () => {
  it('takes a full URL apart and shows it without the password', () => {
    const location = parseStoreUrl('postgres://app:s3cret@db.internal:6543/knowledge?schema=firm_a&sslmode=require');
    expect(location).toEqual({
      connectionString: 'postgres://app:s3cret@db.internal:6543/knowledge?sslmode=require',
      host: 'db.internal',
      port: 6543,
      database: 'knowledge',
      user: 'app',
      schema: 'firm_a',
      display: 'postgres://app@db.internal:6543/knowledge?schema=firm_a',
    });
  });

  it('defaults the port to 5432, the user to postgres and the schema to hangjia', () => {
    const location = parseStoreUrl('postgresql://127.0.0.1/h5');
    expect([location.port, location.user, location.schema, location.display]).toEqual([5432, 'postgres', 'hangjia', 'postgresql://postgres@127.0.0.1:5432/h5?schema=hangjia']);
  });

  it('refuses another scheme before connecting, naming the setting and hiding the password', () => {
    const error = errorOf(() => parseStoreUrl('mysql://root:hunter2@127.0.0.1:3306/kb', 'HANGJIA_STORE_URL'));
    expect(error.code).toBe('E_STORE_URL');
    expect(error.message).toContain('HANGJIA_STORE_URL must be a PostgreSQL URL (postgres:// or postgresql://), not mysql://');
    expect(error.message).toContain('"mysql://root:***@127.0.0.1:3306/kb"');
    expect(error.message).not.toContain('hunter2');
  });

  it('refuses a URL without a database, a bad schema name and a non-URL', () => {
    expect(errorOf(() => parseStoreUrl('postgres://127.0.0.1:5432')).message).toContain('must name one database');
    expect(errorOf(() => parseStoreUrl('postgres://127.0.0.1/kb?schema=Robert;drop')).message).toContain('has schema "Robert;drop"');
    expect(errorOf(() => parseStoreUrl('127.0.0.1:5432/kb')).message).toContain('store.url is not a URL');
  });
});

describe('resolveStoreUrl', () => {
  const home = path.resolve('/tmp/hangjia-home-a');

  it('prefers the configured URL, then the test harness URL with a schema per home, then none (SQLite)', () => {
    const env = { HANGJIA_TEST_STORE_URL: 'postgres://postgres:pw@127.0.0.1:6000/hangjia_test' };
    expect(resolveStoreUrl(home, 'postgres://127.0.0.1/configured', env)).toBe('postgres://127.0.0.1/configured');
    expect(resolveStoreUrl(home, undefined, env)).toBe(`postgres://postgres:pw@127.0.0.1:6000/hangjia_test?schema=${testSchemaForHome(home)}`);
    expect(resolveStoreUrl(home, undefined, {})).toBeUndefined();
  });

  it('gives two homes two schemas, and one home the same schema however it is written', () => {
    expect(testSchemaForHome(home)).toMatch(/^test_[0-9a-f]{16}$/);
    expect(testSchemaForHome(home)).not.toBe(testSchemaForHome(path.resolve('/tmp/hangjia-home-b')));
    expect(testSchemaForHome(`${home}/../hangjia-home-a`)).toBe(testSchemaForHome(home));
  });
});
