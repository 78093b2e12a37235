import fs from 'node:fs';
import Database from 'better-sqlite3';
import type { AccessFilter } from '../../access/index.js';
import type { SourceFormat } from '../../documents/index.js';
import { HangjiaError } from '../../errors/index.js';
import type {
  DocumentSummary,
  DocumentWithChunks,
  IngestRun,
  KnowledgeBaseStore,
  SourceFileBatchInput,
  SourceFileInput,
  SourceFileRow,
  StoreCounts,
  StoredChunk,
  StoredDocument,
} from './knowledge-base-store.js';

/**
 * Bumped when the tables change shape; an older file is migrated, a newer one refused.
 * 2: access groups on documents and source files, and the access overrides table.
 */
export const STORE_SCHEMA_VERSION = 2;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS source_files (
  path TEXT PRIMARY KEY,
  root TEXT NOT NULL,
  relative_path TEXT NOT NULL,
  format TEXT NOT NULL,
  size INTEGER NOT NULL,
  mtime_ms REAL NOT NULL,
  file_hash TEXT,
  status TEXT NOT NULL CHECK (status IN ('indexed', 'failed')),
  error_code TEXT,
  error_message TEXT,
  document_count INTEGER NOT NULL DEFAULT 0,
  updated_at TEXT NOT NULL,
  access_groups TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE IF NOT EXISTS documents (
  id TEXT PRIMARY KEY,
  source_path TEXT NOT NULL REFERENCES source_files(path) ON DELETE CASCADE,
  row_key TEXT,
  format TEXT NOT NULL,
  title TEXT NOT NULL,
  text TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  encoding TEXT,
  metadata TEXT NOT NULL,
  access_groups TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS documents_by_source ON documents(source_path);
CREATE TABLE IF NOT EXISTS chunks (
  id TEXT PRIMARY KEY,
  document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  ordinal INTEGER NOT NULL,
  text TEXT NOT NULL,
  heading_path TEXT NOT NULL,
  start_offset INTEGER NOT NULL,
  end_offset INTEGER NOT NULL,
  token_count INTEGER NOT NULL,
  text_hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_by_document ON chunks(document_id);
CREATE TABLE IF NOT EXISTS embeddings (
  model_id TEXT NOT NULL,
  text_hash TEXT NOT NULL,
  vector BLOB NOT NULL,
  PRIMARY KEY (model_id, text_hash)
);
CREATE TABLE IF NOT EXISTS access_overrides (
  kind TEXT NOT NULL CHECK (kind IN ('file', 'document')),
  target TEXT NOT NULL,
  groups TEXT NOT NULL,
  PRIMARY KEY (kind, target)
);
CREATE TABLE IF NOT EXISTS partial_files (
  path TEXT PRIMARY KEY REFERENCES source_files(path) ON DELETE CASCADE,
  file_hash TEXT NOT NULL,
  documents_done INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS ingest_runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  status TEXT NOT NULL,
  counters TEXT
);
`;

/**
 * The knowledge base's source of truth in one SQLite file (the default store). Every change to a
 * file's documents happens in one transaction that also bumps the `generation` counter, so a
 * process killed mid-ingest leaves either the old or the new version of each file, and derived
 * indexes can tell whether they are stale.
 */
export class SqliteKnowledgeBaseStore implements KnowledgeBaseStore {
  readonly kind = 'sqlite';
  readonly database: Database.Database;

  /** Opened with SQLite's read-only flag: every write fails with SQLITE_READONLY, so none can slip through. */
  readonly readOnly: boolean;

  private constructor(database: Database.Database, readOnly = false) {
    this.database = database;
    this.readOnly = readOnly;
  }

  /**
   * Opens the database for reading only, for commands that need nothing written (list, stats,
   * search, ask): they then work on a knowledge base that is read-only to them (a shared copy on
   * a network drive, another user's files, a read-only mount). A WAL database whose `-shm` file is
   * missing cannot be opened read-only in place (SQLite would have to create it), so then the file
   * is read into memory and opened from there, marked as a rollback-journal database, since a
   * read-only copy has no write-ahead log to consult.
   */
  static openReadOnly(file: string): SqliteKnowledgeBaseStore {
    let database: Database.Database;
    try {
      database = new Database(file, { readonly: true, fileMustExist: true });
      database.pragma('schema_version');
    } catch (error) {
      try {
        const copy = fs.readFileSync(file);
        // Bytes 18–19 of the header: file format write/read versions, 2 = WAL, 1 = rollback journal.
        copy[18] = 1;
        copy[19] = 1;
        database = new Database(copy, { readonly: true });
      } catch {
        throw new HangjiaError('E_KB_OPEN', `Cannot open knowledge base database ${file} for reading: ${(error as Error).message}`, { details: { path: file }, cause: error });
      }
    }
    const store = new SqliteKnowledgeBaseStore(database, true);
    const version = Number(store.getMeta('schemaVersion') ?? STORE_SCHEMA_VERSION);
    if (version > STORE_SCHEMA_VERSION) {
      database.close();
      throw new HangjiaError(
        'E_KB_VERSION',
        `Knowledge base ${file} was written by a newer hangjia (schema ${version}; this one reads up to ${STORE_SCHEMA_VERSION}). Upgrade hangjia.`,
        { details: { path: file, found: version, supported: STORE_SCHEMA_VERSION } },
      );
    }
    return store;
  }

  static open(file: string, options: { create: boolean }): SqliteKnowledgeBaseStore {
    let database: Database.Database;
    try {
      database = new Database(file, { fileMustExist: !options.create });
    } catch (error) {
      throw new HangjiaError('E_KB_OPEN', `Cannot open knowledge base database ${file}: ${(error as Error).message}`, {
        details: { path: file },
        cause: error,
      });
    }
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.pragma('foreign_keys = ON');
    database.pragma('busy_timeout = 5000');
    database.exec(SCHEMA);
    const store = new SqliteKnowledgeBaseStore(database);
    const version = Number(store.getMeta('schemaVersion') ?? STORE_SCHEMA_VERSION);
    if (version > STORE_SCHEMA_VERSION) {
      database.close();
      throw new HangjiaError(
        'E_KB_VERSION',
        `Knowledge base ${file} was written by a newer hangjia (schema ${version}; this one reads up to ${STORE_SCHEMA_VERSION}). Upgrade hangjia.`,
        { details: { path: file, found: version, supported: STORE_SCHEMA_VERSION } },
      );
    }
    if (store.getMeta('schemaVersion') === undefined) store.setMeta('schemaVersion', String(STORE_SCHEMA_VERSION));
    else if (version < STORE_SCHEMA_VERSION) store.migrate(version);
    if (store.getMeta('generation') === undefined) store.setMeta('generation', '0');
    return store;
  }

  /**
   * Brings a file written by an older hangjia to {@link STORE_SCHEMA_VERSION}, in one transaction.
   * 1 → 2: documents and source files gain `access_groups` (none: readable by everyone, as before).
   */
  private migrate(from: number): void {
    const transaction = this.database.transaction(() => {
      if (from < 2) {
        for (const table of ['documents', 'source_files']) {
          const columns = this.database.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>;
          if (!columns.some((column) => column.name === 'access_groups')) {
            this.database.exec(`ALTER TABLE ${table} ADD COLUMN access_groups TEXT NOT NULL DEFAULT '[]'`);
          }
        }
      }
      this.setMeta('schemaVersion', String(STORE_SCHEMA_VERSION));
    });
    transaction.immediate();
  }

  close(): void {
    if (this.database.open) this.database.close();
  }

  getMeta(key: string): string | undefined {
    const row = this.database.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value;
  }

  setMeta(key: string, value: string): void {
    this.database.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  setMetaEntries(entries: Record<string, string>): void {
    const transaction = this.database.transaction(() => {
      for (const [key, value] of Object.entries(entries)) this.setMeta(key, value);
    });
    transaction.immediate();
  }

  /** A deferred read transaction: SQLite fixes its snapshot at the first read, so one is made at once. */
  pinSnapshot(): void {
    if (this.database.inTransaction) return;
    this.database.exec('BEGIN');
    this.generation();
  }

  releaseSnapshot(): void {
    if (this.database.open && this.database.inTransaction) this.database.exec('COMMIT');
  }

  /** Increases on every committed change to documents or chunks; derived indexes record the one they were built from. */
  generation(): number {
    return Number(this.getMeta('generation') ?? 0);
  }

  private bumpGeneration(): void {
    this.database.prepare("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'").run();
  }

  sourceFiles(): SourceFileRow[] {
    const rows = this.database.prepare('SELECT * FROM source_files ORDER BY path').all() as Array<Record<string, unknown>>;
    return rows.map(toSourceFileRow);
  }

  /**
   * Replaces everything stored for one file by its new documents and chunks, atomically. Its
   * documents carry `accessGroups` (the file's groups), except those an admin gave groups of their
   * own ({@link setAccessOverride}), which keep them.
   */
  replaceSourceFile(file: SourceFileInput, documents: DocumentWithChunks[], accessGroups: readonly string[] = []): void {
    const transaction = this.database.transaction(() => {
      this.database.prepare('DELETE FROM documents WHERE source_path = ?').run(file.path);
      this.database.prepare('DELETE FROM partial_files WHERE path = ?').run(file.path);
      this.upsertSourceFile({ ...file, status: 'indexed', errorCode: null, errorMessage: null, documentCount: documents.length });
      this.database.prepare('UPDATE source_files SET access_groups = ? WHERE path = ?').run(JSON.stringify(accessGroups), file.path);
      this.insertDocuments(file.path, documents, accessGroups);
      this.bumpGeneration();
    });
    transaction.immediate();
  }

  /**
   * Files whose documents are being written in batches (see `writeSourceFileBatch`), with the
   * content hash of the version being written and how many of its documents are stored.
   */
  partialFiles(): Map<string, { fileHash: string; documentsDone: number }> {
    const rows = this.database.prepare('SELECT path, file_hash AS fileHash, documents_done AS documentsDone FROM partial_files').all() as Array<{ path: string; fileHash: string; documentsDone: number }>;
    return new Map(rows.map((row) => [row.path, { fileHash: row.fileHash, documentsDone: row.documentsDone }]));
  }

  /**
   * Writes one batch of a large file's documents in one transaction, so that an ingest killed
   * mid-file keeps the batches it finished and the next sync continues after them. `documentsDone`
   * is how many of the file's documents earlier batches stored: 0 starts the file over (what was
   * stored for it goes); `last` ends it, after which the file counts as ingested like any other.
   * Until then `partialFiles()` lists it.
   */
  writeSourceFileBatch(
    file: SourceFileBatchInput,
    documents: DocumentWithChunks[],
    position: { documentsDone: number; last: boolean },
    accessGroups: readonly string[] = [],
  ): void {
    const transaction = this.database.transaction(() => {
      if (position.documentsDone === 0) this.database.prepare('DELETE FROM documents WHERE source_path = ?').run(file.path);
      const documentCount = position.documentsDone + documents.length;
      this.upsertSourceFile({ ...file, status: 'indexed', errorCode: null, errorMessage: null, documentCount });
      this.database.prepare('UPDATE source_files SET access_groups = ? WHERE path = ?').run(JSON.stringify(accessGroups), file.path);
      this.insertDocuments(file.path, documents, accessGroups);
      if (position.last) {
        this.database.prepare('DELETE FROM partial_files WHERE path = ?').run(file.path);
      } else {
        this.database
          .prepare('INSERT INTO partial_files (path, file_hash, documents_done) VALUES (?, ?, ?) ON CONFLICT(path) DO UPDATE SET file_hash = excluded.file_hash, documents_done = excluded.documents_done')
          .run(file.path, file.fileHash, documentCount);
      }
      this.bumpGeneration();
    });
    transaction.immediate();
  }

  /** Drops what a batched write stored for `path` (it failed part-way): nothing half-read stays. */
  discardPartialFile(path: string): void {
    const transaction = this.database.transaction(() => {
      if (this.database.prepare('DELETE FROM partial_files WHERE path = ?').run(path).changes === 0) return;
      this.database.prepare('DELETE FROM documents WHERE source_path = ?').run(path);
      this.database.prepare('UPDATE source_files SET document_count = 0 WHERE path = ?').run(path);
      this.bumpGeneration();
    });
    transaction.immediate();
  }

  private insertDocuments(path: string, documents: DocumentWithChunks[], accessGroups: readonly string[]): void {
    const insertDocument = this.database.prepare(
      `INSERT INTO documents (id, source_path, row_key, format, title, text, content_hash, encoding, metadata, access_groups)
       VALUES (@id, @sourcePath, @rowKey, @format, @title, @text, @contentHash, @encoding, @metadata,
         COALESCE((SELECT groups FROM access_overrides WHERE kind = 'document' AND target = @id), @accessGroups))`,
    );
    const fileGroups = JSON.stringify(accessGroups);
    const insertChunk = this.database.prepare(
      `INSERT INTO chunks (id, document_id, ordinal, text, heading_path, start_offset, end_offset, token_count, text_hash)
       VALUES (@id, @documentId, @ordinal, @text, @headingPath, @start, @end, @tokenCount, @textHash)`,
    );
    const findOwner = this.database.prepare('SELECT source_path FROM documents WHERE id = ?');
    for (const { document, chunks } of documents) {
      const owner = findOwner.get(document.id) as { source_path: string } | undefined;
      if (owner) {
        throw new HangjiaError(
          'E_DOCUMENT_ID_CONFLICT',
          `Document id ${document.id} from ${path} is already used by ${owner.source_path}. Two sources produce the same id (same relative path or row id); give them distinct row ids or ingest them into separate knowledge bases.`,
          { details: { path, documentId: document.id, other: owner.source_path } },
        );
      }
      insertDocument.run({
        id: document.id,
        sourcePath: path,
        rowKey: document.rowKey ?? null,
        format: document.format,
        title: document.title,
        text: document.text,
        contentHash: document.contentHash,
        encoding: document.encoding ?? null,
        metadata: JSON.stringify(document.metadata ?? {}),
        accessGroups: fileGroups,
      });
      for (const { chunk, textHash } of chunks) {
        insertChunk.run({
          id: chunk.id,
          documentId: chunk.documentId,
          ordinal: chunk.index,
          text: chunk.text,
          headingPath: JSON.stringify(chunk.headingPath),
          start: chunk.start,
          end: chunk.end,
          tokenCount: chunk.tokenCount,
          textHash,
        });
      }
    }
  }

  /**
   * Records that a file failed. What was stored for it before (its last good version) is kept,
   * so a file that turned corrupt does not silently disappear from search.
   */
  markSourceFileFailed(file: Omit<SourceFileRow, 'status' | 'documentCount'>): void {
    const previous = this.database.prepare('SELECT document_count FROM source_files WHERE path = ?').get(file.path) as { document_count: number } | undefined;
    this.upsertSourceFile({ ...file, status: 'failed', documentCount: previous?.document_count ?? 0 });
  }

  /** Marks an unchanged file as seen (its mtime may have moved while its bytes did not). */
  touchSourceFile(path: string, mtimeMs: number, size: number): void {
    this.database.prepare('UPDATE source_files SET mtime_ms = ?, size = ? WHERE path = ?').run(mtimeMs, size, path);
  }

  removeSourceFiles(paths: string[]): void {
    if (paths.length === 0) return;
    const remove = this.database.prepare('DELETE FROM source_files WHERE path = ?');
    const transaction = this.database.transaction(() => {
      for (const path of paths) remove.run(path);
      this.bumpGeneration();
    });
    transaction.immediate();
  }

  private upsertSourceFile(row: SourceFileRow): void {
    this.database
      .prepare(
        `INSERT INTO source_files (path, root, relative_path, format, size, mtime_ms, file_hash, status, error_code, error_message, document_count, updated_at)
         VALUES (@path, @root, @relativePath, @format, @size, @mtimeMs, @fileHash, @status, @errorCode, @errorMessage, @documentCount, @updatedAt)
         ON CONFLICT(path) DO UPDATE SET root = excluded.root, relative_path = excluded.relative_path, format = excluded.format,
           size = excluded.size, mtime_ms = excluded.mtime_ms, file_hash = COALESCE(excluded.file_hash, source_files.file_hash),
           status = excluded.status, error_code = excluded.error_code, error_message = excluded.error_message,
           document_count = excluded.document_count, updated_at = excluded.updated_at`,
      )
      .run({ ...row, updatedAt: new Date().toISOString() });
  }

  /** Every chunk in document order, for (re)building the derived indexes. */
  *iterateChunks(): IterableIterator<StoredChunk> {
    const statement = this.database.prepare(
      `SELECT c.*, d.source_path AS document_path, d.title AS document_title, d.row_key AS document_row_key, d.access_groups AS document_groups
       FROM chunks c JOIN documents d ON d.id = c.document_id ORDER BY c.document_id, c.ordinal`,
    );
    for (const row of statement.iterate() as IterableIterator<Record<string, unknown>>) yield toStoredChunk(row);
  }

  /** The row keys of the csv/jsonl documents held (see `Document.rowKey`). */
  rowKeys(): string[] {
    return (this.database.prepare('SELECT row_key AS rowKey FROM documents WHERE row_key IS NOT NULL').all() as Array<{ rowKey: string }>).map((row) => row.rowKey);
  }

  chunksByIds(ids: string[]): Map<string, StoredChunk> {
    const found = new Map<string, StoredChunk>();
    if (ids.length === 0) return found;
    const statement = this.database.prepare(
      `SELECT c.*, d.source_path AS document_path, d.title AS document_title, d.row_key AS document_row_key, d.access_groups AS document_groups
       FROM chunks c JOIN documents d ON d.id = c.document_id WHERE c.id IN (${ids.map(() => '?').join(',')})`,
    );
    for (const row of statement.all(...ids) as Array<Record<string, unknown>>) {
      const stored = toStoredChunk(row);
      found.set(stored.chunk.id, stored);
    }
    return found;
  }

  /** The chunks of one document in reading order (empty for an unknown id). */
  chunksOfDocument(documentId: string): StoredChunk[] {
    const rows = this.database
      .prepare(
        `SELECT c.*, d.source_path AS document_path, d.title AS document_title, d.row_key AS document_row_key
         FROM chunks c JOIN documents d ON d.id = c.document_id WHERE c.document_id = ? ORDER BY c.ordinal`,
      )
      .all(documentId) as Array<Record<string, unknown>>;
    return rows.map(toStoredChunk);
  }

  readDocument(documentId: string): StoredDocument | undefined {
    const row = this.database
      .prepare(
        `SELECT d.id, d.title, d.source_path AS path, d.row_key AS rowKey, d.format, LENGTH(d.text) AS characters, d.text AS text,
                (SELECT COUNT(*) FROM chunks c WHERE c.document_id = d.id) AS chunks
         FROM documents d WHERE d.id = ?`,
      )
      .get(documentId) as (Omit<DocumentSummary, 'groups' | 'rowKey'> & { rowKey: string | null; text: string }) | undefined;
    if (!row) return undefined;
    const chunkIds = (this.database.prepare('SELECT id FROM chunks WHERE document_id = ? ORDER BY ordinal').all(documentId) as Array<{ id: string }>).map((chunk) => chunk.id);
    const byId = this.chunksByIds(chunkIds);
    const { text, rowKey, ...document } = row;
    return { document: rowKey === null ? document : { ...document, rowKey }, text, chunks: chunkIds.map((chunkId) => byId.get(chunkId)!) };
  }

  /**
   * Gives an ingested file's documents `groups` (the file's groups by the sync rules, or its
   * override), except documents with an override of their own; bumps the generation when any
   * document's groups changed, so the indexes are rebuilt (restricted documents lend no citation
   * evidence). Returns how many documents changed. Text and chunks are untouched.
   */
  applySourceFileGroups(path: string, groups: readonly string[]): number {
    const encoded = JSON.stringify(groups);
    let changed = 0;
    const transaction = this.database.transaction(() => {
      this.database.prepare('UPDATE source_files SET access_groups = ? WHERE path = ?').run(encoded, path);
      changed = this.database
        .prepare(
          `UPDATE documents SET access_groups = ? WHERE source_path = ? AND access_groups != ?
           AND id NOT IN (SELECT target FROM access_overrides WHERE kind = 'document')`,
        )
        .run(encoded, path, encoded).changes;
      if (changed > 0) this.bumpGeneration();
    });
    transaction.immediate();
    return changed;
  }

  /**
   * Records (or, with `null`, removes) groups an admin or an upload gave a source file or one
   * document, which take precedence over the sync rules. For a document, also applies them (or its
   * file's groups again) at once, bumping the generation when they changed.
   */
  setAccessOverride(kind: 'file' | 'document', target: string, groups: readonly string[] | null): void {
    const transaction = this.database.transaction(() => {
      if (groups === null) this.database.prepare('DELETE FROM access_overrides WHERE kind = ? AND target = ?').run(kind, target);
      else {
        this.database
          .prepare('INSERT INTO access_overrides (kind, target, groups) VALUES (?, ?, ?) ON CONFLICT(kind, target) DO UPDATE SET groups = excluded.groups')
          .run(kind, target, JSON.stringify(groups));
      }
      if (kind === 'document') {
        const changed = this.database
          .prepare(
            `UPDATE documents SET access_groups = COALESCE(?, (SELECT access_groups FROM source_files WHERE path = documents.source_path), '[]')
             WHERE id = ? AND access_groups != COALESCE(?, (SELECT access_groups FROM source_files WHERE path = documents.source_path), '[]')`,
          )
          .run(groups === null ? null : JSON.stringify(groups), target, groups === null ? null : JSON.stringify(groups)).changes;
        if (changed > 0) this.bumpGeneration();
      }
    });
    transaction.immediate();
  }

  /** Source file path → the groups an upload or admin gave it. */
  fileAccessOverrides(): Map<string, string[]> {
    const rows = this.database.prepare("SELECT target, groups FROM access_overrides WHERE kind = 'file'").all() as Array<{ target: string; groups: string }>;
    return new Map(rows.map((row) => [row.target, JSON.parse(row.groups) as string[]]));
  }

  /** A document's source file and access groups, or undefined when there is no such document. */
  documentAccess(documentId: string): { sourcePath: string; groups: string[] } | undefined {
    const row = this.database.prepare('SELECT source_path AS sourcePath, access_groups AS groups FROM documents WHERE id = ?').get(documentId) as
      | { sourcePath: string; groups: string }
      | undefined;
    return row === undefined ? undefined : { sourcePath: row.sourcePath, groups: JSON.parse(row.groups) as string[] };
  }

  /** Each chunk of a document that has access groups, with those groups (JSON, as stored). */
  *iterateRestrictedChunks(): IterableIterator<{ chunkId: string; groups: string }> {
    const statement = this.database.prepare(
      "SELECT c.id AS chunkId, d.access_groups AS groups FROM chunks c JOIN documents d ON d.id = c.document_id WHERE d.access_groups != '[]'",
    );
    yield* statement.iterate() as IterableIterator<{ chunkId: string; groups: string }>;
  }

  /** Documents readable under `access` (all without it), in path then id order. */
  documents(options: { access?: AccessFilter; offset?: number; limit?: number } = {}): DocumentSummary[] {
    const readable = readableClause(options.access);
    const rows = this.database
      .prepare(
        `SELECT d.id, d.source_path, d.row_key, d.format, d.title, d.access_groups, LENGTH(d.text) AS characters,
           (SELECT COUNT(*) FROM chunks c WHERE c.document_id = d.id) AS chunks
         FROM documents d WHERE ${readable.sql} ORDER BY d.source_path, d.id LIMIT ? OFFSET ?`,
      )
      .all(...readable.params, options.limit ?? -1, options.offset ?? 0) as Array<Record<string, unknown>>;
    return rows.map((row) => ({
      id: String(row['id']),
      path: String(row['source_path']),
      ...(row['row_key'] == null ? {} : { rowKey: String(row['row_key']) }),
      format: row['format'] as SourceFormat,
      title: String(row['title']),
      characters: Number(row['characters']),
      chunks: Number(row['chunks']),
      // A caller sees only the groups it holds: the others' names are no business of its.
      groups: (JSON.parse(String(row['access_groups'])) as string[]).filter((group) => options.access === undefined || options.access.groups.includes(group)),
    }));
  }

  /**
   * How many documents carry groups, and how many carry each group; under `access`, only among the
   * documents it may read, and only the groups it holds.
   */
  accessSummary(access?: AccessFilter): { restrictedDocuments: number; documentsByGroup: Record<string, number> } {
    const readable = readableClause(access);
    const restricted = this.database.prepare(`SELECT COUNT(*) AS n FROM documents d WHERE d.access_groups != '[]' AND ${readable.sql}`).get(...readable.params) as { n: number };
    const rows = this.database
      .prepare(`SELECT g.value AS name, COUNT(*) AS n FROM documents d, json_each(d.access_groups) g WHERE ${readable.sql} GROUP BY g.value ORDER BY g.value`)
      .all(...readable.params) as Array<{ name: string; n: number }>;
    const documentsByGroup: Record<string, number> = {};
    for (const row of rows) if (access === undefined || access.groups.includes(row.name)) documentsByGroup[row.name] = row.n;
    return { restrictedDocuments: restricted.n, documentsByGroup };
  }

  /** Chunk text hashes that have no embedding yet for `modelId` (unique; unchanged chunks reuse theirs). */
  textsMissingEmbeddings(modelId: string): Array<{ textHash: string; text: string }> {
    return this.database
      .prepare(
        `SELECT c.text_hash AS textHash, MIN(c.text) AS text FROM chunks c
         LEFT JOIN embeddings e ON e.model_id = ? AND e.text_hash = c.text_hash
         WHERE e.text_hash IS NULL GROUP BY c.text_hash ORDER BY c.text_hash`,
      )
      .all(modelId) as Array<{ textHash: string; text: string }>;
  }

  saveEmbeddings(modelId: string, items: Array<{ textHash: string; vector: Float32Array }>): void {
    const insert = this.database.prepare('INSERT OR REPLACE INTO embeddings (model_id, text_hash, vector) VALUES (?, ?, ?)');
    const transaction = this.database.transaction(() => {
      for (const item of items) insert.run(modelId, item.textHash, Buffer.from(item.vector.buffer, item.vector.byteOffset, item.vector.byteLength));
    });
    transaction.immediate();
  }

  /** Chunk id → embedding, for every chunk that has one under `modelId`. */
  *iterateChunkEmbeddings(modelId: string): IterableIterator<{ chunkId: string; vector: Float32Array }> {
    const statement = this.database.prepare(
      'SELECT c.id AS chunkId, e.vector AS vector FROM chunks c JOIN embeddings e ON e.model_id = ? AND e.text_hash = c.text_hash ORDER BY c.id',
    );
    for (const row of statement.iterate(modelId) as IterableIterator<{ chunkId: string; vector: Buffer }>) {
      const copy = new Uint8Array(row.vector);
      yield { chunkId: row.chunkId, vector: new Float32Array(copy.buffer, 0, copy.byteLength / 4) };
    }
  }

  /** Drops cached embeddings no chunk refers to any more. */
  pruneEmbeddings(): number {
    return this.database.prepare('DELETE FROM embeddings WHERE text_hash NOT IN (SELECT text_hash FROM chunks)').run().changes;
  }

  /**
   * What the store holds; under `access`, only what that caller may read: its readable documents,
   * their chunks and characters, the source files that gave them, and the embeddings of their
   * chunks. A failed file has no readable document, so it counts only without `access`.
   */
  counts(access?: AccessFilter): StoreCounts {
    const one = (sql: string, params: unknown[] = []): number => Number((this.database.prepare(sql).get(...params) as { n: number | null }).n ?? 0);
    if (access === undefined) {
      return {
        sourceFiles: one('SELECT COUNT(*) AS n FROM source_files'),
        failedFiles: one("SELECT COUNT(*) AS n FROM source_files WHERE status = 'failed'"),
        documents: one('SELECT COUNT(*) AS n FROM documents'),
        chunks: one('SELECT COUNT(*) AS n FROM chunks'),
        characters: one('SELECT SUM(LENGTH(text)) AS n FROM documents'),
        embeddings: one('SELECT COUNT(*) AS n FROM embeddings'),
      };
    }
    const readable = readableClause(access);
    return {
      sourceFiles: one(`SELECT COUNT(DISTINCT d.source_path) AS n FROM documents d WHERE ${readable.sql}`, readable.params),
      failedFiles: 0,
      documents: one(`SELECT COUNT(*) AS n FROM documents d WHERE ${readable.sql}`, readable.params),
      chunks: one(`SELECT COUNT(*) AS n FROM chunks c JOIN documents d ON d.id = c.document_id WHERE ${readable.sql}`, readable.params),
      characters: one(`SELECT SUM(LENGTH(d.text)) AS n FROM documents d WHERE ${readable.sql}`, readable.params),
      embeddings: one(
        `SELECT COUNT(*) AS n FROM embeddings e WHERE e.text_hash IN
           (SELECT c.text_hash FROM chunks c JOIN documents d ON d.id = c.document_id WHERE ${readable.sql})`,
        readable.params,
      ),
    };
  }

  startRun(): number {
    return Number(this.database.prepare("INSERT INTO ingest_runs (started_at, status) VALUES (?, 'running')").run(new Date().toISOString()).lastInsertRowid);
  }

  /** `refused`: the run stopped before changing anything (the mass-removal guard). */
  finishRun(id: number, status: 'completed' | 'completed-with-errors' | 'refused', counters: unknown): void {
    this.database.prepare('UPDATE ingest_runs SET finished_at = ?, status = ?, counters = ? WHERE id = ?').run(new Date().toISOString(), status, JSON.stringify(counters), id);
  }

  /** The most recent ingest runs, newest first; a run left `running` was interrupted. */
  recentRuns(limit = 5): IngestRun[] {
    const rows = this.database.prepare('SELECT * FROM ingest_runs ORDER BY id DESC LIMIT ?').all(limit) as Array<Record<string, unknown>>;
    return rows.map((row) => ({
      id: Number(row['id']),
      startedAt: String(row['started_at']),
      finishedAt: (row['finished_at'] as string | null) ?? null,
      status: String(row['status']),
      counters: row['counters'] ? JSON.parse(String(row['counters'])) : null,
    }));
  }
}

/** SQL over `documents d` that keeps the documents `access` may read: those without groups or sharing one. */
function readableClause(access: AccessFilter | undefined): { sql: string; params: unknown[] } {
  if (access === undefined) return { sql: '1', params: [] };
  return {
    sql: "(d.access_groups = '[]' OR EXISTS (SELECT 1 FROM json_each(d.access_groups) g WHERE g.value IN (SELECT value FROM json_each(?))))",
    params: [JSON.stringify(access.groups)],
  };
}

function toSourceFileRow(row: Record<string, unknown>): SourceFileRow {
  return {
    path: String(row['path']),
    root: String(row['root']),
    relativePath: String(row['relative_path']),
    format: row['format'] as SourceFormat,
    size: Number(row['size']),
    mtimeMs: Number(row['mtime_ms']),
    fileHash: (row['file_hash'] as string | null) ?? null,
    status: row['status'] as 'indexed' | 'failed',
    errorCode: (row['error_code'] as string | null) ?? null,
    errorMessage: (row['error_message'] as string | null) ?? null,
    documentCount: Number(row['document_count']),
    accessGroups: JSON.parse(String(row['access_groups'] ?? '[]')) as string[],
  };
}

function toStoredChunk(row: Record<string, unknown>): StoredChunk {
  return {
    chunk: {
      id: String(row['id']),
      documentId: String(row['document_id']),
      index: Number(row['ordinal']),
      text: String(row['text']),
      headingPath: JSON.parse(String(row['heading_path'])) as string[],
      start: Number(row['start_offset']),
      end: Number(row['end_offset']),
      tokenCount: Number(row['token_count']),
    },
    documentPath: String(row['document_path']),
    documentTitle: String(row['document_title']),
    ...(row['document_row_key'] == null ? {} : { documentRowKey: String(row['document_row_key']) }),
    documentGroups: JSON.parse(String(row['document_groups'] ?? '[]')) as string[],
    textHash: String(row['text_hash']),
  };
}

/**
 * The SQLite database under a store, for the features that keep their own tables beside the
 * knowledge base's and have no PostgreSQL implementation yet (the knowledge graph).
 * @throws HangjiaError `E_STORE_UNSUPPORTED` naming the feature and the setting, under PostgreSQL.
 */
export function sqliteDatabaseOf(store: KnowledgeBaseStore, feature: string): Database.Database {
  if (store instanceof SqliteKnowledgeBaseStore) return store.database;
  throw new HangjiaError(
    'E_STORE_UNSUPPORTED',
    `${feature} is not available with the PostgreSQL store yet. Unset store.url (or HANGJIA_STORE_URL) to use it with the default SQLite store.`,
    { details: { feature, setting: 'store.url' } },
  );
}
