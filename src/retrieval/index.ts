/** @module retrieval — query → ranked Hits with match info; fusion and reranking. */
export type { Hit, RetrieverScore } from './hit.js';
export { reciprocalRankFusion } from './fusion.js';
export type { FusedHit, RankedList, ReciprocalRankFusionOptions } from './fusion.js';
export type { Reranker, RerankCandidate } from './rerank.js';
export { retrieve, type RetrievalSources, type RetrievalMode, type RetrieveOptions, type RetrievalResult } from './retrieve.js';
