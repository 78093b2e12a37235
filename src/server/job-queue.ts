import type { Job, JobKind } from './api-types.js';

/** What a job's subscribers hear: every change of the job, the last one with status completed or failed. */
export type JobListener = (job: Job) => void;

/**
 * The server's jobs, as the service and routes use them, whatever keeps them: `JobRunner`
 * (JSON files and worker threads in this process: the SQLite store) or `PostgresJobRunner`
 * (rows in the shared PostgreSQL store, run by any replica or `hangjia worker`).
 */
export interface JobQueue {
  /** Queues a job; it starts as soon as no other job holds its knowledge base. */
  submit(kind: JobKind, knowledgeBase: string, reason: string): Job;
  get(id: string): Job | undefined;
  /** Newest first. */
  list(): Job[];
  /** Whether a job for `knowledgeBase` is queued or running. */
  busy(knowledgeBase: string): boolean;
  /** Jobs this process runs now. */
  runningCount(): number;
  /** Calls `listener` on every change of the job until it ends; returns the unsubscribe function. */
  subscribe(id: string, listener: JobListener): () => void;
  /** Starts again what a stopped server left unfinished (at server start). */
  resumeInterrupted(): Job[];
  /** Resolves once no job is queued or running. */
  whenIdle(): Promise<void>;
  /** Stops taking jobs; unfinished ones resume at the next start (or on another replica). */
  close(): Promise<void>;
}
