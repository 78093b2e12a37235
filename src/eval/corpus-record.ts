import { splitStatuteArticleTitle } from '../chunking/index.js';
import type { LexicalRecord } from '../index/index.js';
import type { CorpusDocument } from './read-corpus.js';

/**
 * How a BEIR corpus document becomes a lexical record: the same shape a knowledge base gives it
 * (see `knowledge-base/derived-indexes.ts`). A title naming a statute article
 * ("消费者权益保护法第四十七条") is split into the statute's name (title and group: articles of one
 * statute support each other, as chunks of one document do) and the article label (heading); any
 * other title is the title, and the document is its own group.
 */
export function corpusDocumentToRecord(document: CorpusDocument): LexicalRecord {
  const article = splitStatuteArticleTitle(document.title);
  if (!article) return { id: document.id, title: document.title, headings: '', text: document.text };
  return { id: document.id, title: article.statute, headings: article.article, text: document.text, group: article.statute };
}
