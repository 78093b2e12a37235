import type { KnowledgeBaseStore } from './knowledge-base-store.js';
import { PostgresKnowledgeBaseStore } from './postgres-store.js';
import { SqliteKnowledgeBaseStore } from './sqlite-store.js';

/** Where one knowledge base's store lives: its SQLite file, or its name in a PostgreSQL database. */
export type StoreLocation = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string; knowledgeBase: string };

/**
 * Opens the store at `location`: `create` makes it when missing (an SQLite file, a
 * `knowledge_bases` row); `readOnly` refuses every write.
 *
 * @example
 * const store = openKnowledgeBaseStore({ kind: 'postgres', url: process.env.HANGJIA_STORE_URL!, knowledgeBase: 'laws' }, { create: true });
 */
export function openKnowledgeBaseStore(location: StoreLocation, options: { create?: boolean; readOnly?: boolean } = {}): KnowledgeBaseStore {
  if (location.kind === 'postgres') {
    return PostgresKnowledgeBaseStore.open({ url: location.url, knowledgeBase: location.knowledgeBase, create: options.create ?? false, readOnly: options.readOnly ?? false });
  }
  if (options.readOnly) return SqliteKnowledgeBaseStore.openReadOnly(location.file);
  return SqliteKnowledgeBaseStore.open(location.file, { create: options.create ?? false });
}
