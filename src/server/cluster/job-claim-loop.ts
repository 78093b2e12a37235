import os from 'node:os';
import { HangjiaError } from '../../errors/index.js';
import type { Job } from '../api-types.js';
import { tryAcquireDatabaseWriteLock } from './database-write-lock.js';
import type { JobOutcome, JobProgress, PostgresJobQueue } from './postgres-job-queue.js';

/**
 * Runs one claimed job: reports progress, resolves with its result, rejects on failure. `signal`
 * aborts when the runner stops (the job is left for another runner, not failed).
 */
export type JobExecutor = (job: Job, report: (progress: JobProgress) => void, signal?: AbortSignal) => Promise<Record<string, unknown>>;

export interface JobClaimLoopOptions {
  /** This runner's name in `jobs.lease_owner` (default `<host>:<pid>:<random>`). */
  owner?: string;
  /** How long a claim lasts without a heartbeat (default 30 s); a dead runner's job waits this long. */
  leaseMs?: number;
  /** How often to look for a job while the queue is empty (default 1 s). */
  pollMs?: number;
  /** At most this many jobs at once, each of another knowledge base (default 1). */
  concurrency?: number;
  /** Runs after a job succeeds, still under its write lock (a replica publishes the indexes the job built). */
  afterSuccess?: (job: Job) => Promise<void>;
  /** Runs after a job ended, still under its write lock, before its end is recorded (a replica moves its own indexes first). */
  beforeFinish?: (job: Job) => Promise<void>;
  log?: (line: string) => void;
}

/**
 * Takes jobs from the PostgreSQL queue and runs them until `stop()`: claim, take the knowledge
 * base's write lock through the database, run with a heartbeat renewing the lease (a third of it
 * apart), record the outcome, release. A job whose lock another process holds is given back.
 * A runner killed mid-job leaves its row `running` with a lease that runs out; the next claimer
 * runs it again, and the store's resumable sync continues where the killed one stopped.
 */
export class JobClaimLoop {
  readonly owner: string;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly concurrency: number;
  private readonly log: (line: string) => void;
  private readonly afterSuccess: ((job: Job) => Promise<void>) | undefined;
  private readonly beforeFinish: ((job: Job) => Promise<void>) | undefined;
  private readonly active = new Set<Promise<void>>();
  private readonly stopping = new AbortController();
  private stopped = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly queue: PostgresJobQueue,
    private readonly execute: JobExecutor,
    options: JobClaimLoopOptions = {},
  ) {
    this.owner = options.owner ?? `${os.hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.pollMs = options.pollMs ?? 1_000;
    this.concurrency = options.concurrency ?? 1;
    this.log = options.log ?? (() => undefined);
    this.afterSuccess = options.afterSuccess;
    this.beforeFinish = options.beforeFinish;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Jobs this loop runs now. */
  runningCount(): number {
    return this.active.size;
  }

  /** Looks for a job now rather than at the next poll (after a submit on this replica). */
  poke(): void {
    this.wake?.();
  }

  /**
   * Stops claiming and waits for the running jobs to end; with `abandon`, stops them instead and
   * hands them back to the queue (claimable at once: another runner resumes them from what was
   * committed).
   */
  async stop(options: { abandon?: boolean } = {}): Promise<void> {
    this.stopped = true;
    if (options.abandon) this.stopping.abort(new HangjiaError('E_ABORTED', 'The job runner is stopping.'));
    this.wake?.();
    await this.loop;
    await Promise.all(this.active);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let claimed = false;
      if (this.active.size < this.concurrency) {
        try {
          claimed = await this.claimAndStart();
        } catch (error) {
          // The database is unreachable for now: keep trying at the polling pace.
          this.log(`Cannot claim a job: ${(error as Error).message}`);
        }
      }
      if (!claimed && !this.stopped) await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.pollMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  private async claimAndStart(): Promise<boolean> {
    const job = await this.queue.claim(this.owner, this.leaseMs);
    if (!job) return false;
    const lock = await tryAcquireDatabaseWriteLock(this.queue.target, job.knowledgeBase, `worker: ${job.kind} of ${job.knowledgeBase}`);
    if (!lock) {
      await this.queue.yieldClaim(job.id, this.owner);
      this.log(`Job ${job.id}: "${job.knowledgeBase}" is being written by another process; left for later.`);
      return false;
    }
    job.attempts = await this.queue.markStarted(job.id);
    const running = this.runClaimed(job).finally(async () => {
      await lock.release();
      this.active.delete(running);
      this.wake?.();
    });
    this.active.add(running);
    return true;
  }

  private async runClaimed(job: Job): Promise<void> {
    const resumed = job.attempts > 1 ? ` (attempt ${job.attempts}: resuming where the last runner stopped)` : '';
    this.log(`Job ${job.id}: ${job.kind} of "${job.knowledgeBase}" started${resumed}.`);
    let progress: JobProgress | undefined;
    let renewing: Promise<unknown> = Promise.resolve();
    const heartbeat = setInterval(() => {
      renewing = this.queue.renew(job.id, this.owner, this.leaseMs, progress).catch((error: Error) => this.log(`Job ${job.id}: lease not renewed (${error.message}).`));
    }, Math.max(50, Math.floor(this.leaseMs / 3)));
    let outcome: JobOutcome;
    try {
      const result = await this.execute(
        job,
        (next) => {
          if (progress?.phase !== next.phase) this.log(`Job ${job.id}: ${next.phase} ${next.done}/${next.total}`);
          progress = next;
        },
        this.stopping.signal,
      );
      outcome = { status: 'completed', result };
      await this.afterSuccess?.(job).catch((error: Error) => this.log(`Job ${job.id}: done, but its follow-up failed (${error.message}).`));
    } catch (error) {
      if (this.stopping.signal.aborted) {
        clearInterval(heartbeat);
        await renewing;
        await this.queue.abandon(job.id).catch(() => undefined);
        this.log(`Job ${job.id}: stopped; left for another runner to resume.`);
        return;
      }
      outcome = { status: 'failed', error: HangjiaError.is(error) ? { code: error.code, message: error.message } : { code: 'E_INTERNAL', message: (error as Error)?.message ?? String(error) } };
    } finally {
      clearInterval(heartbeat);
      await renewing;
    }
    await this.beforeFinish?.(job).catch((error: Error) => this.log(`Job ${job.id}: ${error.message}`));
    try {
      await this.queue.finish(job.id, outcome);
    } catch (error) {
      // Unrecorded, the job runs again when its lease runs out: sync is resumable, so it finds the work done.
      this.log(`Job ${job.id}: could not record its end (${(error as Error).message}).`);
      return;
    }
    this.log(`Job ${job.id}: ${outcome.status}${outcome.status === 'failed' ? ` — ${outcome.error.message}` : ''}.`);
  }
}
