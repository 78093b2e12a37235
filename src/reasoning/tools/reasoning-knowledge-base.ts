import type { Analyzer } from '../../analysis/index.js';
import type { AnswerKnowledgeBase } from '../../answer/index.js';
import type { AccessFilter } from '../../access/index.js';
import type { StoredChunk } from '../../knowledge-base/index.js';

/**
 * What PEARL and the agent need of a knowledge base: search (as `answerQuestion`), its analyzer,
 * and the store's document list and per-document chunks (statute lookup, search within one
 * document). `KnowledgeBase` satisfies it. Access: `search` and `documents` take the caller's
 * `access` filter, and chunks are only read of documents `documents` listed under it.
 */
export interface ReasoningKnowledgeBase extends AnswerKnowledgeBase {
  readonly analyzer: Analyzer;
  readonly store: {
    getMeta(key: string): string | undefined;
    documents(options: { access?: AccessFilter }): Array<{ id: string; title: string; path: string }>;
    chunksOfDocument(documentId: string): StoredChunk[];
  };
}
