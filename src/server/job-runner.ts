import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { HangjiaConfig } from '../config/index.js';
import { HangjiaError } from '../errors/index.js';
import type { Job, JobKind } from './api-types.js';
import type { JobWorkerInput, JobWorkerMessage } from './_job-worker.js';
import type { JobListener, JobQueue } from './job-queue.js';
import type { KnowledgeBaseRegistry } from './knowledge-base-registry.js';

/**
 * Long work (sync after an upload or a delete, sync, reindex) as jobs with ids. A job runs in a
 * worker thread of its own (`_job-worker.ts`), at most one per knowledge base at a time, in the
 * order asked. Each job is a JSON file under `$HANGJIA_HOME/server/jobs/`, written at every change
 * of state, so it outlives the request that started it (a client may disconnect and come back
 * with its id) and the server itself: `resumeInterrupted()` at start-up runs again every job a
 * stopped server left queued or running — the store's sync is resumable, so a rerun continues
 * where the killed one stopped instead of starting over.
 */
export class JobRunner implements JobQueue {
  private readonly directory: string;
  private readonly jobs = new Map<string, Job>();
  private readonly listeners = new Map<string, Set<JobListener>>();
  private readonly queues = new Map<string, Job[]>();
  private readonly running = new Map<string, Worker>();
  private readonly idleWaiters = new Set<() => void>();
  private closed = false;

  constructor(
    private readonly config: HangjiaConfig,
    private readonly registry: KnowledgeBaseRegistry,
    private readonly log: (line: string) => void = () => undefined,
  ) {
    this.directory = path.join(config.home, 'server', 'jobs');
    fs.mkdirSync(this.directory, { recursive: true });
    for (const file of fs.readdirSync(this.directory)) {
      if (!file.endsWith('.json')) continue;
      try {
        const job = JSON.parse(fs.readFileSync(path.join(this.directory, file), 'utf8')) as Job;
        this.jobs.set(job.id, job);
      } catch {
        // A file cut by a crash mid-write is replaced atomically (see `save`); one that still fails to parse is not ours.
      }
    }
  }

  /** Queues a job; it starts as soon as no other job holds its knowledge base. */
  submit(kind: JobKind, knowledgeBase: string, reason: string): Job {
    if (this.closed) throw new HangjiaError('E_SHUTTING_DOWN', 'The server is shutting down; try again when it is back.', { details: { retryAfterSeconds: 5 } });
    const now = new Date().toISOString();
    const job: Job = { id: `job_${randomUUID()}`, kind, knowledgeBase, status: 'queued', reason, progress: null, result: null, error: null, attempts: 0, createdAt: now, updatedAt: now };
    this.save(job);
    this.enqueue(job);
    return job;
  }

  get(id: string): Job | undefined {
    return this.jobs.get(id);
  }

  /** Newest first. */
  list(): Job[] {
    return [...this.jobs.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  /** Whether a job for `knowledgeBase` is queued or running. */
  busy(knowledgeBase: string): boolean {
    return this.running.has(knowledgeBase) || (this.queues.get(knowledgeBase)?.length ?? 0) > 0;
  }

  runningCount(): number {
    return this.running.size;
  }

  /** Calls `listener` on every change of the job until it ends; returns the unsubscribe function. */
  subscribe(id: string, listener: JobListener): () => void {
    const set = this.listeners.get(id) ?? new Set();
    set.add(listener);
    this.listeners.set(id, set);
    return () => set.delete(listener);
  }

  /** Starts again the jobs a stopped server left queued or running, in the order they were asked. */
  resumeInterrupted(): Job[] {
    const unfinished = this.list()
      .reverse()
      .filter((job) => job.status === 'queued' || job.status === 'running');
    for (const job of unfinished) {
      this.log(`Resuming job ${job.id} (${job.kind} of "${job.knowledgeBase}", left ${job.status} by a stopped server).`);
      this.update(job, { status: 'queued' });
      this.enqueue(job);
    }
    return unfinished;
  }

  /** Resolves once no job is queued or running (tests, and the load benchmark's set-up). */
  whenIdle(): Promise<void> {
    if (this.running.size === 0 && [...this.queues.values()].every((queue) => queue.length === 0)) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.add(resolve));
  }

  /**
   * Stops taking jobs and stops the running ones; they stay `running` on disk, so the next start
   * resumes them.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.queues.clear();
    await Promise.all([...this.running.values()].map((worker) => worker.terminate()));
    this.running.clear();
  }

  private enqueue(job: Job): void {
    const queue = this.queues.get(job.knowledgeBase) ?? [];
    queue.push(job);
    this.queues.set(job.knowledgeBase, queue);
    this.startNext(job.knowledgeBase);
  }

  private startNext(knowledgeBase: string): void {
    if (this.closed || this.running.has(knowledgeBase)) return;
    const job = this.queues.get(knowledgeBase)?.shift();
    if (!job) {
      this.notifyIfIdle();
      return;
    }
    try {
      this.registry.pin(knowledgeBase);
    } catch (error) {
      this.finish(job, { status: 'failed', error: toJobError(error) });
      this.startNext(knowledgeBase);
      return;
    }
    this.update(job, { status: 'running', attempts: job.attempts + 1 });
    const input: JobWorkerInput = { config: this.config, knowledgeBase, kind: job.kind, reason: job.reason };
    const worker = createJobWorker(input);
    this.running.set(knowledgeBase, worker);
    let settled = false;
    const settle = (change: Partial<Job>): void => {
      if (settled || this.closed) return;
      settled = true;
      this.running.delete(knowledgeBase);
      this.finish(job, change);
      this.startNext(knowledgeBase);
    };
    worker.on('message', (message: JobWorkerMessage) => {
      if (message.type === 'progress') this.update(job, { progress: message.progress });
      else settle(message.type === 'completed' ? { status: 'completed', result: message.result } : { status: 'failed', error: message.error });
    });
    worker.on('error', (error) => settle({ status: 'failed', error: toJobError(error) }));
    worker.on('exit', () => settle({ status: 'failed', error: { code: 'E_INTERNAL', message: 'The job worker exited without a result.' } }));
  }

  private finish(job: Job, change: Partial<Job>): void {
    try {
      this.registry.refresh(job.knowledgeBase);
    } catch (error) {
      this.log(`Could not reopen "${job.knowledgeBase}" after job ${job.id}: ${(error as Error).message}`);
    }
    this.update(job, change);
    this.listeners.delete(job.id);
  }

  private update(job: Job, change: Partial<Job>): void {
    Object.assign(job, change, { updatedAt: new Date().toISOString() });
    this.save(job);
    for (const listener of this.listeners.get(job.id) ?? []) listener({ ...job });
  }

  private save(job: Job): void {
    this.jobs.set(job.id, job);
    const file = path.join(this.directory, `${job.id}.json`);
    // Write then rename: a crash mid-write leaves the previous state, never half a file.
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(job));
    fs.renameSync(`${file}.tmp`, file);
  }

  private notifyIfIdle(): void {
    if (this.running.size > 0 || [...this.queues.values()].some((queue) => queue.length > 0)) return;
    for (const resolve of this.idleWaiters) resolve();
    this.idleWaiters.clear();
  }
}

function toJobError(error: unknown): { code: string; message: string } {
  return HangjiaError.is(error) ? { code: error.code, message: error.message } : { code: 'E_INTERNAL', message: (error as Error)?.message ?? String(error) };
}

/**
 * The worker runs the compiled `.js` file. From sources (tests, `tsx`) it first registers tsx's
 * loader in the new thread — a development dependency only; `--import` in a worker's `execArgv`
 * is not honoured.
 */
export function createJobWorker(input: JobWorkerInput): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./_job-worker.js', import.meta.url), { workerData: input });
  const source = new URL('./_job-worker.ts', import.meta.url).href;
  return new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(source)}); });`, { eval: true, workerData: input });
}
