import type pg from 'pg';
import { HangjiaError } from '../../errors/index.js';

/**
 * One versioned step of the PostgreSQL layout. Versions are owned in ranges so that work on
 * separate features cannot collide: 1–9 the store itself, 10–19 replicas and the job queue,
 * 20–29 vector stores. A step runs once, inside the migration transaction.
 */
export interface PostgresMigration {
  version: number;
  description: string;
  sql: string;
}

/**
 * Text keys compare byte-wise (`COLLATE "C"`), as SQLite's do: listings and the order chunks reach
 * the index builder are then the same under both stores, whatever the database's locale.
 */
const KEY = 'text COLLATE "C" NOT NULL';

/** The store's own steps; the layout is described in docs/design.md ("PostgreSQL store"). */
export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    description: 'knowledge bases, their meta, source files, documents, chunks, embeddings, access overrides, partial files and ingest runs',
    sql: `
CREATE TABLE knowledge_bases (
  name ${KEY} PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now(),
  settings jsonb,
  generation bigint NOT NULL DEFAULT 0
);
CREATE TABLE kb_meta (
  kb ${KEY} REFERENCES knowledge_bases(name) ON DELETE CASCADE,
  key ${KEY},
  value text NOT NULL,
  PRIMARY KEY (kb, key)
);
CREATE TABLE source_files (
  kb ${KEY} REFERENCES knowledge_bases(name) ON DELETE CASCADE,
  path ${KEY},
  root text NOT NULL,
  relative_path text NOT NULL,
  format text NOT NULL,
  size bigint NOT NULL,
  mtime_ms double precision NOT NULL,
  file_hash text,
  status text NOT NULL CHECK (status IN ('indexed', 'failed')),
  error_code text,
  error_message text,
  document_count integer NOT NULL DEFAULT 0,
  updated_at text NOT NULL,
  access_groups jsonb NOT NULL DEFAULT '[]',
  PRIMARY KEY (kb, path)
);
CREATE TABLE documents (
  kb ${KEY},
  id ${KEY},
  source_path ${KEY},
  row_key text,
  format text NOT NULL,
  title text NOT NULL,
  text text NOT NULL,
  content_hash text NOT NULL,
  encoding text,
  metadata jsonb NOT NULL,
  access_groups jsonb NOT NULL DEFAULT '[]',
  PRIMARY KEY (kb, id),
  FOREIGN KEY (kb, source_path) REFERENCES source_files(kb, path) ON DELETE CASCADE
);
CREATE INDEX documents_by_source ON documents(kb, source_path);
CREATE TABLE chunks (
  kb ${KEY},
  id ${KEY},
  document_id ${KEY},
  ordinal integer NOT NULL,
  text text NOT NULL,
  heading_path jsonb NOT NULL,
  start_offset integer NOT NULL,
  end_offset integer NOT NULL,
  token_count integer NOT NULL,
  text_hash ${KEY},
  PRIMARY KEY (kb, id),
  FOREIGN KEY (kb, document_id) REFERENCES documents(kb, id) ON DELETE CASCADE
);
CREATE INDEX chunks_by_document ON chunks(kb, document_id, ordinal);
CREATE INDEX chunks_by_text_hash ON chunks(kb, text_hash);
CREATE TABLE embeddings (
  kb ${KEY} REFERENCES knowledge_bases(name) ON DELETE CASCADE,
  model_id ${KEY},
  text_hash ${KEY},
  vector bytea NOT NULL,
  PRIMARY KEY (kb, model_id, text_hash)
);
CREATE TABLE access_overrides (
  kb ${KEY} REFERENCES knowledge_bases(name) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('file', 'document')),
  target ${KEY},
  groups jsonb NOT NULL,
  PRIMARY KEY (kb, kind, target)
);
CREATE TABLE partial_files (
  kb ${KEY},
  path ${KEY},
  file_hash text NOT NULL,
  documents_done integer NOT NULL,
  PRIMARY KEY (kb, path),
  FOREIGN KEY (kb, path) REFERENCES source_files(kb, path) ON DELETE CASCADE
);
CREATE TABLE ingest_runs (
  id bigserial PRIMARY KEY,
  kb ${KEY} REFERENCES knowledge_bases(name) ON DELETE CASCADE,
  started_at text NOT NULL,
  finished_at text,
  status text NOT NULL,
  counters jsonb
);
CREATE INDEX ingest_runs_by_kb ON ingest_runs(kb, id);
`,
  },
  {
    version: 2,
    description: 'the change log replicas follow: one row per committed change that bumps a generation',
    sql: `
CREATE TABLE changes (
  seq bigserial PRIMARY KEY,
  kb ${KEY},
  generation bigint NOT NULL,
  kind text NOT NULL,
  paths jsonb NOT NULL DEFAULT '[]',
  committed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX changes_by_kb ON changes(kb, seq);
-- Knowledge bases made under version 1 get their current generation as the log's first entry.
INSERT INTO changes (kb, generation, kind) SELECT name, generation, 'baseline' FROM knowledge_bases WHERE generation > 0;
`,
  },
  {
    version: 3,
    description: 'API keys, shared by every replica (only a salted hash of each secret)',
    sql: `
CREATE TABLE api_keys (
  id ${KEY} PRIMARY KEY,
  name ${KEY},
  lookup_prefix ${KEY},
  salt bytea NOT NULL,
  secret_hash bytea NOT NULL,
  role text NOT NULL CHECK (role IN ('reader', 'editor', 'admin')),
  knowledge_bases text NOT NULL,
  groups text NOT NULL,
  created_at text NOT NULL,
  expires_at text,
  revoked_at text
);
CREATE UNIQUE INDEX api_keys_active_name ON api_keys(name) WHERE revoked_at IS NULL;
CREATE INDEX api_keys_by_prefix ON api_keys(lookup_prefix);
`,
  },
];

/** Schema names are written into SQL, so only plain identifiers are accepted. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** `"name"`, after checking it is a plain lower-case identifier. @throws HangjiaError `E_CONFIG` */
export function quoteSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new HangjiaError('E_CONFIG', `Invalid PostgreSQL schema "${schema}" in store.url: use lower-case letters, digits and "_", starting with a letter or "_".`, {
      details: { setting: 'store.url', value: schema },
    });
  }
  return `"${schema}"`;
}

/**
 * Brings `schema` to the newest version in `migrations`, in one transaction under an advisory lock
 * (two processes starting at once: one migrates, the other then finds nothing to do). `upTo`
 * stops early (tests build an older layout with it). Returns the versions applied.
 *
 * @throws HangjiaError `E_STORE_VERSION` when the database holds a version newer than this hangjia knows.
 */
export async function applyPostgresMigrations(
  client: pg.ClientBase,
  schema: string,
  options: { migrations?: readonly PostgresMigration[]; upTo?: number } = {},
): Promise<number[]> {
  const migrations = [...(options.migrations ?? POSTGRES_MIGRATIONS)].sort((left, right) => left.version - right.version);
  const quoted = quoteSchemaName(schema);
  const known = migrations.at(-1)?.version ?? 0;
  await client.query('BEGIN');
  try {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('hangjia:migrate:' || $1))", [schema]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoted}`);
    await client.query(`SET LOCAL search_path TO ${quoted}`);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    const applied = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((row) => row.version));
    const newest = Math.max(0, ...applied);
    if (newest > known) {
      throw new HangjiaError(
        'E_STORE_VERSION',
        `The PostgreSQL store (schema "${schema}") is at version ${newest}, written by a newer hangjia; this one knows up to version ${known}. Upgrade hangjia on every machine that uses this store.`,
        { details: { schema, found: newest, supported: known } },
      );
    }
    const done: number[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.version) || (options.upTo !== undefined && migration.version > options.upTo)) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [migration.version]);
      done.push(migration.version);
    }
    await client.query('COMMIT');
    return done;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
