import type pg from 'pg';
import type { ApiKeyRow, ApiKeyRows } from '../../access/index.js';
import { connectError, connectPostgresStore, isConnectionLost, parsePostgresStoreUrl, type PostgresStoreAddress } from './postgres-connection.js';
import { SyncWorkerBridge } from './sync-bridge.js';

/** The `api_keys` table of a PostgreSQL store (migration 3), asynchronous. */
export class PostgresApiKeyBackend {
  private client: pg.Client | undefined;

  private constructor(private readonly address: PostgresStoreAddress) {}

  /** @throws HangjiaError `E_CONFIG`, `E_STORE_CONNECT`, `E_STORE_VERSION`. */
  static async open(url: string): Promise<PostgresApiKeyBackend> {
    const backend = new PostgresApiKeyBackend(parsePostgresStoreUrl(url));
    await backend.connection();
    return backend;
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  async insert(row: ApiKeyRow): Promise<boolean> {
    try {
      await this.query(
        `INSERT INTO api_keys (id, name, lookup_prefix, salt, secret_hash, role, knowledge_bases, groups, created_at, expires_at, revoked_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [row.id, row.name, row.lookup_prefix, row.salt, row.secret_hash, row.role, row.knowledge_bases, row.groups, row.created_at, row.expires_at, row.revoked_at],
      );
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === '23505') return false; // unique_violation: an active key has the name
      throw error;
    }
  }

  async all(): Promise<ApiKeyRow[]> {
    return (await this.query('SELECT * FROM api_keys ORDER BY created_at DESC, id')).rows;
  }

  async byId(id: string): Promise<ApiKeyRow | undefined> {
    return (await this.query('SELECT * FROM api_keys WHERE id = $1', [id])).rows[0];
  }

  async activeByName(name: string): Promise<ApiKeyRow | undefined> {
    return (await this.query('SELECT * FROM api_keys WHERE name = $1 AND revoked_at IS NULL', [name])).rows[0];
  }

  async activeByPrefix(prefix: string): Promise<ApiKeyRow[]> {
    return (await this.query('SELECT * FROM api_keys WHERE lookup_prefix = $1 AND revoked_at IS NULL', [prefix])).rows;
  }

  async setRevoked(id: string, revokedAt: string): Promise<void> {
    await this.query('UPDATE api_keys SET revoked_at = $2 WHERE id = $1', [id, revokedAt]);
  }

  async countActive(now: string): Promise<number> {
    const { rows } = await this.query<{ n: string }>('SELECT COUNT(*) AS n FROM api_keys WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $1)', [now]);
    return Number(rows[0]!.n);
  }

  /** Keys are never deleted, only created and revoked: both counts only grow, so their sum moves on every change. */
  async changeVersion(): Promise<number> {
    const { rows } = await this.query<{ version: string }>('SELECT COUNT(*) + COUNT(revoked_at) AS version FROM api_keys');
    return Number(rows[0]!.version);
  }

  private async connection(): Promise<pg.Client> {
    this.client ??= await connectPostgresStore(this.address);
    return this.client;
  }

  private async query<R extends pg.QueryResultRow = ApiKeyRow>(sql: string, params: unknown[] = []): Promise<pg.QueryResult<R>> {
    const client = await this.connection();
    try {
      return await client.query<R>(sql, params);
    } catch (error) {
      if (!isConnectionLost(error)) throw error;
      this.client = undefined;
      void client.end().catch(() => undefined);
      throw connectError(this.address, 'query', error);
    }
  }
}

/**
 * The API key rows of the PostgreSQL store at `url`, synchronous (a worker thread runs a
 * {@link PostgresApiKeyBackend}): give them to `useApiKeyRows` when `store.url` is set.
 */
export function openPostgresApiKeyRows(url: string): ApiKeyRows {
  const address = parsePostgresStoreUrl(url);
  const where = `PostgreSQL store at ${address.where} (schema "${address.schema}")`;
  const bridge = new SyncWorkerBridge(new URL('./_postgres-store-worker.js', import.meta.url), { target: 'api-keys', url }, where);
  try {
    bridge.call('open', [], 60_000);
  } catch (error) {
    bridge.close();
    throw error;
  }
  // Buffers cross the thread boundary as plain Uint8Arrays.
  const revive = (row: ApiKeyRow): ApiKeyRow => ({ ...row, salt: Buffer.from(row.salt), secret_hash: Buffer.from(row.secret_hash) });
  return {
    where,
    insert: (row) => bridge.call('insert', [row]),
    all: () => bridge.call<ApiKeyRow[]>('all', []).map(revive),
    byId: (id) => {
      const row = bridge.call<ApiKeyRow | undefined>('byId', [id]);
      return row && revive(row);
    },
    activeByName: (name) => {
      const row = bridge.call<ApiKeyRow | undefined>('activeByName', [name]);
      return row && revive(row);
    },
    activeByPrefix: (prefix) => bridge.call<ApiKeyRow[]>('activeByPrefix', [prefix]).map(revive),
    setRevoked: (id, revokedAt) => bridge.call('setRevoked', [id, revokedAt]),
    countActive: (now) => bridge.call('countActive', [now]),
    changeVersion: () => bridge.call('changeVersion', []),
    close: () => bridge.close(),
  };
}
