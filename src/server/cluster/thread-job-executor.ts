import type { HangjiaConfig } from '../../config/index.js';
import { HangjiaError } from '../../errors/index.js';
import type { JobWorkerMessage } from '../_job-worker.js';
import { createJobWorker } from '../job-runner.js';
import type { JobExecutor } from './job-claim-loop.js';

/**
 * Runs each claimed job in a worker thread of its own (`_job-worker.ts`, as `hangjia serve` does
 * with its file queue), so a replica's event loop keeps answering searches while it ingests. The
 * thread takes the lock file as every writer does, after the runner's database lock (always in
 * that order). Aborting ends the thread at once: what it committed stays, and the next runner
 * resumes from there.
 */
export function threadJobExecutor(config: HangjiaConfig): JobExecutor {
  return (job, report, signal) =>
    new Promise((resolve, reject) => {
      if (job.kind !== 'sync' && job.kind !== 'reindex') {
        reject(new HangjiaError('E_JOB_KIND', `Job ${job.id} is a "${job.kind}" job, which this hangjia cannot run.`, { details: { id: job.id, kind: job.kind } }));
        return;
      }
      const worker = createJobWorker({ config, knowledgeBase: job.knowledgeBase, kind: job.kind, reason: job.reason });
      let settled = false;
      const settle = (outcome: () => void): void => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', stop);
        outcome();
      };
      const stop = (): void => {
        void worker.terminate();
        settle(() => reject(signal!.reason));
      };
      signal?.addEventListener('abort', stop, { once: true });
      worker.on('message', (message: JobWorkerMessage) => {
        if (message.type === 'progress') report(message.progress);
        else if (message.type === 'completed') settle(() => resolve(message.result));
        else settle(() => reject(new HangjiaError(message.error.code, message.error.message)));
      });
      worker.on('error', (error) => settle(() => reject(error)));
      worker.on('exit', () => settle(() => reject(new HangjiaError('E_INTERNAL', 'The job worker exited without a result.'))));
    });
}
