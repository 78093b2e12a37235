/** @module knowledge-base — a persistent knowledge base: SQLite source of truth, derived indexes, sync and search. */
export {
  KnowledgeBase,
  createKnowledgeBase,
  openKnowledgeBase,
  removeKnowledgeBase,
  listKnowledgeBaseNames,
  embeddingModelKey,
  type KnowledgeBaseSettings,
  type KnowledgeBaseComponents,
  type KnowledgeBaseComponentsSource,
  type KnowledgeBaseSearchOptions,
  type KnowledgeBaseStats,
  type KnowledgeBaseSyncOptions,
  type IndexNotices,
} from './knowledge-base.js';
export { KnowledgeBaseStore, STORE_SCHEMA_VERSION, type StoredChunk, type SourceFileRow, type DocumentSummary } from './knowledge-base-store.js';
export type { AccessFilter } from '../access/index.js';
export { type IndexManifest } from './derived-indexes.js';
export { DEFAULT_MAX_REMOVAL_SHARE, type MassRemoval, type SyncCounters, type SyncProgress, type SyncPhase, type SyncProblem } from './sync-knowledge-base.js';
export { knowledgeBaseDirectory, assertKnowledgeBaseName, assertWritable } from './knowledge-base-paths.js';
export {
  withWriteLock,
  acquireWriteLock,
  tryAcquireWriteLock,
  writeLockHolder,
  describeWriteLockHolder,
  type WriteLock,
  type WriteLockHolder,
  type AcquireWriteLockOptions,
} from './write-lock.js';
export { readDocument } from './read-document.js';
export { DEFAULT_SEARCH_SETTINGS, resolveSearchSettings, lexicalParamsOf, rescoringSettingsOf, retrieveOptionsOf, type SearchMode, type SearchSettings } from './search-settings.js';
