import { spawn } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { expect, it } from 'vitest';
import { needsPostgres } from '../../../test/support/test-postgres.js';
import { COUNTING_STEPS, countingExecutor } from './__fixtures__/counting-job.js';
import { databaseWriteLockHolder, tryAcquireDatabaseWriteLock } from './database-write-lock.js';
import { JobClaimLoop } from './job-claim-loop.js';
import type { PostgresTarget } from './postgres-connection.js';
import { PostgresJobQueue } from './postgres-job-queue.js';

const postgres = needsPostgres();
const REPOSITORY = path.resolve(import.meta.dirname, '../../..');

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function query<T extends pg.QueryResultRow>(target: PostgresTarget, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: target.connectionString, options: `-c search_path=${target.schema}` });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

postgres.describe('the PostgreSQL job queue', () => {
  it('never gives one job to two claimers, however many claim at once', async () => {
    const target = await postgres.freshTarget();
    const queues = await Promise.all([1, 2, 3, 4].map(() => PostgresJobQueue.open(target)));
    try {
      // One job per knowledge base: jobs of one knowledge base are claimed one at a time by design.
      const submitted = await Promise.all(Array.from({ length: 24 }, (_, index) => queues[0]!.submit('sync', `kb${index}`, 'sync')));
      const claimedBy = new Map<string, string>();
      await Promise.all(
        queues.map(async (queue, claimer) => {
          for (;;) {
            const job = await queue.claim(`claimer-${claimer}`, 60_000);
            if (!job) return;
            expect(claimedBy.has(job.id), `${job.id} claimed twice`).toBe(false);
            claimedBy.set(job.id, `claimer-${claimer}`);
          }
        }),
      );
      expect([...claimedBy.keys()].sort()).toEqual(submitted.map((job) => job.id).sort());
      // Claimed, not started: a start is counted once the runner holds the write lock (markStarted).
      const rows = await query<{ attempts: number; status: string }>(target, 'SELECT attempts, status FROM jobs');
      expect(rows.every((row) => row.attempts === 0 && row.status === 'running')).toBe(true);
    } finally {
      await Promise.all(queues.map((queue) => queue.close()));
    }
  });

  it('runs the jobs of one knowledge base one at a time, in the order asked', async () => {
    const target = await postgres.freshTarget();
    const queue = await PostgresJobQueue.open(target);
    try {
      const first = await queue.submit('sync', 'hr', 'upload');
      await queue.submit('reindex', 'hr', 'document-groups');
      const other = await queue.submit('sync', 'legal', 'sync');
      expect((await queue.claim('a', 60_000))?.id).toBe(first.id);
      // The second job of "hr" waits for the first; "legal" does not.
      expect((await queue.claim('b', 60_000))?.id).toBe(other.id);
      expect(await queue.claim('c', 60_000)).toBeUndefined();
      expect(await queue.finish(first.id, { status: 'completed', result: {} })).toBe(true);
      expect((await queue.claim('c', 60_000))?.kind).toBe('reindex');
    } finally {
      await queue.close();
    }
  });

  it('lets one writer hold a knowledge base: a second lock on it is refused until the first is released', async () => {
    const target = await postgres.freshTarget();
    const first = await tryAcquireDatabaseWriteLock(target, 'hr', 'kb sync');
    expect(first).toBeDefined();
    expect(await tryAcquireDatabaseWriteLock(target, 'hr', 'kb sync')).toBeUndefined();
    const other = await tryAcquireDatabaseWriteLock(target, 'legal', 'kb sync');
    expect(other).toBeDefined();
    const client = new pg.Client({ connectionString: target.connectionString });
    await client.connect();
    try {
      expect((await databaseWriteLockHolder(client, 'hr'))?.applicationName).toMatch(/^hangjia kb sync \(pid \d+ on /);
      await first!.release();
      expect(await databaseWriteLockHolder(client, 'hr')).toBeUndefined();
    } finally {
      await client.end();
      await other!.release();
    }
    const again = await tryAcquireDatabaseWriteLock(target, 'hr', 'kb sync');
    expect(again).toBeDefined();
    await again!.release();
  });

  it('gives a killed worker’s job to another after its lease runs out, which resumes it and does no step twice', async () => {
    const target = await postgres.freshTarget();
    const queue = await PostgresJobQueue.open(target);
    const leaseMs = 1_000;
    const url = `${target.connectionString}${target.connectionString.includes('?') ? '&' : '?'}schema=${target.schema}`;
    try {
      const job = await queue.submit('sync', 'hr', 'upload');
      const script = [
        `import { parseStoreUrl } from ${JSON.stringify(path.join(REPOSITORY, 'src/knowledge-base/store/store-url.ts'))};`,
        `import { PostgresJobQueue } from ${JSON.stringify(path.join(REPOSITORY, 'src/server/cluster/postgres-job-queue.ts'))};`,
        `import { JobClaimLoop } from ${JSON.stringify(path.join(REPOSITORY, 'src/server/cluster/job-claim-loop.ts'))};`,
        `import { countingExecutor } from ${JSON.stringify(path.join(REPOSITORY, 'src/server/cluster/__fixtures__/counting-job.ts'))};`,
        `const target = parseStoreUrl(process.env.STORE_URL);`,
        `new JobClaimLoop(await PostgresJobQueue.open(target), countingExecutor(target, 'killed'), { owner: 'killed', leaseMs: ${leaseMs}, pollMs: 50 }).start();`,
      ].join('\n');
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPOSITORY, env: { ...process.env, STORE_URL: url }, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
      const exited = new Promise((resolve) => child.on('exit', resolve));
      // Killed in the middle: some steps done, not all.
      await waitFor(async () => {
        const rows = await query<{ count: string }>(target, `SELECT count(*) FROM pg_tables WHERE schemaname = $1 AND tablename = 'counting_steps'`, [target.schema]);
        if (rows[0]?.count !== '1') return undefined;
        const [done] = await query<{ count: string }>(target, 'SELECT count(*) FROM counting_steps');
        return Number(done!.count) >= 5 ? true : undefined;
      }, `the first worker's steps (${stderr})`);
      child.kill('SIGKILL');
      await exited;
      const [beforeTakeover] = await query<{ count: string }>(target, 'SELECT count(*) FROM counting_steps');
      expect(Number(beforeTakeover!.count)).toBeLessThan(COUNTING_STEPS);

      const takeover = new JobClaimLoop(queue, countingExecutor(target, 'takeover'), { owner: 'takeover', leaseMs, pollMs: 50 });
      takeover.start();
      const finished = await waitFor(async () => {
        const current = await queue.get(job.id);
        return current?.status === 'completed' || current?.status === 'failed' ? current : undefined;
      }, 'the job to be taken over and finished');
      await takeover.stop();
      expect(finished.status).toBe('completed');
      expect(finished.attempts).toBe(2);
      expect(finished.result?.['resumedFrom']).toBeGreaterThan(1);
      const steps = await query<{ step: number; runner: string }>(target, 'SELECT step, runner FROM counting_steps ORDER BY step');
      expect(steps.map((row) => row.step)).toEqual(Array.from({ length: COUNTING_STEPS }, (_, index) => index + 1));
      expect(new Set(steps.map((row) => row.runner))).toEqual(new Set(['killed', 'takeover']));
    } finally {
      await queue.close();
    }
  }, 60_000);

  it('gives back a claimed job while another process holds the knowledge base’s write lock, and runs it once the lock is free', async () => {
    const target = await postgres.freshTarget();
    const queue = await PostgresJobQueue.open(target);
    try {
      const held = await tryAcquireDatabaseWriteLock(target, 'hr', 'kb sync');
      const job = await queue.submit('sync', 'hr', 'sync');
      let runs = 0;
      const loop = new JobClaimLoop(queue, async () => ({ run: ++runs }), { leaseMs: 5_000, pollMs: 50 });
      loop.start();
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(runs).toBe(0);
      expect((await queue.get(job.id))?.status).not.toBe('completed');
      await held!.release();
      const finished = await waitFor(async () => ((await queue.get(job.id))?.status === 'completed' ? queue.get(job.id) : undefined), 'the job to run');
      await loop.stop();
      expect(runs).toBe(1);
      expect(finished?.attempts).toBe(1);
    } finally {
      await queue.close();
    }
  });
});
