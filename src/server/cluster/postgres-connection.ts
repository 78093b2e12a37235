import pg from 'pg';
import { connectToStore, storeConnectError } from '../../knowledge-base/store/store-connect-error.js';
import type { ParsedStoreUrl } from '../../knowledge-base/store/store-url.js';

/** Where the shared store lives (`store.url` taken apart by `parseStoreUrl`). */
export type PostgresTarget = ParsedStoreUrl;

/**
 * One connected client with hangjia's schema first on its search path. Each long-lived role (a
 * job's lock session, the change listener) holds its own: an advisory lock and a LISTEN belong to
 * a session, so they cannot share a pool's connections.
 */
export async function connectClient(target: PostgresTarget, applicationName: string): Promise<pg.Client> {
  const client = await connectToStore(target, { applicationName });
  try {
    await client.query(`SET search_path TO ${quoteIdentifier(target.schema)}, public`);
  } catch (error) {
    await client.end().catch(() => undefined);
    throw storeConnectError(target, 'connect', error);
  }
  return client;
}

/** A pool for short statements (claiming and updating jobs), with the same search path on every connection. */
export function createPool(target: PostgresTarget, applicationName: string, max = 4): pg.Pool {
  const pool = new pg.Pool({ connectionString: target.connectionString, application_name: applicationName, max, options: `-c search_path=${target.schema},public` });
  // An idle connection the server drops emits `error` on the pool; the next query takes a fresh one.
  pool.on('error', () => undefined);
  return pool;
}

export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
