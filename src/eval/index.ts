/**
 * @module eval — test collections, run files and retrieval metrics. One metric implementation,
 * shared by the CLI and the benchmarks, that agrees with trec_eval.
 */
export { readBeirDataset, type BeirDataset, type ReadBeirDatasetOptions } from './read-beir-dataset.js';
export { readCorpus, type CorpusDocument } from './read-corpus.js';
export { readQueries, type EvaluationQuery } from './read-queries.js';
export { readQrels, type Qrels } from './qrels.js';
export type { Run, ScoredDocument } from './run.js';
export { compareByTrecEvalOrder, rankByTrecEvalOrder } from './trec-eval-order.js';
export { formatTrecRun, readTrecRun, writeTrecRun, type FormatTrecRunOptions } from './trec-run-file.js';
export { parseMetricName, type Measure, type MetricName } from './metric-name.js';
export { ndcgAtCutoff } from './ndcg.js';
export { recallAtCutoff } from './recall.js';
export { reciprocalRankAtCutoff } from './reciprocal-rank.js';
export { averagePrecisionAtCutoff } from './average-precision.js';
export { evaluateRun, type EvaluateRunOptions, type RunEvaluation } from './evaluate-run.js';
export { evaluateRetrieval, evaluateSearch, type EvaluateRetrievalOptions, type EvaluateSearchOptions, type RetrievalEvaluation, type SearchEvaluation } from './evaluate-retrieval.js';
export { corpusDocumentToRecord } from './corpus-record.js';
export type { ResumableRunOptions, RunIdentityMismatch } from './resumable-run.js';
export { corpusDocumentsHeld, evaluateKnowledgeBase, type EvaluateKnowledgeBaseOptions, type KnowledgeBaseEvaluation } from './evaluate-knowledge-base.js';
export * from './exam/index.js';
export * from './runs/index.js';
export * from './compare/index.js';
export * from './rag/index.js';
export * from './pairwise/index.js';
export * from './extraction/index.js';
