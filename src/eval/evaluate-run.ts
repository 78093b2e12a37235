import { HangjiaError } from '../errors/index.js';
import { averagePrecisionAtCutoff } from './average-precision.js';
import { parseMetricName, type MetricName } from './metric-name.js';
import { ndcgAtCutoff } from './ndcg.js';
import type { Qrels } from './qrels.js';
import { recallAtCutoff } from './recall.js';
import { reciprocalRankAtCutoff } from './reciprocal-rank.js';
import type { Run } from './run.js';
import { rankByTrecEvalOrder } from './trec-eval-order.js';

/** What to compute. */
export interface EvaluateRunOptions {
  /** Metric names, e.g. `['ndcg@10', 'recall@100', 'mrr@10', 'map']`; see `parseMetricName`. */
  metrics: readonly string[];
}

/** Per-query scores and their means, with every query accounted for. */
export interface RunEvaluation {
  /** Mean of each metric over the evaluated queries (0 when none was evaluated). */
  mean: Record<string, number>;
  /** Query id → metric → score, for each evaluated query, in qrels order. */
  perQuery: Map<string, Record<string, number>>;
  /** Queries in the qrels with at least one relevant document: the denominator of every mean. */
  evaluatedQueries: number;
  /** Queries in the qrels with no document graded above 0: skipped, as they cannot score. */
  skippedQueries: number;
  /** Evaluated queries the run has no entry for: they score 0 on every metric (trec_eval `-c`). */
  unretrievedQueries: number;
  /** Queries in the run but not in the qrels: ignored, as trec_eval does. */
  unjudgedQueries: number;
}

/**
 * Scores a run against judgments. The one implementation behind the CLI and the benchmarks.
 *
 * Documents are ranked in trec_eval order (score descending, ties by document id descending; see
 * `compareByTrecEvalOrder`), whatever their order in the arrays. The means are over the queries
 * of the qrels with at least one relevant document, a query without a run entry scoring 0, so the
 * numbers agree with `trec_eval -c -m ndcg_cut.10 -m recall.100 -m recip_rank -m map` (with
 * recip_rank cut at k for `mrr@k`). A document listed twice for one query throws
 * `HangjiaError('E_RUN_DUPLICATE')`, as trec_eval refuses such runs.
 *
 * @example
 * const { mean } = evaluateRun(run, qrels, { metrics: ['ndcg@10', 'recall@100', 'mrr@10'] });
 */
export function evaluateRun(run: Run, qrels: Qrels, options: EvaluateRunOptions): RunEvaluation {
  const metrics = options.metrics.map(parseMetricName);
  const sums: Record<string, number> = Object.fromEntries(metrics.map((metric) => [metric.name, 0]));
  const perQuery = new Map<string, Record<string, number>>();
  let skippedQueries = 0;
  let unretrievedQueries = 0;

  for (const [queryId, judgments] of qrels) {
    const idealGrades = [...judgments.values()].filter((grade) => grade > 0).sort((left, right) => right - left);
    if (idealGrades.length === 0) {
      skippedQueries += 1;
      continue;
    }
    const retrieved = run.get(queryId);
    if (retrieved === undefined) unretrievedQueries += 1;
    const ranked = rankByTrecEvalOrder(retrieved ?? []);
    assertNoDuplicates(queryId, ranked.map((document) => document.docid));
    const rankedGrades = ranked.map((document) => judgments.get(document.docid) ?? 0);
    const scores: Record<string, number> = {};
    for (const metric of metrics) {
      const score = scoreMetric(metric, rankedGrades, idealGrades);
      scores[metric.name] = score;
      sums[metric.name] = (sums[metric.name] as number) + score;
    }
    perQuery.set(queryId, scores);
  }

  const evaluatedQueries = perQuery.size;
  const mean: Record<string, number> = {};
  for (const metric of metrics) mean[metric.name] = evaluatedQueries === 0 ? 0 : (sums[metric.name] as number) / evaluatedQueries;
  let unjudgedQueries = 0;
  for (const queryId of run.keys()) if (!qrels.has(queryId)) unjudgedQueries += 1;
  return { mean, perQuery, evaluatedQueries, skippedQueries, unretrievedQueries, unjudgedQueries };
}

function scoreMetric(metric: MetricName, rankedGrades: readonly number[], idealGrades: readonly number[]): number {
  switch (metric.measure) {
    case 'ndcg':
      return ndcgAtCutoff(rankedGrades, idealGrades, metric.cutoff);
    case 'recall':
      return recallAtCutoff(rankedGrades, idealGrades.length, metric.cutoff);
    case 'mrr':
      return reciprocalRankAtCutoff(rankedGrades, metric.cutoff);
    case 'map':
      return averagePrecisionAtCutoff(rankedGrades, idealGrades.length, metric.cutoff);
  }
}

function assertNoDuplicates(queryId: string, documentIds: readonly string[]): void {
  const seen = new Set<string>();
  for (const documentId of documentIds) {
    if (seen.has(documentId)) {
      throw new HangjiaError('E_RUN_DUPLICATE', `The run lists document ${documentId} more than once for query ${queryId}. A run must rank each document at most once per query.`, {
        details: { queryId, documentId },
      });
    }
    seen.add(documentId);
  }
}
