/** @module knowledge-base — a persistent knowledge base: its store (SQLite by default, or PostgreSQL), derived indexes, sync and search. */
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
  type KnowledgeBaseSearchOptions,
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
export { openKnowledgeBaseStore, knowledgeBaseStoreLocation, type StoreLocation } from './store/open-store.js';
export { PostgresKnowledgeBaseStore } from './store/postgres-store.js';
export { PostgresStoreBackend, CHANGES_CHANNEL, type PostgresStoreOptions } from './store/postgres-backend.js';
export { POSTGRES_MIGRATIONS, applyPostgresMigrations, type PostgresMigration } from './store/postgres-migrations.js';
export { parsePostgresStoreUrl, connectPostgresStore, DEFAULT_POSTGRES_SCHEMA, type PostgresStoreAddress } from './store/postgres-connection.js';
export { openPostgresApiKeyRows, PostgresApiKeyBackend } from './store/postgres-api-keys.js';
export { DEFAULT_SEARCH_SETTINGS, resolveSearchSettings, lexicalParamsOf, rescoringSettingsOf, retrieveOptionsOf, type SearchMode, type SearchSettings } from './search-settings.js';
