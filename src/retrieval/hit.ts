import type { Chunk } from '../chunking/index.js';

/** How one retriever ranked a hit; kept so fused results explain themselves. */
export interface RetrieverScore {
  retriever: 'lexical' | 'vector' | 'rerank' | (string & {});
  score: number;
  /** 1-based rank within that retriever's list. */
  rank: number;
  /**
   * For the lexical retriever: what each step of its cascade added to `score`, in order — `bm25f`
   * (the first pass), then each rescoring stage that changed it (`topic`, `citation`, `group`, `rm3`).
   */
  stages?: ReadonlyArray<{ stage: string; score: number }>;
}

/** A search result: the chunk, where it came from, and why it matched. */
export interface Hit {
  chunk: Chunk;
  /** The final score (the fused score for hybrid search). */
  score: number;
  documentPath: string;
  documentTitle: string;
  /** For a row of a csv/jsonl source: its key (the id field, or the line/row number), to cite the row. */
  documentRowKey?: string;
  /** Query terms found in the chunk (lexical retrieval). */
  matchedTerms: string[];
  /** Other documents that name this chunk's document by title (《…》), when that raised its lexical score. */
  citedBy?: number;
  scores: RetrieverScore[];
}
