import type { HangjiaConfig } from '../../config/index.js';
import { HangjiaError } from '../../errors/index.js';
import { SyncWorkerBridge } from '../../knowledge-base/store/sync-bridge.js';
import type { Job, JobKind } from '../api-types.js';
import type { JobListener, JobQueue } from '../job-queue.js';
import { JobClaimLoop, type JobExecutor } from './job-claim-loop.js';
import type { PostgresTarget } from './postgres-connection.js';
import { PostgresJobQueue } from './postgres-job-queue.js';
import { threadJobExecutor } from './thread-job-executor.js';

/** How often a subscriber's job is read again (the row is the only shared state between replicas). */
const SUBSCRIPTION_POLL_MS = 250;

/**
 * The server's jobs when the store is PostgreSQL: rows of the shared queue (see
 * `PostgresJobQueue`), so a job asked of one replica is visible from every replica and run by
 * whichever claims it first — this one, another, or `hangjia worker`. The service's calls stay
 * synchronous, as with the file queue: they go through a worker thread of their own
 * (`_postgres-jobs-worker.ts`, the store's bridge). The runs go through an async claim loop.
 */
export class PostgresJobRunner implements JobQueue {
  private readonly bridge: SyncWorkerBridge;
  private readonly loopQueue: Promise<PostgresJobQueue>;
  private loop: JobClaimLoop | undefined;
  private closed = false;

  constructor(
    target: PostgresTarget,
    options: { config: HangjiaConfig; execute?: JobExecutor; afterSuccess?: (job: Job) => Promise<void>; beforeFinish?: (job: Job) => Promise<void>; log?: (line: string) => void; leaseMs?: number; pollMs?: number },
  ) {
    this.bridge = new SyncWorkerBridge(new URL('./_postgres-jobs-worker.js', import.meta.url), { target, applicationName: 'hangjia serve (jobs)' }, 'PostgreSQL job queue');
    const log = options.log ?? (() => undefined);
    this.loopQueue = PostgresJobQueue.open(target, 'hangjia serve (job runner)');
    this.loopQueue.then(
      (queue) => {
        if (this.closed) return;
        this.loop = new JobClaimLoop(queue, options.execute ?? threadJobExecutor(options.config), {
          log,
          ...(options.afterSuccess ? { afterSuccess: options.afterSuccess } : {}),
          ...(options.beforeFinish ? { beforeFinish: options.beforeFinish } : {}),
          ...(options.leaseMs === undefined ? {} : { leaseMs: options.leaseMs }),
          ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
        });
        this.loop.start();
      },
      (error: Error) => log(`Cannot run jobs from the PostgreSQL queue: ${error.message}`),
    );
  }

  submit(kind: JobKind, knowledgeBase: string, reason: string): Job {
    if (this.closed) throw new HangjiaError('E_SHUTTING_DOWN', 'The server is shutting down; try again when it is back.', { details: { retryAfterSeconds: 5 } });
    const job = this.bridge.call<Job>('submit', [kind, knowledgeBase, reason]);
    this.loop?.poke();
    return job;
  }

  get(id: string): Job | undefined {
    return this.bridge.call<Job | undefined>('get', [id]);
  }

  list(): Job[] {
    return this.bridge.call<Job[]>('list', []);
  }

  busy(knowledgeBase: string): boolean {
    return this.bridge.call<boolean>('busy', [knowledgeBase]);
  }

  runningCount(): number {
    return this.loop?.runningCount() ?? 0;
  }

  subscribe(id: string, listener: JobListener): () => void {
    let lastSeen = '';
    let reading = false;
    const timer = setInterval(() => {
      if (reading) return;
      reading = true;
      void this.loopQueue
        .then((queue) => queue.get(id))
        .then((job) => {
          if (!job || job.updatedAt === lastSeen) return;
          lastSeen = job.updatedAt;
          listener(job);
          if (job.status === 'completed' || job.status === 'failed') clearInterval(timer);
        })
        .catch(() => undefined)
        .finally(() => (reading = false));
    }, SUBSCRIPTION_POLL_MS);
    return () => clearInterval(timer);
  }

  /** Nothing to do: a job left running by a stopped replica is claimed again once its lease runs out, by any runner. */
  resumeInterrupted(): Job[] {
    return [];
  }

  async whenIdle(): Promise<void> {
    const queue = await this.loopQueue;
    while ((await queue.list()).some((job) => job.status === 'queued' || job.status === 'running')) await new Promise((resolve) => setTimeout(resolve, 100));
  }

  /** Stops claiming; a job this replica runs is handed back, and another runner resumes it. */
  async close(): Promise<void> {
    this.closed = true;
    await this.loop?.stop({ abandon: true });
    await this.loopQueue.then((queue) => queue.close()).catch(() => undefined);
    this.bridge.close();
  }
}
