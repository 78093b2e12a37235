import { createHash } from 'node:crypto';
import path from 'node:path';
import { HangjiaError } from '../../errors/index.js';
import { redactUrlPassword } from '../../support/index.js';

/** The PostgreSQL schema that holds hangjia's tables when the URL names none. */
export const DEFAULT_STORE_SCHEMA = 'hangjia';

/** A `store.url` taken apart: where to connect, which schema, and how to show it without its password. */
export interface ParsedStoreUrl {
  /** What `pg` connects with: the URL without hangjia's own `schema` parameter. */
  connectionString: string;
  host: string;
  port: number;
  database: string;
  user: string;
  /** The PostgreSQL schema holding the tables (`?schema=name`; default `hangjia`). */
  schema: string;
  /** `postgres://user@host:port/database?schema=name`: safe for logs, `kb list` and error messages. */
  display: string;
}

const SCHEMA_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Checks a `store.url` (`postgres://user:password@host:port/database[?schema=name]`) and takes it
 * apart. Anything else is `E_STORE_URL` naming the setting and what was wrong with it, never the
 * password: a URL pasted from another system (`mysql://…`, a bare host) fails here, before any
 * connection is tried.
 *
 * @param setting Where the URL came from, for the message (`store.url`, `HANGJIA_STORE_URL`).
 */
export function parseStoreUrl(url: string, setting = 'store.url'): ParsedStoreUrl {
  const shown = redactUrlPassword(url);
  const invalid = (problem: string): HangjiaError =>
    new HangjiaError(
      'E_STORE_URL',
      `${setting} ${problem}; got "${shown}". Expected postgres://user:password@host:port/database (optionally ?schema=name), or leave it unset for the embedded SQLite store.`,
      { details: { setting, value: shown } },
    );
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid('is not a URL');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') throw invalid(`must be a PostgreSQL URL (postgres:// or postgresql://), not ${parsed.protocol}//`);
  if (parsed.hostname === '') throw invalid('names no host');
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (database === '' || database.includes('/')) throw invalid('must name one database after the host (…/database)');
  const schema = parsed.searchParams.get('schema') ?? DEFAULT_STORE_SCHEMA;
  if (!SCHEMA_PATTERN.test(schema)) throw invalid(`has schema "${schema}": use 1–63 lower-case letters, digits and "_", starting with a letter or "_"`);
  const user = decodeURIComponent(parsed.username) || 'postgres';
  const port = parsed.port === '' ? 5432 : Number(parsed.port);
  const connection = new URL(url);
  connection.searchParams.delete('schema');
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  return {
    connectionString: connection.toString(),
    host,
    port,
    database,
    user,
    schema,
    display: `${parsed.protocol}//${encodeURIComponent(user)}@${parsed.hostname}:${port}/${encodeURIComponent(database)}?schema=${schema}`,
  };
}

/**
 * Which store holds the knowledge bases under `home`: the configured URL (`store.url`, or
 * `HANGJIA_STORE_URL` through the config loader) when there is one; otherwise, under the test
 * harness (`HANGJIA_TEST_STORE_URL`, set by `npm test`'s PostgreSQL pass), that server with a schema
 * of this home's own, so that test files running in parallel, each with its own temporary home,
 * never see each other's knowledge bases; otherwise undefined: SQLite under `home`.
 *
 * The harness variable is read here rather than in a test setup file because tests also open
 * knowledge bases in worker threads (server jobs) and child processes (the CLI under kill tests),
 * which inherit the environment but nothing a setup file does in memory.
 */
export function resolveStoreUrl(home: string, configured: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (configured !== undefined && configured !== '') {
    // Checked here, before any store is opened, so every command fails alike on a URL that is not PostgreSQL's.
    parseStoreUrl(configured, 'store.url (or HANGJIA_STORE_URL)');
    return configured;
  }
  const testUrl = env['HANGJIA_TEST_STORE_URL'];
  if (testUrl === undefined || testUrl === '') return undefined;
  const withSchema = new URL(testUrl);
  withSchema.searchParams.set('schema', testSchemaForHome(home));
  return withSchema.toString();
}

/** `test_` and the first 16 hex digits of SHA-256 of the absolute home: one schema per test home. */
export function testSchemaForHome(home: string): string {
  return `test_${createHash('sha256').update(path.resolve(home)).digest('hex').slice(0, 16)}`;
}
