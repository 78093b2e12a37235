import pg from 'pg';
import { HangjiaError } from '../../errors/index.js';

/** Where the shared store lives: a connection string without our own parameters, and the schema inside it. */
export interface PostgresTarget {
  connectionString: string;
  /** The PostgreSQL schema holding hangjia's tables (`?schema=` in the URL, default `hangjia`). */
  schema: string;
  /** `host:port`, for messages (never the password). */
  where: string;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Reads `store.url` (`postgres://user@host:port/db?schema=name`). `schema` is ours, not libpq's,
 * so it is taken out before the string reaches `pg`.
 */
export function parseStoreUrl(url: string): PostgresTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new HangjiaError('E_CONFIG', 'store.url is not a URL: expected postgres://user@host:port/database[?schema=name].', { details: { setting: 'store.url' } });
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new HangjiaError('E_CONFIG', `store.url must start with postgres://, found ${parsed.protocol}//.`, { details: { setting: 'store.url' } });
  }
  const schema = parsed.searchParams.get('schema') ?? 'hangjia';
  if (!SCHEMA_NAME.test(schema)) {
    throw new HangjiaError('E_CONFIG', `store.url names schema "${schema}": use lower-case letters, digits and _ (at most 63).`, { details: { setting: 'store.url', value: schema } });
  }
  parsed.searchParams.delete('schema');
  return { connectionString: parsed.toString(), schema, where: `${parsed.hostname}:${parsed.port || '5432'}` };
}

/**
 * One connected client with hangjia's schema first on its search path. Each long-lived role (a
 * job's lock session, the change listener) holds its own: an advisory lock and a LISTEN belong to
 * a session, so they cannot share a pool's connections.
 */
export async function connectClient(target: PostgresTarget, applicationName: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: target.connectionString, application_name: applicationName });
  try {
    await client.connect();
  } catch (error) {
    throw new HangjiaError('E_STORE_CONNECT', `Cannot reach the PostgreSQL store at ${target.where} (step: connect): ${(error as Error).message}`, {
      details: { where: target.where },
      cause: error,
      isRetryable: true,
    });
  }
  // A client dropped by the server (restart, network) must not crash the process: the next call fails and is retried.
  client.on('error', () => undefined);
  await client.query(`SET search_path TO ${quoteIdentifier(target.schema)}, public`);
  return client;
}

/** A pool for short statements (claiming and updating jobs), with the same search path on every connection. */
export function createPool(target: PostgresTarget, applicationName: string, max = 4): pg.Pool {
  const pool = new pg.Pool({ connectionString: target.connectionString, application_name: applicationName, max, options: `-c search_path=${target.schema},public` });
  pool.on('error', () => undefined);
  return pool;
}

export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
