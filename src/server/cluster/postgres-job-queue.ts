import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Job, JobKind } from '../api-types.js';
import { connectClient, createPool, type PostgresTarget } from './postgres-connection.js';
import { migrateReplicaTables } from './replica-migrations.js';

export type JobProgress = NonNullable<Job['progress']>;

/** How a claimed job ended. */
export type JobOutcome = { status: 'completed'; result: Record<string, unknown> } | { status: 'failed'; error: { code: string; message: string } };

interface JobRow {
  id: string;
  kb: string;
  kind: string;
  reason: string;
  status: Job['status'];
  progress: JobProgress | null;
  result: Record<string, unknown> | null;
  error: { code: string; message: string } | null;
  attempts: number;
  created_at: Date;
  updated_at: Date;
}

/**
 * The job queue shared by every replica and `hangjia worker` on one PostgreSQL: a row per job
 * (table `jobs`, see `replica-migrations.ts`).
 *
 * - **Claiming** takes the oldest claimable row with `FOR UPDATE SKIP LOCKED`, so two claimers
 *   never get one job and never wait on each other. A row is claimable when queued, or running
 *   with its lease (`leased_until`) expired — its worker died or lost the database — and no other
 *   job of the same knowledge base holds a live lease (jobs of one knowledge base run in order).
 * - **The lease** is renewed by the runner's heartbeat (`renew`), a few times per lease.
 * - **What excludes a second run** is the knowledge base's database write lock
 *   (`database-write-lock.ts`), which the runner takes after claiming: a worker that was merely
 *   slow (its lease expired while it still ran) still holds it, so the new claimer gives the job
 *   back (`yieldClaim`) instead of running it twice.
 *
 * @example
 * const queue = await PostgresJobQueue.open(parseStoreUrl(url));
 * const job = await queue.submit('sync', 'hr', 'upload');
 */
export class PostgresJobQueue {
  private constructor(
    private readonly pool: pg.Pool,
    readonly target: PostgresTarget,
  ) {}

  /** Connects and creates or upgrades the replica tables. */
  static async open(target: PostgresTarget, applicationName = 'hangjia jobs'): Promise<PostgresJobQueue> {
    const client = await connectClient(target, applicationName);
    try {
      await migrateReplicaTables(client, target);
    } finally {
      await client.end();
    }
    return new PostgresJobQueue(createPool(target, applicationName), target);
  }

  async submit(kind: JobKind, knowledgeBase: string, reason: string): Promise<Job> {
    const { rows } = await this.pool.query<JobRow>(`INSERT INTO jobs (id, kb, kind, reason, status) VALUES ($1, $2, $3, $4, 'queued') RETURNING *`, [
      `job_${randomUUID()}`,
      knowledgeBase,
      kind,
      reason,
    ]);
    return toJob(rows[0]!);
  }

  async get(id: string): Promise<Job | undefined> {
    const { rows } = await this.pool.query<JobRow>('SELECT * FROM jobs WHERE id = $1', [id]);
    return rows[0] ? toJob(rows[0]) : undefined;
  }

  /** Newest first, at most `limit`. */
  async list(limit = 1000): Promise<Job[]> {
    const { rows } = await this.pool.query<JobRow>('SELECT * FROM jobs ORDER BY created_at DESC, id DESC LIMIT $1', [limit]);
    return rows.map(toJob);
  }

  /** Whether a job of `knowledgeBase` is queued or running. */
  async busy(knowledgeBase: string): Promise<boolean> {
    const { rows } = await this.pool.query(`SELECT 1 FROM jobs WHERE kb = $1 AND status IN ('queued', 'running') LIMIT 1`, [knowledgeBase]);
    return rows.length > 0;
  }

  /**
   * Claims the oldest claimable job for `owner` with a lease of `leaseMs`, or undefined when none
   * is. The claim is not an attempt yet: see `markStarted`.
   */
  async claim(owner: string, leaseMs: number): Promise<Job | undefined> {
    const { rows } = await this.pool.query<JobRow>(
      `UPDATE jobs SET status = 'running', lease_owner = $1, leased_until = clock_timestamp() + $2 * interval '1 millisecond',
              error = NULL, updated_at = clock_timestamp()
        WHERE id = (
          SELECT candidate.id FROM jobs candidate
           WHERE (candidate.status = 'queued' OR (candidate.status = 'running' AND candidate.leased_until < clock_timestamp()))
             AND NOT EXISTS (
               SELECT 1 FROM jobs other
                WHERE other.kb = candidate.kb AND other.id <> candidate.id AND other.status = 'running' AND other.leased_until >= clock_timestamp())
             AND NOT EXISTS (
               SELECT 1 FROM jobs earlier
                WHERE earlier.kb = candidate.kb AND earlier.status = 'queued' AND (earlier.created_at, earlier.id) < (candidate.created_at, candidate.id)
                  AND candidate.status = 'queued')
           ORDER BY candidate.created_at, candidate.id
           LIMIT 1
           FOR UPDATE SKIP LOCKED)
        RETURNING *`,
      [owner, leaseMs],
    );
    return rows[0] ? toJob(rows[0]) : undefined;
  }

  /**
   * Extends the lease of a job `owner` runs (holding its knowledge base's write lock) and records
   * its progress. The owner is written again: a claimer that took the job while this runner was
   * slow, and gave it back, may have left its own name. False when the job has ended.
   */
  async renew(id: string, owner: string, leaseMs: number, progress?: JobProgress): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE jobs SET lease_owner = $2, leased_until = clock_timestamp() + $3 * interval '1 millisecond', progress = COALESCE($4::jsonb, progress), updated_at = clock_timestamp()
        WHERE id = $1 AND status = 'running'`,
      [id, owner, leaseMs, progress ? JSON.stringify(progress) : null],
    );
    return rowCount === 1;
  }

  /**
   * Counts a start of the job, once its runner holds the write lock; returns the attempt number
   * (above 1: an earlier runner was stopped, and this one resumes its work).
   */
  async markStarted(id: string): Promise<number> {
    const { rows } = await this.pool.query<{ attempts: number }>('UPDATE jobs SET attempts = attempts + 1, updated_at = clock_timestamp() WHERE id = $1 RETURNING attempts', [id]);
    return rows[0]?.attempts ?? 0;
  }

  /**
   * Gives back a claimed job this owner could not start (another process holds the knowledge
   * base's write lock): claimable again at once.
   */
  async yieldClaim(id: string, owner: string): Promise<void> {
    await this.pool.query(`UPDATE jobs SET leased_until = clock_timestamp(), updated_at = clock_timestamp() WHERE id = $1 AND lease_owner = $2 AND status = 'running'`, [id, owner]);
  }

  /** Hands back a job its runner stopped before the end: claimable at once, the attempt counted. */
  async abandon(id: string): Promise<void> {
    await this.pool.query(`UPDATE jobs SET leased_until = clock_timestamp(), updated_at = clock_timestamp() WHERE id = $1 AND status = 'running'`, [id]);
  }

  /** Records how the job ended (by the runner holding the write lock); false when it had already ended. */
  async finish(id: string, outcome: JobOutcome): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE jobs SET status = $2, result = $3::jsonb, error = $4::jsonb, lease_owner = NULL, leased_until = NULL, updated_at = clock_timestamp()
        WHERE id = $1 AND status = 'running'`,
      [id, outcome.status, outcome.status === 'completed' ? JSON.stringify(outcome.result) : null, outcome.status === 'failed' ? JSON.stringify(outcome.error) : null],
    );
    return rowCount === 1;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

function toJob(row: JobRow): Job {
  return {
    id: row.id,
    kind: row.kind as JobKind,
    knowledgeBase: row.kb,
    status: row.status,
    reason: row.reason,
    progress: row.progress,
    result: row.result,
    error: row.error,
    attempts: row.attempts,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
