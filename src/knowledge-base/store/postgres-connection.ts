import pg from 'pg';
import { HangjiaError } from '../../errors/index.js';
import { applyPostgresMigrations, POSTGRES_MIGRATIONS, quoteSchemaName } from './postgres-migrations.js';

/** The schema the store's tables live in when `store.url` names none (`?schema=…`). */
export const DEFAULT_POSTGRES_SCHEMA = 'hangjia';

/** A `store.url` taken apart: what `pg` connects with, the schema, and what messages may show. */
export interface PostgresStoreAddress {
  /** The URL without hangjia's own `schema` parameter. */
  connectionString: string;
  schema: string;
  /** `host:port`, for messages: never the password. */
  where: string;
}

/**
 * Reads a `postgres://user:password@host:port/database?schema=name` URL.
 * @throws HangjiaError `E_CONFIG` for anything else, naming the setting (never the password).
 */
export function parsePostgresStoreUrl(url: string): PostgresStoreAddress {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new HangjiaError('E_CONFIG', 'Invalid store.url: expected postgres://user@host:port/database (the value is not shown: it may hold a password).', {
      details: { setting: 'store.url' },
      cause: error,
    });
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new HangjiaError('E_CONFIG', `Invalid store.url: the scheme is "${parsed.protocol}", expected postgres:// (absent: the SQLite store under $HANGJIA_HOME).`, {
      details: { setting: 'store.url', value: parsed.protocol },
    });
  }
  const schema = parsed.searchParams.get('schema') ?? DEFAULT_POSTGRES_SCHEMA;
  quoteSchemaName(schema);
  parsed.searchParams.delete('schema');
  return { connectionString: parsed.toString(), schema, where: `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}` };
}

/**
 * Connects, brings the schema up to date (unless it already is: a read-only role can then use
 * it) and points `search_path` at it.
 * @throws HangjiaError `E_STORE_CONNECT` naming host, port and the failing step; `E_STORE_VERSION`.
 */
export async function connectPostgresStore(address: PostgresStoreAddress, options: { readOnly?: boolean } = {}): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: address.connectionString, connectionTimeoutMillis: 10_000 });
  // An idle connection that drops emits `error`; unheard, it would kill the worker thread.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw connectError(address, isAuthenticationFailure(error) ? 'authenticate' : 'connect', error);
  }
  try {
    const known = Math.max(...POSTGRES_MIGRATIONS.map((migration) => migration.version));
    if ((await currentVersion(client, address.schema)) !== known) await applyPostgresMigrations(client, address.schema);
    await client.query(`SET search_path TO ${quoteSchemaName(address.schema)}`);
    if (options.readOnly) await client.query('SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY');
  } catch (error) {
    await client.end().catch(() => undefined);
    if (HangjiaError.is(error)) throw error;
    throw connectError(address, 'migrate', error);
  }
  return client;
}

/** The newest migration applied to `schema`, or undefined when it has none yet. */
async function currentVersion(client: pg.Client, schema: string): Promise<number | undefined> {
  const found = await client.query<{ exists: boolean }>("SELECT to_regclass($1) IS NOT NULL AS exists", [`${quoteSchemaName(schema)}.schema_migrations`]);
  if (!found.rows[0]!.exists) return undefined;
  const row = await client.query<{ version: number | null }>(`SELECT MAX(version) AS version FROM ${quoteSchemaName(schema)}.schema_migrations`);
  return row.rows[0]!.version ?? undefined;
}

/** Whether a `pg` error means the connection is gone (the next call should reconnect). */
export function isConnectionLost(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  const message = (error as Error).message ?? '';
  return (
    code === 'ECONNRESET' ||
    code === 'ECONNREFUSED' ||
    code === 'EPIPE' ||
    code === '57P01' || // admin_shutdown: pg_terminate_backend, server stop
    code === '57P02' ||
    code === '57P03' ||
    /Connection terminated|not queryable|Client was closed/i.test(message)
  );
}

export function connectError(address: PostgresStoreAddress, step: 'connect' | 'authenticate' | 'migrate' | 'query', error: unknown): HangjiaError {
  return new HangjiaError('E_STORE_CONNECT', `Cannot reach the PostgreSQL store at ${address.where} (step: ${step}): ${(error as Error).message}`, {
    details: { setting: 'store.url', host: address.where, step },
    cause: error,
    isRetryable: step !== 'authenticate' && step !== 'migrate',
  });
}

function isAuthenticationFailure(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  // 28P01 invalid_password, 28000 invalid_authorization_specification (no such role, pg_hba).
  return code === '28P01' || code === '28000';
}
