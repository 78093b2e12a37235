import { splitStatuteArticleTitle } from '../chunking/index.js';
import type { LexicalRecord } from '../index/index.js';

/** One retrieval unit as a knowledge base or a test collection holds it: a chunk, or a whole corpus document. */
export interface LexicalUnit {
  id: string;
  /** The document it belongs to: its chunks support each other (group evidence). */
  documentId: string;
  documentTitle: string;
  /** Headings above the unit inside its document, outermost first. Default none. */
  headingPath?: readonly string[];
  text: string;
  /** Other names the document goes by (its file's name), for citation evidence. */
  aliases?: readonly string[];
  /** `false` when what its text names must not count as citations (see `LexicalRecord.citing`). */
  citing?: boolean;
}

/**
 * How every retrieval unit becomes a lexical record, for knowledge bases and `eval retrieval`
 * alike. A document that is one statute article ("劳动合同法第十九条": a row of an exported statute
 * table, a corpus document) is filed under its statute — title the statute, heading the article,
 * group the statute — so its sibling articles support it as the chunks of one statute file do.
 * Anything else keeps its title and heading path, grouped with its document's other chunks.
 */
export function toLexicalRecord(unit: LexicalUnit): LexicalRecord {
  const headings = (unit.headingPath ?? []).filter((heading) => heading !== unit.documentTitle);
  const article = splitStatuteArticleTitle(unit.documentTitle);
  return {
    id: unit.id,
    title: article ? article.statute : unit.documentTitle,
    headings: (article ? [article.article, ...headings] : headings).join(' '),
    text: unit.text,
    group: article ? `statute:${article.statute}` : unit.documentId,
    ...(unit.aliases === undefined ? {} : { aliases: unit.aliases }),
    ...(unit.citing === false ? { citing: false } : {}),
  };
}
