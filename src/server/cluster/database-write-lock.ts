import os from 'node:os';
import type pg from 'pg';
import { connectClient, type PostgresTarget } from './postgres-connection.js';

/** A knowledge base's write lock held in PostgreSQL; `release()` is idempotent. */
export interface DatabaseWriteLock {
  readonly knowledgeBase: string;
  release(): Promise<void>;
}

/** Who holds a knowledge base's database write lock, as PostgreSQL reports the session. */
export interface DatabaseWriteLockHolder {
  /** What the holder said it does, e.g. `hangjia worker: sync of "hr" (pid 4242 on host-1)`. */
  applicationName: string;
  since: string;
}

// One key per knowledge base, the same expression everywhere (two writers must compute the same lock).
const LOCK_KEY = `hashtext('hangjia:' || $1)`;

/**
 * Takes the write lock of `knowledgeBase` through the database if it is free, else undefined.
 *
 * A session-level advisory lock on a connection of its own: PostgreSQL releases it when the
 * session ends — the holder released it, or its process died (kill -9, a lost machine), once the
 * server notices the connection is gone — so no stale lock outlives its writer, on any host.
 * It replaces the lock file of `knowledge-base/write-lock.ts` when the store is PostgreSQL: a lock
 * file only excludes writers on one machine.
 */
export async function tryAcquireDatabaseWriteLock(target: PostgresTarget, knowledgeBase: string, command: string): Promise<DatabaseWriteLock | undefined> {
  const applicationName = `hangjia ${command} (pid ${process.pid} on ${os.hostname()})`.slice(0, 63);
  const client = await connectClient(target, applicationName);
  let taken = false;
  try {
    const { rows } = await client.query<{ taken: boolean }>(`SELECT pg_try_advisory_lock(${LOCK_KEY}) AS taken`, [knowledgeBase]);
    taken = rows[0]?.taken === true;
  } finally {
    if (!taken) await client.end();
  }
  if (!taken) return undefined;
  let held = true;
  return {
    knowledgeBase,
    release: async () => {
      if (!held) return;
      held = false;
      // Ending the session releases the lock; an explicit unlock first keeps a pooled proxy (pgbouncer in session mode) honest.
      await client.query(`SELECT pg_advisory_unlock(${LOCK_KEY})`, [knowledgeBase]).catch(() => undefined);
      await client.end().catch(() => undefined);
    },
  };
}

/** Who holds the database write lock of `knowledgeBase`, or undefined when it is free. */
export async function databaseWriteLockHolder(client: pg.ClientBase, knowledgeBase: string): Promise<DatabaseWriteLockHolder | undefined> {
  // A one-key advisory lock is listed with the key's high 32 bits as classid and low 32 bits as objid.
  const { rows } = await client.query<{ application_name: string; since: Date }>(
    `SELECT a.application_name, a.backend_start AS since
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
        AND l.classid::bigint = ((${LOCK_KEY})::bigint >> 32) & 4294967295
        AND l.objid::bigint = (${LOCK_KEY})::bigint & 4294967295
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    [knowledgeBase],
  );
  const row = rows[0];
  return row ? { applicationName: row.application_name, since: row.since.toISOString() } : undefined;
}

/**
 * Takes the database write lock of `knowledgeBase`, waiting while another writer holds it:
 * `onWait` is told once who that is, then this tries again every `pollMs` (default 250) until
 * the lock is free or `signal` aborts. The database twin of `acquireWriteLock`.
 */
export async function acquireDatabaseWriteLock(
  target: PostgresTarget,
  knowledgeBase: string,
  options: { command: string; onWait?: (holder: DatabaseWriteLockHolder | undefined) => void; signal?: AbortSignal; pollMs?: number },
): Promise<DatabaseWriteLock> {
  let told = false;
  for (;;) {
    options.signal?.throwIfAborted();
    const lock = await tryAcquireDatabaseWriteLock(target, knowledgeBase, options.command);
    if (lock) return lock;
    if (!told) {
      told = true;
      const client = await connectClient(target, 'hangjia (who holds the lock)');
      try {
        options.onWait?.(await databaseWriteLockHolder(client, knowledgeBase));
      } finally {
        await client.end();
      }
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 250));
  }
}
