/** The store moved to `./store/`; this keeps the older import path working. */
export * from './store/knowledge-base-store.js';
export { SqliteKnowledgeBaseStore, STORE_SCHEMA_VERSION, sqliteDatabaseOf } from './store/sqlite-store.js';
