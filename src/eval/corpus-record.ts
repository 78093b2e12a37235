import type { LexicalRecord } from '../index/index.js';
import { toLexicalRecord } from '../retrieval/index.js';
import type { CorpusDocument } from './read-corpus.js';

/**
 * How a BEIR corpus document becomes a lexical record: one corpus document is one retrieval unit
 * (the judgments are per document), shaped exactly as a knowledge base shapes a chunk
 * (`toLexicalRecord`): a statute article's title becomes its statute (title and group) and the
 * article label (heading); any other document is a group of its own.
 */
export function corpusDocumentToRecord(document: CorpusDocument): LexicalRecord {
  return toLexicalRecord({ id: document.id, documentId: document.id, documentTitle: document.title, text: document.text });
}
