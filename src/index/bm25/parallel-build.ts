import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { HangjiaError } from '../../errors/index.js';
import type { AnalyzableRecord, AnalyzedRecords } from './_analyze-records.js';
import type { AnalysisReply, AnalysisRequest, AnalysisWorkerData } from './_analysis-worker.js';
import type { Bm25BuildOptions } from './bm25-index.js';
import { Bm25Index } from './bm25-index.js';
import { Bm25IndexBuilder } from './bm25-index-builder.js';
import type { LexicalRecord } from './lexical-record.js';

export interface ParallelBuildOptions extends Bm25BuildOptions {
  /** Worker threads that analyze records. Default: the machine's available parallelism. */
  threads?: number;
  /** The number of records the batches will hold, for progress and for the decision to use workers at all. */
  expectedRecords?: number;
  /** The fewest expected records worth starting workers for. Default {@link PARALLEL_BUILD_MIN_RECORDS}. */
  parallelFrom?: number;
}

/**
 * Below this many records, starting workers (each loads jieba's dictionary, ~0.3 s) costs more
 * than it saves, and the index is built on the calling thread.
 */
export const PARALLEL_BUILD_MIN_RECORDS = 8192;

/**
 * Builds the same index as `Bm25Index.build` (byte for byte), analyzing the records on worker
 * threads. Records come in batches (e.g. streamed from a store) and are not kept: each batch's
 * ids and titles go to a {@link Bm25IndexBuilder} on this thread, its fields to the next free
 * worker, and the postings that come back are merged in batch order. At most two batches per
 * worker are in flight, which bounds memory whatever the corpus size.
 *
 * Runs on this thread alone when `threads` is 1, when the analyzer has no `recipe` for making it
 * on another thread, or when fewer than `parallelFrom` records are expected.
 *
 * @example
 * const index = await buildBm25IndexInParallel(batchesOf(records, 4096), { analyzer: createAnalyzer(), expectedRecords: records.length });
 */
export async function buildBm25IndexInParallel(batches: Iterable<LexicalRecord[]>, options: ParallelBuildOptions): Promise<Bm25Index> {
  const threads = options.threads ?? availableParallelism();
  const { recipe } = options.analyzer;
  if (threads <= 1 || recipe === undefined || (options.expectedRecords ?? 0) < (options.parallelFrom ?? PARALLEL_BUILD_MIN_RECORDS)) {
    return Bm25Index.build([...batches].flat(), options);
  }
  const builder = new Bm25IndexBuilder(options, options.expectedRecords);
  const pool = new AnalysisPool(threads, { recipe, name: options.analyzer.name, version: options.analyzer.version });
  try {
    const total = options.expectedRecords ?? 0;
    let merged = 0;
    const inFlight: Array<Promise<AnalyzedRecords>> = [];
    const mergeUntil = async (stillInFlight: number): Promise<void> => {
      while (inFlight.length > stillInFlight) {
        const analyzed = await inFlight.shift()!;
        builder.addAnalyzed(analyzed);
        merged += analyzed.records;
        options.onProgress?.({ phase: 'analyze', done: merged, total: Math.max(total, merged) });
      }
    };
    for (const batch of batches) {
      if (batch.length === 0) continue;
      builder.addRecords(batch);
      const analyzing = pool.analyze(batch.map(({ id, title, headings, text }) => ({ id, title, headings, text })), builder.collectsWords);
      // A failed batch fails the build when its turn to merge comes; until then it is not unhandled.
      analyzing.catch(() => {});
      inFlight.push(analyzing);
      await mergeUntil(threads * 2);
    }
    await mergeUntil(0);
  } finally {
    await pool.close();
  }
  // The workers are gone before the postings are sorted and the topics learned: the peak of memory.
  return builder.build();
}

/**
 * A worker holds one batch's terms and its analyzer's caches, tens of MB; left to V8's default
 * limit, each heap grows to hundreds of MB of garbage before a full collection (peak RSS).
 */
const WORKER_HEAP_MEGABYTES = 64;

/** Worker threads that analyze runs of records, each run sent to the first idle worker. */
class AnalysisPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly waiting: Array<{ request: AnalysisRequest; settle: Settle }> = [];
  private readonly running = new Map<Worker, { request: AnalysisRequest; settle: Settle }>();
  private failure: HangjiaError | undefined;
  private closing = false;

  constructor(size: number, data: AnalysisWorkerData) {
    // Under tsx or vitest this module is TypeScript, and so is its worker: a worker does not inherit
    // the loader, so a small script registers tsx's before importing it.
    const typescript = import.meta.url.endsWith('.ts');
    const file = new URL(typescript ? './_analysis-worker.ts' : './_analysis-worker.js', import.meta.url);
    const entry = typescript
      ? new URL(`data:text/javascript,${encodeURIComponent(`const { register } = await import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}); register(); await import(${JSON.stringify(file.href)});`)}`)
      : file;
    for (let index = 0; index < size; index++) {
      const worker = new Worker(entry, { workerData: data, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MEGABYTES, maxYoungGenerationSizeMb: 8 } });
      worker.on('message', (reply: AnalysisReply) => this.receive(worker, reply));
      worker.on('error', (error) => this.fail(worker, error));
      worker.on('exit', (code) => {
        if (code !== 0) this.fail(worker, new Error(`exited with code ${code}`));
      });
      this.workers.push(worker);
      this.idle.push(worker);
    }
  }

  analyze(records: AnalyzableRecord[], words: boolean): Promise<AnalyzedRecords> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.waiting.push({ request: { records, words }, settle: { resolve, reject } });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.waiting.length > 0) {
      const worker = this.idle.pop()!;
      const job = this.waiting.shift()!;
      this.running.set(worker, job);
      worker.postMessage(job.request);
    }
  }

  private receive(worker: Worker, reply: AnalysisReply): void {
    const job = this.running.get(worker);
    if (!job) return;
    this.running.delete(worker);
    this.idle.push(worker);
    if ('error' in reply) {
      job.settle.reject(new HangjiaError(reply.error.code, reply.error.message, { details: (reply.error.details ?? {}) as Record<string, unknown> }));
    } else {
      job.settle.resolve(reply.analyzed);
    }
    this.dispatch();
  }

  /** A worker that died (it could not load the analyzer, or crashed) fails its run and every later one. */
  private fail(worker: Worker, error: Error): void {
    if (this.closing) return;
    const job = this.running.get(worker);
    this.running.delete(worker);
    const records = job?.request.records;
    const where = records && records.length > 0 ? ` while analyzing records ${records[0]!.id} … ${records.at(-1)!.id}` : '';
    this.failure ??= new HangjiaError('E_INDEX_WORKER', `An index-building worker thread failed${where}: ${error.message}`, { cause: error, details: { ...(records ? { firstRecord: records[0]?.id } : {}) } });
    job?.settle.reject(this.failure);
    for (const waiting of this.waiting.splice(0)) waiting.settle.reject(this.failure);
  }
}

interface Settle {
  resolve: (analyzed: AnalyzedRecords) => void;
  reject: (error: unknown) => void;
}
