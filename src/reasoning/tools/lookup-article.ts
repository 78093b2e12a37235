import type { AccessFilter } from '../../access/index.js';
import { HangjiaError } from '../../errors/index.js';
import type { StoredChunk } from '../../knowledge-base/index.js';
import type { Hit } from '../../retrieval/index.js';
import { articleLabel, articleNumber } from './article-number.js';
import { findDocuments } from './find-document.js';
import type { ReasoningKnowledgeBase } from './reasoning-knowledge-base.js';

const ARTICLE_AT_LINE_START = /(?:^|\n)\s*(第[一二三四五六七八九十百千零〇两0-9０-９]+条之[一二三四五六七八九十]+)/gu;

/**
 * The chunks of article `article` (第X条, Chinese numerals or digits, `之一` kept apart) of the law
 * titled `law`: chunks whose heading path names that article, or documents titled law + article
 * (one article per document). An article split over several chunks returns all of them, in order.
 * Exact: no ranking, no guessing; throws `E_DOCUMENT_NOT_FOUND` for an unknown law and
 * `E_ARTICLE_NOT_FOUND` (naming the law's first and last article) for an unknown article.
 *
 * @example
 * lookupArticle(kb, '民法典', '第五十四条') // → the hits of 中华人民共和国民法典 第五十四条
 */
export function lookupArticle(kb: ReasoningKnowledgeBase, law: string, article: string | number, access?: AccessFilter): Hit[] {
  const wantedLabel = typeof article === 'number' ? `第${article}条` : (articleLabel(article) ?? `第${article.trim()}条`);
  const wantedNumber = articleNumber(wantedLabel);
  const suffix = /之[一二三四五六七八九十]+$/u.exec(wantedLabel)?.[0] ?? '';
  if (wantedNumber === undefined) {
    throw new HangjiaError('E_ARTICLE_NOT_FOUND', `"${String(article)}" is not an article number (expected 第X条, X in Chinese numerals or digits).`, { details: { law, article } });
  }
  const { documentIds, titles } = findDocuments(kb, law, access);
  const matches = (label: string | undefined): boolean =>
    label !== undefined && articleNumber(label) === wantedNumber && (/之[一二三四五六七八九十]+$/u.exec(label)?.[0] ?? '') === suffix;
  const seen: number[] = [];
  const found: StoredChunk[] = [];
  for (const id of documentIds) {
    for (const stored of kb.store.chunksOfDocument(id)) {
      const label = [...stored.chunk.headingPath].reverse().map(articleLabel).find((value) => value !== undefined) ?? articleLabel(stored.documentTitle);
      const number = label === undefined ? undefined : articleNumber(label);
      if (number !== undefined) seen.push(number);
      // 第X条之一 is no heading to the chunker (之 also follows cross-references such as 第X条之规定), so
      // such an article sits inside the chunk of the article before it: look for it at a line start too.
      const inText = suffix === '' ? [] : [...stored.chunk.text.matchAll(ARTICLE_AT_LINE_START)].map((match) => match[1]);
      if (matches(label) || inText.some(matches)) found.push(stored);
    }
  }
  if (found.length === 0) {
    const range = seen.length > 0 ? ` It holds articles 第${Math.min(...seen)}条 to 第${Math.max(...seen)}条.` : ' Its chunks name no articles (第X条 headings).';
    throw new HangjiaError('E_ARTICLE_NOT_FOUND', `${titles.join('、')} has no ${wantedLabel}.${range}`, { details: { law, article: wantedLabel } });
  }
  return found.map((stored) => ({
    chunk: stored.chunk,
    score: 1,
    documentPath: stored.documentPath,
    documentTitle: stored.documentTitle,
    ...(stored.documentRowKey === undefined ? {} : { documentRowKey: stored.documentRowKey }),
    matchedTerms: [],
    scores: [{ retriever: 'article-lookup', score: 1, rank: 1 }],
  }));
}
