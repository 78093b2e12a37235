import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { HangjiaError } from '../errors/index.js';
import { normalizeAccessGroups } from './access-filter.js';
import { API_KEY_ROLES, type ApiKeyRole, type Principal } from './principal.js';

/** Bumped when the key table changes shape; a newer file is refused. */
export const ACCESS_STORE_SCHEMA_VERSION = 1;

/** `$HANGJIA_HOME/access.sqlite`: API keys, apart from any knowledge base. */
export function accessStorePath(home: string): string {
  return path.join(home, 'access.sqlite');
}

/** What `createApiKey` is asked for. */
export interface ApiKeySpec {
  /** Unique among keys not revoked: 1–64 letters, digits, "_", "-" or ".". */
  name: string;
  /** `'*'` (default) for every knowledge base, or their names. An admin key must have `'*'`. */
  knowledgeBases?: '*' | string[];
  /** Default `reader`. */
  role?: ApiKeyRole;
  /** Access groups (default none: the key reads only documents without groups, unless it is an admin). */
  groups?: string[];
  /** After this instant the key no longer authenticates. Default: never. */
  expiresAt?: Date;
}

/** A stored key as listed: everything but the secret, which is never stored. */
export interface ApiKeyRecord {
  id: string;
  name: string;
  /** The first characters of the secret (`hj_AbCd1234`), to recognise a key; not enough to use it. */
  prefix: string;
  role: ApiKeyRole;
  knowledgeBases: '*' | string[];
  groups: string[];
  /** ISO 8601 instants. */
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  status: 'active' | 'expired' | 'revoked';
}

/** Injected clock and randomness, for tests. */
export interface ApiKeyClock {
  now?: () => Date;
}

const SECRET_PREFIX = 'hj_';
/** 32 random bytes: 256 bits, so a salted SHA-256 is as strong as any KDF (no password to guess). */
const SECRET_BYTES = 32;
const SECRET_PATTERN = /^hj_[A-Za-z0-9_-]{43}$/;
/** `hj_` and 8 characters (48 bits): enough to find a key's row, far from enough to guess the rest. */
const LOOKUP_PREFIX_LENGTH = SECRET_PREFIX.length + 8;
const NAME_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N}_.-]{0,63}$/u;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS api_keys (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  lookup_prefix TEXT NOT NULL,
  salt BLOB NOT NULL,
  secret_hash BLOB NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('reader', 'editor', 'admin')),
  knowledge_bases TEXT NOT NULL,
  groups TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT,
  revoked_at TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS api_keys_active_name ON api_keys(name) WHERE revoked_at IS NULL;
CREATE INDEX IF NOT EXISTS api_keys_by_prefix ON api_keys(lookup_prefix);
`;

/** One stored key as its table holds it (the secret only as a salted hash). */
export interface ApiKeyRow {
  id: string;
  name: string;
  lookup_prefix: string;
  salt: Buffer;
  secret_hash: Buffer;
  role: ApiKeyRole;
  knowledge_bases: string;
  groups: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}

/**
 * Where key rows are kept: `access.sqlite` under `$HANGJIA_HOME` by default, or the `api_keys`
 * table of the PostgreSQL store when `store.url` is set (`openPostgresApiKeyRows`), so every
 * replica authenticates the same keys. Synchronous, like the knowledge-base store.
 */
export interface ApiKeyRows {
  /** Where the rows are, for messages. */
  readonly where: string;
  /** Inserts `row`; false when a key not revoked already has its name. */
  insert(row: ApiKeyRow): boolean;
  /** Every key, newest first. */
  all(): ApiKeyRow[];
  byId(id: string): ApiKeyRow | undefined;
  activeByName(name: string): ApiKeyRow | undefined;
  /** Keys not revoked whose secret starts with `prefix`. */
  activeByPrefix(prefix: string): ApiKeyRow[];
  setRevoked(id: string, revokedAt: string): void;
  /** Keys neither revoked nor expired at `now` (ISO 8601). */
  countActive(now: string): number;
  /** Changes whenever any process creates or revokes a key: the authentication cache is emptied then. */
  changeVersion(): number;
  close(): void;
}

/** The rows in `$HANGJIA_HOME/access.sqlite`. */
class SqliteApiKeyRows implements ApiKeyRows {
  constructor(
    readonly where: string,
    private readonly database: Database.Database,
  ) {}

  insert(row: ApiKeyRow): boolean {
    try {
      this.database
        .prepare(
          `INSERT INTO api_keys (id, name, lookup_prefix, salt, secret_hash, role, knowledge_bases, groups, created_at, expires_at, revoked_at)
           VALUES (@id, @name, @lookup_prefix, @salt, @secret_hash, @role, @knowledge_bases, @groups, @created_at, @expires_at, @revoked_at)`,
        )
        .run(row);
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') return false;
      throw error;
    }
  }

  all(): ApiKeyRow[] {
    return this.database.prepare('SELECT * FROM api_keys ORDER BY created_at DESC, id').all() as ApiKeyRow[];
  }

  byId(id: string): ApiKeyRow | undefined {
    return this.database.prepare('SELECT * FROM api_keys WHERE id = ?').get(id) as ApiKeyRow | undefined;
  }

  activeByName(name: string): ApiKeyRow | undefined {
    return this.database.prepare('SELECT * FROM api_keys WHERE name = ? AND revoked_at IS NULL').get(name) as ApiKeyRow | undefined;
  }

  activeByPrefix(prefix: string): ApiKeyRow[] {
    return this.database.prepare('SELECT * FROM api_keys WHERE lookup_prefix = ? AND revoked_at IS NULL').all(prefix) as ApiKeyRow[];
  }

  setRevoked(id: string, revokedAt: string): void {
    this.database.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ?').run(revokedAt, id);
  }

  countActive(now: string): number {
    return (this.database.prepare('SELECT COUNT(*) AS n FROM api_keys WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)').get(now) as { n: number }).n;
  }

  /** SQLite's `data_version` changes when another connection commits: one pragma, no table read. */
  changeVersion(): number {
    return this.database.pragma('data_version', { simple: true }) as number;
  }

  close(): void {
    if (this.database.open) this.database.close();
  }
}

/**
 * The API key store of one `$HANGJIA_HOME`. Authentication is cached in memory by the SHA-256 of
 * the secret, and the cache is emptied whenever the table changes: by this connection (create,
 * revoke) or by another process (`hangjia keys revoke` while `hangjia serve` runs), which SQLite's
 * `data_version` reveals for the price of one pragma, no table read. Expiry is checked on every use.
 */
export class ApiKeyStore {
  private readonly rows: ApiKeyRows;
  private readonly cache = new Map<string, { principal: Principal; expiresAtMs: number | null }>();
  private dataVersion: number;

  /** A store over `rows` (the PostgreSQL store's, say); `open` gives the default file's. */
  constructor(rows: ApiKeyRows) {
    this.rows = rows;
    this.dataVersion = rows.changeVersion();
  }

  /** Where the keys are: the file, or the PostgreSQL host and schema. */
  get where(): string {
    return this.rows.where;
  }

  /** Opens (with `create`, creates) `$HANGJIA_HOME/access.sqlite`; undefined when it does not exist and `create` is false. */
  static open(home: string, options: { create: boolean }): ApiKeyStore | undefined {
    const file = accessStorePath(home);
    if (!options.create && !fs.existsSync(file)) return undefined;
    fs.mkdirSync(home, { recursive: true });
    // Only the owner should read even the hashes. Created 0600 before SQLite opens it, since SQLite
    // gives its -wal and -shm files the database file's permissions.
    fs.closeSync(fs.openSync(file, 'a', 0o600));
    fs.chmodSync(file, 0o600);
    let database: Database.Database;
    try {
      database = new Database(file);
    } catch (error) {
      throw new HangjiaError('E_ACCESS_STORE', `Cannot open the API key store ${file}: ${(error as Error).message}`, { details: { path: file }, cause: error });
    }
    database.pragma('journal_mode = WAL');
    database.pragma('busy_timeout = 5000');
    database.exec(SCHEMA);
    const found = database.prepare("SELECT value FROM meta WHERE key = 'schemaVersion'").get() as { value: string } | undefined;
    if (found === undefined) {
      database.prepare("INSERT INTO meta (key, value) VALUES ('schemaVersion', ?)").run(String(ACCESS_STORE_SCHEMA_VERSION));
    } else if (Number(found.value) > ACCESS_STORE_SCHEMA_VERSION) {
      database.close();
      throw new HangjiaError(
        'E_ACCESS_STORE',
        `The API key store ${file} was written by a newer hangjia (schema ${found.value}; this one reads up to ${ACCESS_STORE_SCHEMA_VERSION}). Upgrade hangjia.`,
        { details: { path: file, found: Number(found.value), supported: ACCESS_STORE_SCHEMA_VERSION } },
      );
    }
    return new ApiKeyStore(new SqliteApiKeyRows(file, database));
  }

  close(): void {
    this.cache.clear();
    this.rows.close();
  }

  /** Creates a key and returns its record and its secret; the secret is shown this once and never stored. */
  create(spec: ApiKeySpec, clock: ApiKeyClock = {}): { key: ApiKeyRecord; secret: string } {
    const now = (clock.now ?? (() => new Date()))();
    const name = spec.name.trim();
    if (!NAME_PATTERN.test(name)) {
      throw new HangjiaError('E_USAGE', `Invalid key name "${spec.name}": use 1–64 letters, digits, "_", "-" or ".", starting with a letter or digit.`, {
        details: { setting: 'name', value: spec.name },
      });
    }
    const role = spec.role ?? 'reader';
    if (!API_KEY_ROLES.includes(role)) {
      throw new HangjiaError('E_USAGE', `Invalid role "${String(role)}": use one of ${API_KEY_ROLES.join(', ')}.`, { details: { setting: 'role', value: role } });
    }
    const knowledgeBases = normalizeKnowledgeBaseList(spec.knowledgeBases ?? '*');
    if (role === 'admin' && knowledgeBases !== '*') {
      throw new HangjiaError('E_USAGE', `An admin key reaches every knowledge base, so it cannot be limited to ${knowledgeBases.join(', ')}. Drop --kb, or create an editor key.`, {
        details: { setting: 'knowledgeBases', value: knowledgeBases },
      });
    }
    const groups = normalizeAccessGroups(spec.groups ?? [], 'the key\'s groups');
    if (spec.expiresAt !== undefined && !(spec.expiresAt.getTime() > now.getTime())) {
      throw new HangjiaError('E_USAGE', `The expiry ${spec.expiresAt.toISOString()} is not in the future.`, { details: { setting: 'expiresAt', value: spec.expiresAt.toISOString() } });
    }
    const secret = `${SECRET_PREFIX}${randomBytes(SECRET_BYTES).toString('base64url')}`;
    const salt = randomBytes(16);
    const row: ApiKeyRow = {
      id: `key_${randomBytes(6).toString('hex')}`,
      name,
      lookup_prefix: secret.slice(0, LOOKUP_PREFIX_LENGTH),
      salt,
      secret_hash: saltedHash(salt, secret),
      role,
      knowledge_bases: JSON.stringify(knowledgeBases),
      groups: JSON.stringify(groups),
      created_at: now.toISOString(),
      expires_at: spec.expiresAt?.toISOString() ?? null,
      revoked_at: null,
    };
    if (!this.rows.insert(row)) {
      throw new HangjiaError('E_API_KEY_EXISTS', `A key named "${name}" already exists. Pick another name, or revoke it first: hangjia keys revoke ${name}`, { details: { name } });
    }
    this.cache.clear();
    return { key: toRecord(row, now), secret };
  }

  /** Every key, newest first, revoked and expired ones included (their status says so). */
  list(clock: ApiKeyClock = {}): ApiKeyRecord[] {
    const now = (clock.now ?? (() => new Date()))();
    return this.rows.all().map((row) => toRecord(row, now));
  }

  /**
   * Revokes the key with id `idOrName`, or else the active key named so; returns its record.
   * @throws HangjiaError `E_API_KEY_NOT_FOUND` when neither matches.
   */
  revoke(idOrName: string, clock: ApiKeyClock = {}): ApiKeyRecord {
    const now = (clock.now ?? (() => new Date()))();
    const row = this.rows.byId(idOrName) ?? this.rows.activeByName(idOrName);
    if (row === undefined) {
      throw new HangjiaError('E_API_KEY_NOT_FOUND', `No API key has the id or active name "${idOrName}". List them with: hangjia keys list`, { details: { key: idOrName } });
    }
    if (row.revoked_at === null) {
      row.revoked_at = now.toISOString();
      this.rows.setRevoked(row.id, row.revoked_at);
    }
    this.cache.clear();
    return toRecord(row, now);
  }

  /** Keys neither revoked nor expired. */
  countActive(clock: ApiKeyClock = {}): number {
    const now = (clock.now ?? (() => new Date()))().toISOString();
    return this.rows.countActive(now);
  }

  /**
   * The principal of `secret` (a `Bearer` token), or undefined for anything but an active key:
   * malformed, unknown, revoked or expired. Which of these it was is deliberately not said.
   */
  authenticate(secret: string, clock: ApiKeyClock = {}): Principal | undefined {
    if (!SECRET_PATTERN.test(secret)) return undefined;
    const nowMs = (clock.now ?? (() => new Date()))().getTime();
    const version = this.rows.changeVersion();
    if (version !== this.dataVersion) {
      this.cache.clear();
      this.dataVersion = version;
    }
    const cacheKey = createHash('sha256').update(secret).digest('hex');
    let entry = this.cache.get(cacheKey);
    if (entry === undefined) {
      const row = this.rows.activeByPrefix(secret.slice(0, LOOKUP_PREFIX_LENGTH)).find((candidate) => hashesEqual(saltedHash(candidate.salt, secret), candidate.secret_hash));
      if (row === undefined) return undefined;
      entry = { principal: toPrincipal(row), expiresAtMs: row.expires_at === null ? null : Date.parse(row.expires_at) };
      this.cache.set(cacheKey, entry);
    }
    if (entry.expiresAtMs !== null && entry.expiresAtMs <= nowMs) return undefined;
    return structuredClone(entry.principal);
  }

}

/** One open store per home for the functions below; `hangjia serve` authenticates through it on every request. */
const openStores = new Map<string, ApiKeyStore>();

/** Homes whose keys live elsewhere than `access.sqlite`, by resolved home (see {@link useApiKeyRows}). */
const rowsOpeners = new Map<string, () => ApiKeyRows>();

/**
 * Keeps the keys of `home` in the rows `open` gives instead of `access.sqlite`: with `store.url`
 * set, the PostgreSQL store's `api_keys` table, so that every replica sees the same keys. With
 * undefined, back to the file. Stores the functions below opened for `home` are closed.
 *
 * @example
 * useApiKeyRows(config.home, () => openPostgresApiKeyRows(storeUrl));
 */
export function useApiKeyRows(home: string, open: (() => ApiKeyRows) | undefined): void {
  const key = path.resolve(home);
  for (const id of [`rows:${key}`, path.resolve(accessStorePath(home))]) {
    openStores.get(id)?.close();
    openStores.delete(id);
  }
  if (open === undefined) rowsOpeners.delete(key);
  else rowsOpeners.set(key, open);
}

function storeFor(home: string, create: boolean): ApiKeyStore | undefined {
  const opener = rowsOpeners.get(path.resolve(home));
  if (opener !== undefined) {
    const id = `rows:${path.resolve(home)}`;
    let store = openStores.get(id);
    if (store === undefined) {
      store = new ApiKeyStore(opener());
      openStores.set(id, store);
    }
    return store;
  }
  const file = path.resolve(accessStorePath(home));
  const open = openStores.get(file);
  if (open && fs.existsSync(file)) return open;
  open?.close();
  openStores.delete(file);
  const store = ApiKeyStore.open(path.dirname(file), { create });
  if (store) openStores.set(file, store);
  return store;
}

/** Closes the stores the functions below opened (tests, server shutdown). */
export function closeApiKeyStores(): void {
  for (const store of openStores.values()) store.close();
  openStores.clear();
}

/**
 * Creates an API key in `$HANGJIA_HOME/access.sqlite`. Only a salted SHA-256 of the secret is
 * stored; show `secret` to the user once.
 *
 * @example
 * const { key, secret } = createApiKey(home, { name: 'hr-bot', knowledgeBases: ['handbook'], groups: ['hr'] });
 */
export function createApiKey(home: string, spec: ApiKeySpec, clock: ApiKeyClock = {}): { key: ApiKeyRecord; secret: string } {
  return storeFor(home, true)!.create(spec, clock);
}

/** Every key (no secrets), newest first; none when the store does not exist yet. */
export function listApiKeys(home: string, clock: ApiKeyClock = {}): ApiKeyRecord[] {
  return storeFor(home, false)?.list(clock) ?? [];
}

/** Revokes a key by id or active name; see {@link ApiKeyStore.revoke}. */
export function revokeApiKey(home: string, idOrName: string, clock: ApiKeyClock = {}): ApiKeyRecord {
  const store = storeFor(home, false);
  if (store === undefined) {
    throw new HangjiaError('E_API_KEY_NOT_FOUND', `No API key has the id or active name "${idOrName}": no key was ever created in ${home}.`, { details: { key: idOrName } });
  }
  return store.revoke(idOrName, clock);
}

/** The principal of an active key's secret, else undefined; see {@link ApiKeyStore.authenticate}. */
export function authenticateApiKey(home: string, secret: string, clock: ApiKeyClock = {}): Principal | undefined {
  return storeFor(home, false)?.authenticate(secret, clock);
}

/** Keys neither revoked nor expired (0 when the store does not exist): `hangjia serve` needs one to bind beyond loopback. */
export function countActiveApiKeys(home: string, clock: ApiKeyClock = {}): number {
  return storeFor(home, false)?.countActive(clock) ?? 0;
}

/**
 * An expiry as people write it: a duration from now (`90m`, `12h`, `30d`, `8w`, `1y`) or an
 * ISO 8601 date or instant (`2027-01-31`, `2027-01-31T18:00:00Z`).
 *
 * @throws HangjiaError `E_USAGE` naming the value.
 */
export function parseApiKeyExpiry(text: string, now: Date = new Date()): Date {
  const duration = /^(\d+)\s*(m|h|d|w|y)$/.exec(text.trim());
  if (duration) {
    const unitMs = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 365 * 86_400_000 }[duration[2] as 'm' | 'h' | 'd' | 'w' | 'y'];
    const amount = Number(duration[1]);
    if (amount > 0) return new Date(now.getTime() + amount * unitMs);
  } else if (/^\d{4}-\d{2}-\d{2}/.test(text.trim())) {
    const date = new Date(text.trim());
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw new HangjiaError('E_USAGE', `Invalid expiry "${text}": give a duration (90m, 12h, 30d, 8w, 1y) or a date (2027-01-31).`, { details: { setting: 'expires', value: text } });
}

function normalizeKnowledgeBaseList(value: '*' | string[]): '*' | string[] {
  if (value === '*') return '*';
  const names = [...new Set(value.map((name) => name.trim()))];
  if (names.includes('*')) return '*';
  if (names.length === 0 || names.some((name) => !NAME_PATTERN.test(name) || name.includes('..'))) {
    throw new HangjiaError('E_USAGE', `Invalid knowledge base list "${value.join(',')}": give '*' or knowledge base names separated by commas.`, {
      details: { setting: 'knowledgeBases', value },
    });
  }
  return names.sort();
}

function saltedHash(salt: Buffer, secret: string): Buffer {
  return createHash('sha256').update(salt).update(secret, 'utf8').digest();
}

function hashesEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function toPrincipal(row: ApiKeyRow): Principal {
  return { keyId: row.id, name: row.name, role: row.role, knowledgeBases: JSON.parse(row.knowledge_bases) as '*' | string[], groups: JSON.parse(row.groups) as string[] };
}

function toRecord(row: ApiKeyRow, now: Date): ApiKeyRecord {
  const expired = row.expires_at !== null && Date.parse(row.expires_at) <= now.getTime();
  return {
    id: row.id,
    name: row.name,
    prefix: row.lookup_prefix,
    role: row.role,
    knowledgeBases: JSON.parse(row.knowledge_bases) as '*' | string[],
    groups: JSON.parse(row.groups) as string[],
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    status: row.revoked_at !== null ? 'revoked' : expired ? 'expired' : 'active',
  };
}
