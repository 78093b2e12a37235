import type { AccessFilter } from '../../access/index.js';
import type { Hit } from '../../retrieval/index.js';
import { findDocuments } from './find-document.js';
import type { ReasoningKnowledgeBase } from './reasoning-knowledge-base.js';

/** Hits asked of the whole knowledge base before keeping the named document's. */
const CANDIDATES = 200;

/**
 * Searches the knowledge base, or only the documents `document` names (a whole law is one long
 * document, or its articles): the knowledge base's own ranking restricted to those documents,
 * topped up — when the top candidates hold fewer than `k` of them — by that document's other
 * chunks ranked by how many of the query's analyzer terms they contain.
 *
 * @example
 * await searchKnowledgeBase(kb, '押金 返还', { k: 3, document: '民法典' })
 */
export async function searchKnowledgeBase(kb: ReasoningKnowledgeBase, query: string, options: { k: number; document?: string; access?: AccessFilter }): Promise<Hit[]> {
  const access = options.access === undefined ? {} : { access: options.access };
  if (options.document === undefined || options.document.trim() === '') return (await kb.search(query, { k: options.k, ...access })).hits;
  const { documentIds } = findDocuments(kb, options.document, options.access);
  const wanted = new Set(documentIds);
  const ranked = (await kb.search(query, { k: CANDIDATES, ...access })).hits.filter((hit) => wanted.has(hit.chunk.documentId));
  if (ranked.length >= options.k) return ranked.slice(0, options.k);
  const seen = new Set(ranked.map((hit) => hit.chunk.id));
  const analyzeQuery = kb.analyzer.analyzeQuery ?? kb.analyzer.analyze;
  const terms = new Set(analyzeQuery.call(kb.analyzer, query));
  const extra = documentIds
    .flatMap((id) => kb.store.chunksOfDocument(id))
    .filter((stored) => !seen.has(stored.chunk.id))
    .map((stored) => {
      const matched = kb.analyzer.analyze(`${stored.chunk.headingPath.join(' ')}\n${stored.chunk.text}`).filter((term) => terms.has(term));
      return { stored, matched: [...new Set(matched)] };
    })
    .filter((candidate) => candidate.matched.length > 0)
    .sort((a, b) => b.matched.length - a.matched.length || a.stored.chunk.index - b.stored.chunk.index)
    .slice(0, options.k - ranked.length)
    .map(({ stored, matched }): Hit => ({
      chunk: stored.chunk,
      score: matched.length / Math.max(1, terms.size),
      documentPath: stored.documentPath,
      documentTitle: stored.documentTitle,
      ...(stored.documentRowKey === undefined ? {} : { documentRowKey: stored.documentRowKey }),
      matchedTerms: matched,
      scores: [{ retriever: 'document-terms', score: matched.length, rank: 0 }],
    }));
  return [...ranked, ...extra];
}
