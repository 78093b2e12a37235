/**
 * A job's own thread: it opens the knowledge base with its own SQLite connection and syncs or
 * reindexes it, posting progress. Ingest and index building are CPU-bound and synchronous in
 * places (a 58k-chunk index takes seconds); off the main thread they cannot stall the event
 * loop that answers searches.
 */
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { HangjiaConfig } from '../config/index.js';
import { HangjiaError } from '../errors/index.js';
import { openKnowledgeBase, withWriteLock, type KnowledgeBase, type SyncProgress } from '../knowledge-base/index.js';
import { createDefaultComponents } from '../presets/index.js';
import { uploadsFolderOf } from './hangjia-service.js';

export interface JobWorkerInput {
  config: HangjiaConfig;
  knowledgeBase: string;
  kind: 'sync' | 'reindex';
  /** Why the job was queued: a sync after deleting a document removes what the caller asked to remove. */
  reason?: string;
}

export type JobWorkerMessage =
  | { type: 'progress'; progress: { phase: string; done: number; total: number } }
  | { type: 'completed'; result: Record<string, unknown> }
  | { type: 'failed'; error: { code: string; message: string } };

const input = workerData as JobWorkerInput;
const post = (message: JobWorkerMessage): void => parentPort!.postMessage(message);

let lastPost = 0;
let lastPhase = '';
const onProgress = (progress: SyncProgress): void => {
  const now = Date.now();
  // A progress report per file would flood the channel on a folder of thousands: at most ten a second, plus each new phase.
  if (progress.phase === lastPhase && now - lastPost < 100 && progress.done !== progress.total) return;
  lastPost = now;
  lastPhase = progress.phase;
  post({ type: 'progress', progress: { phase: progress.phase, done: progress.done, total: progress.total } });
};

/**
 * Uploads go to `$HANGJIA_HOME/uploads/<name>/`; one made by `hangjia kb create` does not
 * list it among its sources until its first upload. (Done here, by the writer, because the
 * server's own connection only reads while a job runs.)
 */
function includeUploadsFolder(knowledgeBase: KnowledgeBase): void {
  const uploads = uploadsFolderOf(input.config.home, knowledgeBase.name);
  const settings = knowledgeBase.settings;
  if (!fs.existsSync(uploads) || settings.sources.includes(uploads)) return;
  knowledgeBase.store.setMeta('settings', JSON.stringify({ ...settings, sources: [...settings.sources, uploads] }));
}

try {
  const knowledgeBase = openKnowledgeBase({ home: input.config.home, storeUrl: input.config.store.url, name: input.knowledgeBase }, createDefaultComponents(input.config));
  try {
    // The same write lock as the CLI's writers: a `kb sync` run beside the server waits for this job, and the reverse.
    await withWriteLock(knowledgeBase.directory, async () => {
      if (input.kind === 'sync') {
        includeUploadsFolder(knowledgeBase);
        // A sync the server queues after deleting an upload may remove every document (the last upload went);
        // any other sync keeps the guard against an emptied or unmounted source folder.
        const maxRemovalShare = input.reason === 'delete-document' ? 1 : input.config.ingest.maxRemovalShare;
        const { failures, skippedInputs: _skippedInputs, warnings, ...counters } = await knowledgeBase.sync({ onProgress, maxRemovalShare });
        post({ type: 'completed', result: { ...counters, failures: failures.map(({ code, message }) => ({ code, message })), warnings: warnings.length } });
      } else {
        const manifest = knowledgeBase.reindex({ onProgress });
        post({ type: 'completed', result: { generation: manifest.generation } });
      }
    }, { command: `hangjia serve (${input.kind} job)` });
  } finally {
    knowledgeBase.close();
  }
} catch (error) {
  post({
    type: 'failed',
    error: HangjiaError.is(error) ? { code: error.code, message: error.message } : { code: 'E_INTERNAL', message: (error as Error)?.message ?? String(error) },
  });
}
