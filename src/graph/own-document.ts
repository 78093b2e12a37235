import { splitStatuteArticleTitle } from '../chunking/index.js';
import { parseChineseNumber } from './chinese-number.js';
import { OWN_DOCUMENT, type EntityReference } from './graph-fact.js';
import { articleName, classifyTitle, RULE_TYPES } from './rule-extractors.js';

const OWN_ARTICLE = /^第(\d+)条(?:之(\d+))?$/u;

/**
 * What a `@document` reference of a chunk names, given the chunk's document title: the document
 * (`法律` when the title reads like a statute, else `文档`), or one of its articles — with the
 * document it belongs to. A document titled as one article (`劳动合同法第十九条`, a statute
 * exported one article per row) is that article of its statute.
 */
export function resolveOwnDocument(reference: EntityReference, documentTitle: string): { entity: EntityReference; partOf?: EntityReference } {
  if (reference.type !== OWN_DOCUMENT) return { entity: reference };
  const title = documentTitle.trim();
  const split = splitStatuteArticleTitle(title);
  const statute = split?.statute ?? title;
  const document: EntityReference = { type: classifyTitle(statute), name: statute };
  const article = OWN_ARTICLE.exec(reference.name);
  if (article) return { entity: { type: RULE_TYPES.article, name: articleName(statute, Number(article[1]), article[2] === undefined ? undefined : Number(article[2])) }, partOf: document };
  if (split) {
    const number = parseChineseNumber(split.article.replace(/^第|条.*$/gu, ''));
    return { entity: { type: RULE_TYPES.article, name: number === undefined ? title : articleName(statute, number) }, partOf: document };
  }
  return { entity: document };
}
