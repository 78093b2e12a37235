import type { Chunk } from '../chunking/index.js';
import { HangjiaError } from '../errors/index.js';
import { reciprocalRankFusion } from './fusion.js';
import type { Hit, RetrieverScore } from './hit.js';
import type { Reranker } from './rerank.js';

/** What `retrieve` searches: any lexical and/or vector index plus a way to fetch chunks by id. */
export interface RetrievalSources {
  lexical?: { search(query: string, options: { k: number }): Array<{ id: string; score: number; matchedTerms?: string[]; citedBy?: number; stages?: ReadonlyArray<{ stage: string; score: number }> }> };
  /** In process (the flat index) or a vector database (a promise). */
  vector?: { search(vector: Float32Array, options: { k: number }): Array<{ id: string; score: number }> | Promise<Array<{ id: string; score: number }>> };
  /** Embeds the query with the same model the vector index was built with. */
  embedQuery?: (query: string) => Promise<Float32Array>;
  loadChunks(ids: string[]): Map<string, { chunk: Chunk; documentPath: string; documentTitle: string; documentRowKey?: string }>;
}

export type RetrievalMode = 'lexical' | 'vector' | 'hybrid';

export interface RetrieveOptions {
  /** Hits to return (default 5). */
  k?: number;
  /** Default: hybrid when both indexes exist, else whichever exists. */
  mode?: RetrievalMode;
  /** Weights of each list in reciprocal rank fusion (default 1 each). */
  lexicalWeight?: number;
  vectorWeight?: number;
  /** RRF constant (default 60). */
  rrfK?: number;
  /** How many candidates each retriever contributes before fusion and reranking (default max(50, 4k)). */
  candidates?: number;
  /** Re-scores the first `rerankTopN` fused candidates; its order is final for them. */
  reranker?: Reranker;
  /**
   * How many of the first-stage candidates the reranker reads (default: all of them). Hits past
   * them follow the reranked ones in first-stage order, keeping their first-stage `score` (the two
   * scales differ: order by position, not by score, when k exceeds this).
   */
  rerankTopN?: number;
}

export interface RetrievalResult {
  hits: Hit[];
  mode: RetrievalMode;
  timings: { lexicalMs?: number; vectorMs?: number; rerankMs?: number; totalMs: number };
}

/**
 * query → ranked hits. Lexical and vector lists are fused by weighted reciprocal rank fusion;
 * every hit keeps each retriever's score and rank so results explain themselves. With a reranker,
 * the first `rerankTopN` fused candidates are put in the reranker's order, score set to its score
 * (kept as the 'rerank' entry of `scores`), and the rest follow in first-stage order.
 */
export async function retrieve(query: string, sources: RetrievalSources, options: RetrieveOptions = {}): Promise<RetrievalResult> {
  const started = performance.now();
  const k = options.k ?? 5;
  const mode = options.mode ?? (sources.lexical && sources.vector ? 'hybrid' : sources.vector ? 'vector' : 'lexical');
  const wantsLexical = mode !== 'vector';
  const wantsVector = mode !== 'lexical';
  if (wantsLexical && !sources.lexical) {
    throw new HangjiaError('E_SEARCH_MODE', `Search mode "${mode}" needs a lexical index, and this knowledge base has none.`, { details: { mode } });
  }
  if (wantsVector && !(sources.vector && sources.embedQuery)) {
    throw new HangjiaError(
      'E_SEARCH_MODE',
      `Search mode "${mode}" needs embeddings, and this knowledge base has none. Configure an embedding provider (embedding.provider) and run "hangjia kb sync", or search with --mode lexical.`,
      { details: { mode } },
    );
  }
  const candidates = Math.max(options.candidates ?? Math.max(50, 4 * k), k);
  const timings: RetrievalResult['timings'] = { totalMs: 0 };
  const lists: Array<{ retriever: string; weight: number; hits: Array<{ id: string; score: number }> }> = [];
  // The lexical matches themselves, not their terms: a match explains itself only when read.
  const lexicalMatches = new Map<string, { matchedTerms?: string[]; citedBy?: number; stages?: ReadonlyArray<{ stage: string; score: number }> }>();

  if (wantsLexical && sources.lexical) {
    const lexicalStarted = performance.now();
    const matches = sources.lexical.search(query, { k: candidates });
    timings.lexicalMs = performance.now() - lexicalStarted;
    for (const match of matches) lexicalMatches.set(match.id, match);
    lists.push({ retriever: 'lexical', weight: options.lexicalWeight ?? 1, hits: matches });
  }
  if (wantsVector && sources.vector && sources.embedQuery) {
    const vectorStarted = performance.now();
    const vector = await sources.embedQuery(query);
    lists.push({ retriever: 'vector', weight: options.vectorWeight ?? 1, hits: await sources.vector.search(vector, { k: candidates }) });
    timings.vectorMs = performance.now() - vectorStarted;
  }

  let ranked: Array<{ id: string; score: number; scores: RetrieverScore[] }>;
  if (lists.length === 1) {
    const only = lists[0]!;
    ranked = only.hits.map((hit, index) => ({ id: hit.id, score: hit.score, scores: [{ retriever: only.retriever, score: hit.score, rank: index + 1 }] }));
  } else {
    ranked = reciprocalRankFusion(lists, { k: options.rrfK ?? 60 });
  }

  if (options.reranker && ranked.length > 0) {
    const rerankStarted = performance.now();
    const pool = ranked.slice(0, Math.min(candidates, options.rerankTopN ?? candidates));
    const rest = ranked.slice(pool.length);
    const stored = sources.loadChunks(pool.map((item) => item.id));
    const reranked = await options.reranker.rerank(
      query,
      pool.filter((item) => stored.has(item.id)).map((item) => ({ id: item.id, text: stored.get(item.id)!.chunk.text })),
    );
    const previous = new Map(pool.map((item) => [item.id, item]));
    ranked = reranked
      .slice()
      .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
      .map((item, index) => ({
        id: item.id,
        score: item.score,
        scores: [...(previous.get(item.id)?.scores ?? []), { retriever: 'rerank', score: item.score, rank: index + 1 }],
      }))
      .concat(rest);
    timings.rerankMs = performance.now() - rerankStarted;
  }

  const top = ranked.slice(0, k);
  const stored = sources.loadChunks(top.map((item) => item.id));
  const hits: Hit[] = [];
  for (const item of top) {
    const found = stored.get(item.id);
    if (!found) continue; // the index is ahead of the store only if a sync was interrupted; skip rather than invent
    const citedBy = lexicalMatches.get(item.id)?.citedBy;
    hits.push({
      chunk: found.chunk,
      score: item.score,
      documentPath: found.documentPath,
      documentTitle: found.documentTitle,
      ...(found.documentRowKey === undefined ? {} : { documentRowKey: found.documentRowKey }),
      matchedTerms: lexicalMatches.get(item.id)?.matchedTerms ?? [],
      ...(citedBy === undefined ? {} : { citedBy }),
      scores: withStageScores(item.scores, lexicalMatches.get(item.id)?.stages),
    });
  }
  timings.totalMs = performance.now() - started;
  return { hits, mode, timings };
}

/** `scores` with the lexical entry carrying what each step of the cascade added (`search --json` shows them). */
function withStageScores(scores: RetrieverScore[], stages: ReadonlyArray<{ stage: string; score: number }> | undefined): RetrieverScore[] {
  if (stages === undefined || stages.length === 0) return scores;
  return scores.map((entry) => (entry.retriever === 'lexical' ? { ...entry, stages } : entry));
}
