/** A candidate for reranking: the chunk id and the text the reranker reads. */
export interface RerankCandidate {
  id: string;
  text: string;
}

/**
 * A hook that re-scores retrieved candidates against the query, usually with a cross-encoder
 * (e.g. bge-reranker-v2-m3) that reads query and text together, which is slower but sharper than
 * comparing separately made embeddings. Retrieval passes its top candidates and orders the final
 * hits by the returned scores, recording them as the 'rerank' retriever.
 *
 * Implementations return one `{ id, score }` per candidate they score (higher is better), in any
 * order; candidates they leave out are dropped. They may throw `HangjiaError` (`E_PROVIDER_*`).
 *
 * @example
 * const lengthReranker: Reranker = {
 *   name: 'shorter-first',
 *   rerank: async (query, candidates) => candidates.map(({ id, text }) => ({ id, score: -text.length })),
 * };
 */
export interface Reranker {
  /** Recorded in hits and run files, e.g. 'bge-reranker-v2-m3'. */
  readonly name: string;
  rerank(query: string, candidates: RerankCandidate[]): Promise<{ id: string; score: number }[]>;
}
