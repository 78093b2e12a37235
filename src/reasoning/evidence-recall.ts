import type { Hit } from '../retrieval/index.js';
import { articleKey, articleLabel } from './tools/article-number.js';

/**
 * The share of `gold` evidence among the passages an answer read: each gold id is an article name
 * (`中华人民共和国民法典第五十四条`, compared by law title and article number, whether the knowledge
 * base holds whole laws headed 第X条 or one article per document) or a document row key. Null for
 * no gold evidence.
 *
 * @example
 * evidenceRecall(['中华人民共和国民法典第五十四条'], answer.hits) // → 1 when a chunk of 民法典 第五十四条 was read
 */
export function evidenceRecall(gold: readonly string[], read: readonly Hit[]): number | null {
  if (gold.length === 0) return null;
  const keys = new Set<string>();
  for (const hit of read) {
    if (hit.documentRowKey !== undefined) keys.add(hit.documentRowKey);
    const titleKey = articleKey(hit.documentTitle);
    if (titleKey !== undefined) keys.add(titleKey);
    const article = [...hit.chunk.headingPath].reverse().map(articleLabel).find((label) => label !== undefined);
    if (article !== undefined) {
      const key = articleKey(`${hit.documentTitle}${article}`);
      if (key !== undefined) keys.add(key);
    }
  }
  const found = gold.filter((id) => keys.has(articleKey(id) ?? id));
  return found.length / gold.length;
}
