/** @module index/bm25 — the field-aware BM25F lexical index; see bm25-index.ts. */
export { Bm25Index, BM25_SERIALIZATION_VERSION } from './bm25-index.js';
export type { Bm25BuildOptions, Bm25BuildProgress, Bm25IndexStats, Bm25SearchOptions, ForwardIndex, QueryTerms, ScoredDocuments } from './bm25-index.js';
export { DEFAULT_BM25_PARAMS, LEXICAL_FIELDS, TOPIC_MIN_RECORDS, resolveBm25Params } from './bm25-params.js';
export type { Bm25Params, Bm25ParamsInput, FieldValues } from './bm25-params.js';
export type { LexicalMatch, LexicalRecord } from './lexical-record.js';
export { Bm25IndexBuilder } from './bm25-index-builder.js';
export { buildBm25IndexInParallel, PARALLEL_BUILD_MIN_RECORDS, type ParallelBuildOptions } from './parallel-build.js';
