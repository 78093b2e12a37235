import type { LexicalRecord } from '../index/index.js';
import type { CorpusDocument } from './read-corpus.js';

/** A trailing statute article designation: 第四十七条, 第12条, 第一百零二条之一. */
const TRAILING_ARTICLE = /\s*第[\d０-９一二三四五六七八九十百千零〇两]+条(之[一二三四五六七八九十]+)?$/u;

/**
 * How a BEIR corpus document becomes a lexical record: the same shape a knowledge base gives a
 * statute article chunk. A title ending in an article designation ("消费者权益保护法第四十七条") is
 * split into the law's name (title and group: articles of one law support each other, as chunks
 * of one document do in a knowledge base) and the article label (heading); any other title is the
 * title, and the document is its own group.
 */
export function corpusDocumentToRecord(document: CorpusDocument): LexicalRecord {
  const article = TRAILING_ARTICLE.exec(document.title);
  if (!article || article.index === 0) return { id: document.id, title: document.title, headings: '', text: document.text };
  const law = document.title.slice(0, article.index);
  return { id: document.id, title: law, headings: article[0].trim(), text: document.text, group: law };
}
