import type { KnowledgeBaseStore, StoredDocument } from './store/knowledge-base-store.js';

/**
 * One document with its text and its chunks in order, or undefined when there is none with that
 * id. Checks no access: the caller decides first (`store.documentAccess`, `canReadDocument`).
 */
export function readDocument(store: KnowledgeBaseStore, id: string): StoredDocument | undefined {
  return store.readDocument(id);
}
