import type pg from 'pg';
import { HangjiaError } from '../../errors/index.js';
import { storeConnectError } from '../../knowledge-base/store/store-connect-error.js';
import { quoteIdentifier, type PostgresTarget } from './postgres-connection.js';

/**
 * The tables replicas share beyond the store's own: the job queue and the derived indexes one
 * replica built for another to load. Versions 10–19 are this part's (the store's own steps are
 * 1–9, vector stores' 20–29). They are recorded in `replica_migrations`, not the store's
 * `schema_migrations`, so the store's check "a version newer than I know" never trips on them.
 */
const STEPS: ReadonlyArray<{ version: number; sql: string }> = [
  {
    version: 10,
    sql: `
      CREATE TABLE jobs (
        id text PRIMARY KEY,
        kb text NOT NULL,
        kind text NOT NULL,
        reason text NOT NULL,
        status text NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed')),
        progress jsonb,
        result jsonb,
        error jsonb,
        attempts integer NOT NULL DEFAULT 0,
        lease_owner text,
        leased_until timestamptz,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
      );
      CREATE INDEX jobs_unfinished ON jobs (created_at, id) WHERE status IN ('queued', 'running');`,
  },
  {
    version: 11,
    sql: `
      CREATE TABLE derived_indexes (
        kb text NOT NULL,
        generation bigint NOT NULL,
        kind text NOT NULL,
        bytes bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (kb, generation, kind)
      );`,
  },
];

export const LATEST_REPLICA_MIGRATION = STEPS.at(-1)!.version;

/**
 * Brings the schema's replica tables to the latest version, in one transaction under an advisory
 * lock (two replicas starting together must not both create `jobs`). A database migrated by a
 * newer hangjia is refused rather than used with tables this one does not know.
 */
export async function migrateReplicaTables(client: pg.ClientBase, target: PostgresTarget): Promise<void> {
  try {
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('hangjia:replica-migrations'))`);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(target.schema)}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${quoteIdentifier(target.schema)}.replica_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ version: number | null }>(`SELECT max(version) AS version FROM ${quoteIdentifier(target.schema)}.replica_migrations`);
    const current = rows[0]?.version ?? 0;
    if (current > LATEST_REPLICA_MIGRATION) {
      throw new HangjiaError(
        'E_STORE_VERSION',
        `The PostgreSQL store ${target.display} has replica tables of version ${current}; this hangjia knows up to ${LATEST_REPLICA_MIGRATION}. Upgrade hangjia on this machine.`,
        { details: { host: target.host, port: target.port, schema: target.schema, found: current, known: LATEST_REPLICA_MIGRATION } },
      );
    }
    await client.query(`SET LOCAL search_path TO ${quoteIdentifier(target.schema)}`);
    for (const step of STEPS) {
      if (step.version <= current) continue;
      await client.query(step.sql);
      await client.query('INSERT INTO replica_migrations (version) VALUES ($1)', [step.version]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    if (HangjiaError.is(error)) throw error;
    throw storeConnectError(target, 'migrate', error);
  }
}
