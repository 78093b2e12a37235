import { HangjiaError } from '../errors/index.js';
import type { KnowledgeBase, KnowledgeBaseSearchOptions } from '../knowledge-base/index.js';
import type { Hit } from '../retrieval/index.js';
import { evaluateSearch, type EvaluateSearchOptions, type SearchEvaluation } from './evaluate-retrieval.js';
import type { BeirDataset } from './read-beir-dataset.js';
import type { ScoredDocument } from './run.js';

/**
 * How many of the dataset's (distinct) corpus documents `knowledgeBase` holds (a hit counts when
 * its row key is a corpus id), of how many; throws `E_DATASET` naming the knowledge base when it
 * holds none.
 */
export function corpusDocumentsHeld(knowledgeBase: KnowledgeBase, dataset: Pick<BeirDataset, 'corpus'>): { held: number; corpus: number } {
  const corpusIds = new Set(dataset.corpus.map((document) => document.id));
  const held = new Set(knowledgeBase.store.rowKeys().filter((key) => corpusIds.has(key))).size;
  if (held === 0) {
    throw new HangjiaError(
      'E_DATASET',
      `Knowledge base "${knowledgeBase.name}" holds none of the ${corpusIds.size} documents of the dataset's corpus (a hit counts when its row key is a corpus id). Build it from the corpus: hangjia kb create ${knowledgeBase.name} <dataset>/corpus.jsonl`,
      { details: { knowledgeBase: knowledgeBase.name } },
    );
  }
  return { held, corpus: corpusIds.size };
}

export interface EvaluateKnowledgeBaseOptions extends EvaluateSearchOptions {
  /** Hits retrieved per query (default 100, enough for Recall@100). */
  depth?: number;
  /** Per-call search options over the knowledge base's own settings (reranker, notices). */
  search?: Omit<KnowledgeBaseSearchOptions, 'k'>;
}

/** A knowledge base's run, scored, and the mode its searches used. */
export interface KnowledgeBaseEvaluation extends SearchEvaluation {
  mode: string;
}

/**
 * The knowledge base's own search (its chunking, settings and embeddings), scored against the
 * dataset's judgments. A hit names its document by row key, which is the corpus id when the
 * knowledge base was built from the dataset's corpus.jsonl; a document's rank is its best chunk's.
 */
export async function evaluateKnowledgeBase(knowledgeBase: KnowledgeBase, dataset: BeirDataset, options: EvaluateKnowledgeBaseOptions = {}): Promise<KnowledgeBaseEvaluation> {
  const corpusIds = new Set(dataset.corpus.map((document) => document.id));
  const reranked = options.search?.reranker !== undefined;
  let mode = options.search?.mode ?? knowledgeBase.searchSettings.mode;
  const result = await evaluateSearch(
    dataset,
    async (query) => {
      const { hits, mode: used } = await knowledgeBase.search(query, { ...options.search, k: options.depth ?? 100 });
      mode = used;
      return rankedCorpusDocuments(hits, corpusIds, reranked);
    },
    { ...(options.metrics ? { metrics: options.metrics } : {}), ...(options.onProgress ? { onProgress: options.onProgress } : {}) },
  );
  return { ...result, mode };
}

/**
 * Hits (chunks, best first) → corpus documents, each at its best chunk's place; other rows are left
 * out. `byPosition`: score documents 1/position instead of by hit score — after reranking, hits
 * past rerank.topN keep first-stage scores on another scale, and trec_eval orders by score.
 */
function rankedCorpusDocuments(hits: readonly Hit[], corpusIds: ReadonlySet<string>, byPosition: boolean): ScoredDocument[] {
  const seen = new Set<string>();
  const documents: ScoredDocument[] = [];
  for (const hit of hits) {
    const docid = hit.documentRowKey;
    if (docid === undefined || !corpusIds.has(docid) || seen.has(docid)) continue;
    seen.add(docid);
    documents.push({ docid, score: byPosition ? 1 / (documents.length + 1) : hit.score });
  }
  return documents;
}
