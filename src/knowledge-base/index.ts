/** @module knowledge-base — a persistent knowledge base: SQLite source of truth, derived indexes, sync and search. */
export {
  KnowledgeBase,
  createKnowledgeBase,
  openKnowledgeBase,
  removeKnowledgeBase,
  listKnowledgeBaseNames,
  knowledgeBaseExists,
  describeKnowledgeBaseStore,
  embeddingModelKey,
  type StoreSelection,
  type KnowledgeBaseSettings,
  type KnowledgeBaseComponents,
  type KnowledgeBaseComponentsSource,
  type LexicalSettings,
  type KnowledgeBaseStats,
  type KnowledgeBaseSyncOptions,
  type IndexNotices,
} from './knowledge-base.js';
export {
  SqliteKnowledgeBaseStore,
  STORE_SCHEMA_VERSION,
  sqliteDatabaseOf,
  type KnowledgeBaseStore,
  type StoredChunk,
  type StoredDocument,
  type SourceFileRow,
  type DocumentSummary,
  type DocumentWithChunks,
  type StoreCounts,
  type IngestRun,
} from './knowledge-base-store.js';
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
export { exportKnowledgeBase, type KnowledgeBaseExportOptions, type KnowledgeBaseExportResult } from './transfer/export-knowledge-base.js';
export { importKnowledgeBase, readExportHeader, type KnowledgeBaseImportOptions, type KnowledgeBaseImportResult } from './transfer/import-knowledge-base.js';
export type { TransferDigest, TransferPart } from './transfer/export-format.js';
