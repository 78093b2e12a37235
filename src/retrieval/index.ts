/** @module retrieval — query → ranked Hits with match info; fusion and reranking. */
export type { Hit, RetrieverScore } from './hit.js';
