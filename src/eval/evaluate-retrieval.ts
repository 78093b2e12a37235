import type { Analyzer } from '../analysis/index.js';
import { Bm25Index, type Bm25ParamsInput, type Bm25SearchOptions } from '../index/index.js';
import { corpusDocumentToRecord } from './corpus-record.js';
import { evaluateRun, type RunEvaluation } from './evaluate-run.js';
import type { BeirDataset } from './read-beir-dataset.js';
import type { Run } from './run.js';

export interface EvaluateRetrievalOptions {
  analyzer: Analyzer;
  /** BM25F settings (default: the engine's, `DEFAULT_BM25_PARAMS`). */
  params?: Bm25ParamsInput;
  /** Group evidence between articles of one statute (default: the engine's, on). */
  groups?: Bm25SearchOptions['groups'];
  /** Documents retrieved per query (default 100, enough for Recall@100). */
  depth?: number;
  /** Default `['ndcg@10', 'recall@100', 'mrr@10']`. */
  metrics?: readonly string[];
  onProgress?: (progress: { phase: 'index' | 'search'; done: number; total: number }) => void;
}

export interface RetrievalEvaluation {
  run: Run;
  evaluation: RunEvaluation;
  documents: number;
  queries: number;
  buildMs: number;
  /** Per-query search latency percentiles, single-threaded. */
  latencyMs: { p50: number; p99: number; mean: number };
}

/**
 * Indexes a BEIR-style corpus (one corpus document = one retrieval unit, as the judgments are per
 * document; see `corpusDocumentToRecord`), runs every query with the lexical engine, and scores the run.
 */
export function evaluateRetrieval(dataset: BeirDataset, options: EvaluateRetrievalOptions): RetrievalEvaluation {
  const depth = options.depth ?? 100;
  const buildStarted = performance.now();
  const index = Bm25Index.build(
    dataset.corpus.map(corpusDocumentToRecord),
    { analyzer: options.analyzer, ...(options.params ? { params: options.params } : {}), onProgress: (progress) => options.onProgress?.({ phase: 'index', done: progress.done, total: progress.total }) },
  );
  const buildMs = performance.now() - buildStarted;
  const run: Run = new Map();
  const latencies: number[] = [];
  dataset.queries.forEach((query, position) => {
    const started = performance.now();
    const matches = index.search(query.text, { k: depth, ...(options.groups === undefined ? {} : { groups: options.groups }) });
    latencies.push(performance.now() - started);
    run.set(query.id, matches.map((match) => ({ docid: match.id, score: match.score })));
    if (position % 50 === 0 || position === dataset.queries.length - 1) options.onProgress?.({ phase: 'search', done: position + 1, total: dataset.queries.length });
  });
  const evaluation = evaluateRun(run, dataset.qrels, { metrics: options.metrics ?? ['ndcg@10', 'recall@100', 'mrr@10'] });
  latencies.sort((a, b) => a - b);
  const percentile = (p: number): number => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
  return {
    run,
    evaluation,
    documents: dataset.corpus.length,
    queries: dataset.queries.length,
    buildMs,
    latencyMs: { p50: percentile(50), p99: percentile(99), mean: latencies.reduce((sum, value) => sum + value, 0) / Math.max(1, latencies.length) },
  };
}
