import type { Analyzer } from '../analysis/index.js';
import { lexicalParamsOf, rescoringSettingsOf, resolveSearchSettings, type SearchSettings } from '../knowledge-base/index.js';
import { buildLexicalIndex, createLexicalSearch } from '../retrieval/index.js';
import { corpusDocumentToRecord } from './corpus-record.js';
import { evaluateRun, type RunEvaluation } from './evaluate-run.js';
import type { BeirDataset } from './read-beir-dataset.js';
import type { Run, ScoredDocument } from './run.js';

export interface EvaluateRetrievalOptions {
  analyzer: Analyzer;
  /** Search settings to change (field weights, k1, evidence weights); the rest keep `DEFAULT_SEARCH_SETTINGS`. */
  search?: Partial<SearchSettings>;
  /** Documents retrieved per query (default 100, enough for Recall@100). */
  depth?: number;
  /** Default `['ndcg@10', 'recall@100', 'mrr@10']`. */
  metrics?: readonly string[];
  onProgress?: (progress: { phase: 'index' | 'topics' | 'search'; done: number; total: number }) => void;
}

export interface RetrievalEvaluation {
  run: Run;
  evaluation: RunEvaluation;
  documents: number;
  queries: number;
  buildMs: number;
  /** Words the index learned topic vectors for (0: the corpus is too small for them). */
  topicWords: number;
  /** Groups (statutes, documents) another group's text names by title: they get citation evidence. */
  citedGroups: number;
  /** Per-query search latency percentiles, single-threaded. */
  latencyMs: { p50: number; p99: number; mean: number };
}

/**
 * Indexes a BEIR-style corpus (one corpus document = one retrieval unit, as the judgments are per
 * document; see `corpusDocumentToRecord`) the way a knowledge base indexes its chunks
 * (`buildLexicalIndex`), runs every query through the same rescoring cascade, and scores the run.
 */
export function evaluateRetrieval(dataset: BeirDataset, options: EvaluateRetrievalOptions): RetrievalEvaluation {
  const depth = options.depth ?? 100;
  const settings = resolveSearchSettings(options.search);
  const buildStarted = performance.now();
  const index = buildLexicalIndex(dataset.corpus.map(corpusDocumentToRecord), {
    analyzer: options.analyzer,
    params: lexicalParamsOf(settings),
    onProgress: (progress) => options.onProgress?.({ phase: progress.phase === 'topics' ? 'topics' : 'index', done: progress.done, total: progress.total }),
  });
  const buildMs = performance.now() - buildStarted;
  const lexical = createLexicalSearch(index, rescoringSettingsOf(settings));
  const run: Run = new Map();
  const latencies: number[] = [];
  dataset.queries.forEach((query, position) => {
    const started = performance.now();
    const matches = lexical.search(query.text, { k: depth });
    latencies.push(performance.now() - started);
    run.set(query.id, matches.map((match) => ({ docid: match.id, score: match.score })));
    if (position % 50 === 0 || position === dataset.queries.length - 1) options.onProgress?.({ phase: 'search', done: position + 1, total: dataset.queries.length });
  });
  const indexStats = index.stats();
  return {
    run,
    evaluation: evaluateRun(run, dataset.qrels, { metrics: options.metrics ?? DEFAULT_RETRIEVAL_METRICS }),
    documents: dataset.corpus.length,
    queries: dataset.queries.length,
    buildMs,
    topicWords: indexStats.topicWords,
    citedGroups: indexStats.citedGroups,
    latencyMs: latencySummary(latencies),
  };
}

export interface EvaluateSearchOptions {
  /** Default `['ndcg@10', 'recall@100', 'mrr@10']`. */
  metrics?: readonly string[];
  onProgress?: (progress: { phase: 'search'; done: number; total: number }) => void;
}

export interface SearchEvaluation {
  run: Run;
  evaluation: RunEvaluation;
  queries: number;
  /** Per-query latency percentiles of `search`, whatever it does (an embedding call included). */
  latencyMs: { p50: number; p99: number; mean: number };
}

/**
 * Runs every query of a test collection through any search over its documents (a knowledge base,
 * another engine) and scores the run. `search` returns document ids with scores, best first;
 * queries run one at a time, so the latencies are those a single user sees.
 */
export async function evaluateSearch(
  dataset: Pick<BeirDataset, 'queries' | 'qrels'>,
  search: (query: string) => Promise<ScoredDocument[]>,
  options: EvaluateSearchOptions = {},
): Promise<SearchEvaluation> {
  const run: Run = new Map();
  const latencies: number[] = [];
  for (const [position, query] of dataset.queries.entries()) {
    const started = performance.now();
    run.set(query.id, await search(query.text));
    latencies.push(performance.now() - started);
    if (position % 50 === 0 || position === dataset.queries.length - 1) options.onProgress?.({ phase: 'search', done: position + 1, total: dataset.queries.length });
  }
  return {
    run,
    evaluation: evaluateRun(run, dataset.qrels, { metrics: options.metrics ?? DEFAULT_RETRIEVAL_METRICS }),
    queries: dataset.queries.length,
    latencyMs: latencySummary(latencies),
  };
}

const DEFAULT_RETRIEVAL_METRICS = ['ndcg@10', 'recall@100', 'mrr@10'] as const;

function latencySummary(latencies: number[]): { p50: number; p99: number; mean: number } {
  const sorted = latencies.slice().sort((a, b) => a - b);
  const percentile = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
  return { p50: percentile(50), p99: percentile(99), mean: sorted.reduce((sum, value) => sum + value, 0) / Math.max(1, sorted.length) };
}
