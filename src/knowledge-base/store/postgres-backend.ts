import type pg from 'pg';
import type { AccessFilter } from '../../access/index.js';
import type { SourceFormat } from '../../documents/index.js';
import { HangjiaError } from '../../errors/index.js';
import type {
  DocumentSummary,
  DocumentWithChunks,
  IngestRun,
  SourceFileBatchInput,
  SourceFileInput,
  SourceFileRow,
  StoreCounts,
  StoredChunk,
  StoredDocument,
} from './knowledge-base-store.js';
import { connectError, connectPostgresStore, isConnectionLost, parsePostgresStoreUrl, type PostgresStoreAddress } from './postgres-connection.js';

/** How to open one knowledge base in a PostgreSQL store. */
export interface PostgresStoreOptions {
  /** `postgres://user@host:port/database?schema=name` (`store.url`). */
  url: string;
  /** The knowledge base's name: its rows carry it in their `kb` column. */
  knowledgeBase: string;
  /** Registers the knowledge base when the database does not have it yet; otherwise it must exist. */
  create?: boolean;
  /** Every transaction read-only: writes fail in PostgreSQL itself. */
  readOnly?: boolean;
}

/** The channel replicas `LISTEN` on; the payload is `<kb>:<seq>` of the committed change. */
export const CHANGES_CHANNEL = 'hangjia_changes';

/** Rows per page when an iterator reads through the store (each page is one round trip). */
export const POSTGRES_PAGE_SIZE = 2000;

type Queryable = Pick<pg.Client, 'query'>;

/**
 * The knowledge-base store over PostgreSQL, asynchronous: the same methods as
 * `KnowledgeBaseStore` with the same transaction boundaries, each write one transaction that
 * locks the knowledge base's row (writers of one knowledge base take turns, as SQLite's
 * `BEGIN IMMEDIATE` makes them), and each generation bump recorded in `changes` and announced
 * with `NOTIFY hangjia_changes`. Iterators become pages (`chunksPage`…). Used directly by async
 * code (replicas, the job queue) and, through a worker thread, by `PostgresKnowledgeBaseStore`.
 */
export class PostgresStoreBackend {
  readonly knowledgeBase: string;
  readonly readOnly: boolean;
  private readonly address: PostgresStoreAddress;
  private client: pg.Client | undefined;
  /** Inside `pinSnapshot`: one open REPEATABLE READ transaction that every read goes through. */
  private pinned = false;

  private constructor(address: PostgresStoreAddress, client: pg.Client, options: PostgresStoreOptions) {
    this.address = address;
    this.client = client;
    this.knowledgeBase = options.knowledgeBase;
    this.readOnly = options.readOnly ?? false;
  }

  /**
   * Connects (migrating the schema when needed) and finds, or with `create` registers, the
   * knowledge base.
   * @throws HangjiaError `E_STORE_CONNECT`, `E_STORE_VERSION`, `E_KB_NOT_FOUND`.
   */
  static async open(options: PostgresStoreOptions): Promise<PostgresStoreBackend> {
    const address = parsePostgresStoreUrl(options.url);
    const client = await connectPostgresStore(address, { readOnly: options.readOnly ?? false });
    const backend = new PostgresStoreBackend(address, client, options);
    try {
      if (options.create) await client.query('INSERT INTO knowledge_bases (name) VALUES ($1) ON CONFLICT (name) DO NOTHING', [options.knowledgeBase]);
      const found = await client.query('SELECT 1 FROM knowledge_bases WHERE name = $1', [options.knowledgeBase]);
      if (found.rowCount === 0) {
        throw new HangjiaError('E_KB_NOT_FOUND', `Knowledge base "${options.knowledgeBase}" does not exist in the PostgreSQL store at ${address.where} (schema "${address.schema}").`, {
          details: { name: options.knowledgeBase, host: address.where, schema: address.schema },
        });
      }
    } catch (error) {
      await backend.close();
      throw error;
    }
    return backend;
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  // ---- meta and generation ------------------------------------------------------------------

  async getMeta(key: string): Promise<string | undefined> {
    const { rows } = await this.query<{ value: string }>('SELECT value FROM kb_meta WHERE kb = $1 AND key = $2', [this.knowledgeBase, key]);
    return rows[0]?.value;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.transaction((client) => this.writeMeta(client, key, value));
  }

  async setMetaEntries(entries: Record<string, string>): Promise<void> {
    await this.transaction(async (client) => {
      for (const [key, value] of Object.entries(entries)) await this.writeMeta(client, key, value);
    });
  }

  /** `settings` is also kept as jsonb on `knowledge_bases`, where listings and operators read it. */
  private async writeMeta(client: Queryable, key: string, value: string): Promise<void> {
    await client.query('INSERT INTO kb_meta (kb, key, value) VALUES ($1, $2, $3) ON CONFLICT (kb, key) DO UPDATE SET value = excluded.value', [this.knowledgeBase, key, value]);
    if (key === 'settings') await client.query('UPDATE knowledge_bases SET settings = $2::jsonb WHERE name = $1', [this.knowledgeBase, value]);
  }

  async generation(): Promise<number> {
    const { rows } = await this.query<{ generation: string }>('SELECT generation FROM knowledge_bases WHERE name = $1', [this.knowledgeBase]);
    return Number(rows[0]?.generation ?? 0);
  }

  /** The newest change-log position of this knowledge base (0 when none). */
  async latestChange(): Promise<number> {
    const { rows } = await this.query<{ seq: string | null }>('SELECT MAX(seq) AS seq FROM changes WHERE kb = $1', [this.knowledgeBase]);
    return Number(rows[0]?.seq ?? 0);
  }

  async pinSnapshot(): Promise<void> {
    if (this.pinned) return;
    await this.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    this.pinned = true;
    // The snapshot is taken at the first statement, not at BEGIN.
    await this.generation();
  }

  async releaseSnapshot(): Promise<void> {
    if (!this.pinned) return;
    this.pinned = false;
    await this.query('COMMIT');
  }

  // ---- source files and their documents ------------------------------------------------------

  async sourceFiles(): Promise<SourceFileRow[]> {
    const { rows } = await this.query('SELECT * FROM source_files WHERE kb = $1 ORDER BY path', [this.knowledgeBase]);
    return rows.map(toSourceFileRow);
  }

  async replaceSourceFile(file: SourceFileInput, documents: DocumentWithChunks[], accessGroups: readonly string[] = []): Promise<void> {
    await this.transaction(async (client) => {
      await this.lockKnowledgeBase(client);
      await client.query('DELETE FROM documents WHERE kb = $1 AND source_path = $2', [this.knowledgeBase, file.path]);
      await client.query('DELETE FROM partial_files WHERE kb = $1 AND path = $2', [this.knowledgeBase, file.path]);
      await this.upsertSourceFile(client, { ...file, status: 'indexed', errorCode: null, errorMessage: null, documentCount: documents.length });
      await client.query('UPDATE source_files SET access_groups = $3::jsonb WHERE kb = $1 AND path = $2', [this.knowledgeBase, file.path, JSON.stringify(accessGroups)]);
      await this.insertDocuments(client, file.path, documents, accessGroups);
      await this.bumpGeneration(client, 'replace', [file.path]);
    });
  }

  async partialFiles(): Promise<Map<string, { fileHash: string; documentsDone: number }>> {
    const { rows } = await this.query<{ path: string; file_hash: string; documents_done: number }>('SELECT path, file_hash, documents_done FROM partial_files WHERE kb = $1', [this.knowledgeBase]);
    return new Map(rows.map((row) => [row.path, { fileHash: row.file_hash, documentsDone: row.documents_done }]));
  }

  async writeSourceFileBatch(file: SourceFileBatchInput, documents: DocumentWithChunks[], position: { documentsDone: number; last: boolean }, accessGroups: readonly string[] = []): Promise<void> {
    await this.transaction(async (client) => {
      await this.lockKnowledgeBase(client);
      if (position.documentsDone === 0) await client.query('DELETE FROM documents WHERE kb = $1 AND source_path = $2', [this.knowledgeBase, file.path]);
      const documentCount = position.documentsDone + documents.length;
      await this.upsertSourceFile(client, { ...file, status: 'indexed', errorCode: null, errorMessage: null, documentCount });
      await client.query('UPDATE source_files SET access_groups = $3::jsonb WHERE kb = $1 AND path = $2', [this.knowledgeBase, file.path, JSON.stringify(accessGroups)]);
      await this.insertDocuments(client, file.path, documents, accessGroups);
      if (position.last) {
        await client.query('DELETE FROM partial_files WHERE kb = $1 AND path = $2', [this.knowledgeBase, file.path]);
      } else {
        await client.query(
          `INSERT INTO partial_files (kb, path, file_hash, documents_done) VALUES ($1, $2, $3, $4)
           ON CONFLICT (kb, path) DO UPDATE SET file_hash = excluded.file_hash, documents_done = excluded.documents_done`,
          [this.knowledgeBase, file.path, file.fileHash, documentCount],
        );
      }
      await this.bumpGeneration(client, 'batch', [file.path]);
    });
  }

  async discardPartialFile(path: string): Promise<void> {
    await this.transaction(async (client) => {
      await this.lockKnowledgeBase(client);
      const removed = await client.query('DELETE FROM partial_files WHERE kb = $1 AND path = $2', [this.knowledgeBase, path]);
      if (removed.rowCount === 0) return;
      await client.query('DELETE FROM documents WHERE kb = $1 AND source_path = $2', [this.knowledgeBase, path]);
      await client.query('UPDATE source_files SET document_count = 0 WHERE kb = $1 AND path = $2', [this.knowledgeBase, path]);
      await this.bumpGeneration(client, 'discard', [path]);
    });
  }

  async markSourceFileFailed(file: Omit<SourceFileRow, 'status' | 'documentCount'>): Promise<void> {
    await this.transaction(async (client) => {
      const { rows } = await client.query<{ document_count: number }>('SELECT document_count FROM source_files WHERE kb = $1 AND path = $2', [this.knowledgeBase, file.path]);
      await this.upsertSourceFile(client, { ...file, status: 'failed', documentCount: rows[0]?.document_count ?? 0 });
    });
  }

  async touchSourceFile(path: string, mtimeMs: number, size: number): Promise<void> {
    await this.query('UPDATE source_files SET mtime_ms = $3, size = $4 WHERE kb = $1 AND path = $2', [this.knowledgeBase, path, mtimeMs, size]);
  }

  async removeSourceFiles(paths: string[]): Promise<void> {
    if (paths.length === 0) return;
    await this.transaction(async (client) => {
      await this.lockKnowledgeBase(client);
      await client.query('DELETE FROM source_files WHERE kb = $1 AND path = ANY($2::text[])', [this.knowledgeBase, paths]);
      await this.bumpGeneration(client, 'remove', paths);
    });
  }

  private async upsertSourceFile(client: Queryable, row: SourceFileRow): Promise<void> {
    await client.query(
      `INSERT INTO source_files (kb, path, root, relative_path, format, size, mtime_ms, file_hash, status, error_code, error_message, document_count, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT (kb, path) DO UPDATE SET root = excluded.root, relative_path = excluded.relative_path, format = excluded.format,
         size = excluded.size, mtime_ms = excluded.mtime_ms, file_hash = COALESCE(excluded.file_hash, source_files.file_hash),
         status = excluded.status, error_code = excluded.error_code, error_message = excluded.error_message,
         document_count = excluded.document_count, updated_at = excluded.updated_at`,
      [
        this.knowledgeBase,
        row.path,
        row.root,
        row.relativePath,
        row.format,
        row.size,
        row.mtimeMs,
        row.fileHash,
        row.status,
        row.errorCode,
        row.errorMessage,
        row.documentCount,
        new Date().toISOString(),
      ],
    );
  }

  /** All of a batch's documents and chunks in two statements (arrays unnested), not one round trip per row. */
  private async insertDocuments(client: Queryable, path: string, documents: DocumentWithChunks[], accessGroups: readonly string[]): Promise<void> {
    if (documents.length === 0) return;
    const ids = documents.map(({ document }) => document.id);
    const seen = new Set<string>();
    for (const id of ids) {
      if (seen.has(id)) throw documentIdConflict(path, id, path);
      seen.add(id);
    }
    const { rows: owners } = await client.query<{ id: string; source_path: string }>('SELECT id, source_path FROM documents WHERE kb = $1 AND id = ANY($2::text[]) LIMIT 1', [
      this.knowledgeBase,
      ids,
    ]);
    if (owners[0] !== undefined) throw documentIdConflict(path, owners[0].id, owners[0].source_path);
    await client.query(
      `INSERT INTO documents (kb, id, source_path, row_key, format, title, text, content_hash, encoding, metadata, access_groups)
       SELECT $1, d.id, $2, d.row_key, d.format, d.title, d.text, d.content_hash, d.encoding, d.metadata::jsonb, COALESCE(o.groups, $3::jsonb)
       FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])
         AS d(id, row_key, format, title, text, content_hash, encoding, metadata)
       LEFT JOIN access_overrides o ON o.kb = $1 AND o.kind = 'document' AND o.target = d.id`,
      [
        this.knowledgeBase,
        path,
        JSON.stringify(accessGroups),
        ids,
        documents.map(({ document }) => document.rowKey ?? null),
        documents.map(({ document }) => document.format),
        documents.map(({ document }) => document.title),
        documents.map(({ document }) => document.text),
        documents.map(({ document }) => document.contentHash),
        documents.map(({ document }) => document.encoding ?? null),
        documents.map(({ document }) => JSON.stringify(document.metadata ?? {})),
      ],
    );
    const chunks = documents.flatMap((document) => document.chunks);
    if (chunks.length === 0) return;
    await client.query(
      `INSERT INTO chunks (kb, id, document_id, ordinal, text, heading_path, start_offset, end_offset, token_count, text_hash)
       SELECT $1, c.id, c.document_id, c.ordinal, c.text, c.heading_path::jsonb, c.start_offset, c.end_offset, c.token_count, c.text_hash
       FROM unnest($2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::int[], $8::int[], $9::int[], $10::text[])
         AS c(id, document_id, ordinal, text, heading_path, start_offset, end_offset, token_count, text_hash)`,
      [
        this.knowledgeBase,
        chunks.map(({ chunk }) => chunk.id),
        chunks.map(({ chunk }) => chunk.documentId),
        chunks.map(({ chunk }) => chunk.index),
        chunks.map(({ chunk }) => chunk.text),
        chunks.map(({ chunk }) => JSON.stringify(chunk.headingPath)),
        chunks.map(({ chunk }) => chunk.start),
        chunks.map(({ chunk }) => chunk.end),
        chunks.map(({ chunk }) => chunk.tokenCount),
        chunks.map(({ textHash }) => textHash),
      ],
    );
  }

  // ---- chunks and documents read back --------------------------------------------------------

  /** Up to `limit` chunks in document order after `after` (a chunk's document id and ordinal; none: from the start). */
  async chunksPage(after: { documentId: string; ordinal: number } | null, limit = POSTGRES_PAGE_SIZE): Promise<StoredChunk[]> {
    const { rows } = await this.query(
      `${CHUNK_SELECT} WHERE c.kb = $1 AND ($2::text IS NULL OR (c.document_id, c.ordinal) > ($2::text, $3::int))
       ORDER BY c.document_id, c.ordinal LIMIT $4`,
      [this.knowledgeBase, after?.documentId ?? null, after?.ordinal ?? 0, limit],
    );
    return rows.map(toStoredChunk);
  }

  async rowKeys(): Promise<string[]> {
    const { rows } = await this.query<{ row_key: string }>('SELECT row_key FROM documents WHERE kb = $1 AND row_key IS NOT NULL', [this.knowledgeBase]);
    return rows.map((row) => row.row_key);
  }

  async chunksByIds(ids: string[]): Promise<Map<string, StoredChunk>> {
    const found = new Map<string, StoredChunk>();
    if (ids.length === 0) return found;
    const { rows } = await this.query(`${CHUNK_SELECT} WHERE c.kb = $1 AND c.id = ANY($2::text[])`, [this.knowledgeBase, ids]);
    for (const row of rows) {
      const stored = toStoredChunk(row);
      found.set(stored.chunk.id, stored);
    }
    return found;
  }

  async chunksOfDocument(documentId: string): Promise<StoredChunk[]> {
    const { rows } = await this.query(`${CHUNK_SELECT} WHERE c.kb = $1 AND c.document_id = $2 ORDER BY c.ordinal`, [this.knowledgeBase, documentId]);
    // As SQLite's: the chunks of one document as read for display carry no groups.
    return rows.map((row) => ({ ...toStoredChunk(row), documentGroups: [] }));
  }

  async readDocument(documentId: string): Promise<StoredDocument | undefined> {
    const { rows } = await this.query(
      `SELECT d.id, d.title, d.source_path, d.row_key, d.format, LENGTH(d.text) AS characters, d.text,
              (SELECT COUNT(*) FROM chunks c WHERE c.kb = d.kb AND c.document_id = d.id) AS chunks
       FROM documents d WHERE d.kb = $1 AND d.id = $2`,
      [this.knowledgeBase, documentId],
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    const chunks = await this.query(`${CHUNK_SELECT} WHERE c.kb = $1 AND c.document_id = $2 ORDER BY c.ordinal`, [this.knowledgeBase, documentId]);
    const document: Omit<DocumentSummary, 'groups'> = {
      id: String(row['id']),
      title: String(row['title']),
      path: String(row['source_path']),
      format: row['format'] as SourceFormat,
      characters: Number(row['characters']),
      chunks: Number(row['chunks']),
      ...(row['row_key'] == null ? {} : { rowKey: String(row['row_key']) }),
    };
    return { document, text: String(row['text']), chunks: chunks.rows.map(toStoredChunk) };
  }

  // ---- access groups -------------------------------------------------------------------------

  async applySourceFileGroups(path: string, groups: readonly string[]): Promise<number> {
    const encoded = JSON.stringify(groups);
    return this.transaction(async (client) => {
      await this.lockKnowledgeBase(client);
      await client.query('UPDATE source_files SET access_groups = $3::jsonb WHERE kb = $1 AND path = $2', [this.knowledgeBase, path, encoded]);
      const updated = await client.query(
        `UPDATE documents SET access_groups = $3::jsonb WHERE kb = $1 AND source_path = $2 AND access_groups <> $3::jsonb
         AND id NOT IN (SELECT target FROM access_overrides WHERE kb = $1 AND kind = 'document')`,
        [this.knowledgeBase, path, encoded],
      );
      const changed = updated.rowCount ?? 0;
      if (changed > 0) await this.bumpGeneration(client, 'groups', [path]);
      return changed;
    });
  }

  async setAccessOverride(kind: 'file' | 'document', target: string, groups: readonly string[] | null): Promise<void> {
    await this.transaction(async (client) => {
      await this.lockKnowledgeBase(client);
      if (groups === null) await client.query('DELETE FROM access_overrides WHERE kb = $1 AND kind = $2 AND target = $3', [this.knowledgeBase, kind, target]);
      else {
        await client.query(
          'INSERT INTO access_overrides (kb, kind, target, groups) VALUES ($1, $2, $3, $4::jsonb) ON CONFLICT (kb, kind, target) DO UPDATE SET groups = excluded.groups',
          [this.knowledgeBase, kind, target, JSON.stringify(groups)],
        );
      }
      if (kind !== 'document') return;
      const updated = await client.query(
        `UPDATE documents d SET access_groups = wanted.groups
         FROM (SELECT COALESCE($3::jsonb, (SELECT s.access_groups FROM source_files s JOIN documents x ON s.kb = x.kb AND s.path = x.source_path WHERE x.kb = $1 AND x.id = $2), '[]'::jsonb) AS groups) wanted
         WHERE d.kb = $1 AND d.id = $2 AND d.access_groups <> wanted.groups
         RETURNING d.source_path`,
        [this.knowledgeBase, target, groups === null ? null : JSON.stringify(groups)],
      );
      if ((updated.rowCount ?? 0) > 0) await this.bumpGeneration(client, 'override', updated.rows.map((row: { source_path: string }) => row.source_path));
    });
  }

  async fileAccessOverrides(): Promise<Map<string, string[]>> {
    const { rows } = await this.query<{ target: string; groups: string[] }>("SELECT target, groups FROM access_overrides WHERE kb = $1 AND kind = 'file'", [this.knowledgeBase]);
    return new Map(rows.map((row) => [row.target, row.groups]));
  }

  async documentAccess(documentId: string): Promise<{ sourcePath: string; groups: string[] } | undefined> {
    const { rows } = await this.query<{ source_path: string; access_groups: string[] }>('SELECT source_path, access_groups FROM documents WHERE kb = $1 AND id = $2', [
      this.knowledgeBase,
      documentId,
    ]);
    return rows[0] === undefined ? undefined : { sourcePath: rows[0].source_path, groups: rows[0].access_groups };
  }

  /** Up to `limit` restricted chunks after chunk id `after`, in chunk id order; groups as JSON text, as SQLite stores them. */
  async restrictedChunksPage(after: string | null, limit = POSTGRES_PAGE_SIZE): Promise<Array<{ chunkId: string; groups: string }>> {
    const { rows } = await this.query<{ id: string; access_groups: string[] }>(
      `SELECT c.id, d.access_groups FROM chunks c JOIN documents d ON d.kb = c.kb AND d.id = c.document_id
       WHERE c.kb = $1 AND d.access_groups <> '[]'::jsonb AND ($2::text IS NULL OR c.id > $2::text) ORDER BY c.id LIMIT $3`,
      [this.knowledgeBase, after, limit],
    );
    return rows.map((row) => ({ chunkId: row.id, groups: JSON.stringify(row.access_groups) }));
  }

  async documents(options: { access?: AccessFilter; offset?: number; limit?: number } = {}): Promise<DocumentSummary[]> {
    const readable = readableClause(options.access, 4);
    const { rows } = await this.query(
      `SELECT d.id, d.source_path, d.row_key, d.format, d.title, d.access_groups, LENGTH(d.text) AS characters,
         (SELECT COUNT(*) FROM chunks c WHERE c.kb = d.kb AND c.document_id = d.id) AS chunks
       FROM documents d WHERE d.kb = $1 AND ${readable.sql} ORDER BY d.source_path, d.id LIMIT $2 OFFSET $3`,
      [this.knowledgeBase, options.limit ?? null, options.offset ?? 0, ...readable.params],
    );
    return rows.map((row) => ({
      id: String(row['id']),
      path: String(row['source_path']),
      ...(row['row_key'] == null ? {} : { rowKey: String(row['row_key']) }),
      format: row['format'] as SourceFormat,
      title: String(row['title']),
      characters: Number(row['characters']),
      chunks: Number(row['chunks']),
      // A caller sees only the groups it holds: the others' names are no business of its.
      groups: (row['access_groups'] as string[]).filter((group) => options.access === undefined || options.access.groups.includes(group)),
    }));
  }

  async accessSummary(access?: AccessFilter): Promise<{ restrictedDocuments: number; documentsByGroup: Record<string, number> }> {
    const readable = readableClause(access, 2);
    const restricted = await this.query<{ n: string }>(`SELECT COUNT(*) AS n FROM documents d WHERE d.kb = $1 AND d.access_groups <> '[]'::jsonb AND ${readable.sql}`, [
      this.knowledgeBase,
      ...readable.params,
    ]);
    const { rows } = await this.query<{ name: string; n: string }>(
      `SELECT g.name, COUNT(*) AS n FROM documents d, jsonb_array_elements_text(d.access_groups) AS g(name)
       WHERE d.kb = $1 AND ${readable.sql} GROUP BY g.name ORDER BY g.name COLLATE "C"`,
      [this.knowledgeBase, ...readable.params],
    );
    const documentsByGroup: Record<string, number> = {};
    for (const row of rows) if (access === undefined || access.groups.includes(row.name)) documentsByGroup[row.name] = Number(row.n);
    return { restrictedDocuments: Number(restricted.rows[0]!.n), documentsByGroup };
  }

  // ---- embeddings ----------------------------------------------------------------------------

  async textsMissingEmbeddings(modelId: string): Promise<Array<{ textHash: string; text: string }>> {
    const { rows } = await this.query<{ text_hash: string; text: string }>(
      `SELECT c.text_hash, MIN(c.text) AS text FROM chunks c
       LEFT JOIN embeddings e ON e.kb = c.kb AND e.model_id = $2 AND e.text_hash = c.text_hash
       WHERE c.kb = $1 AND e.text_hash IS NULL GROUP BY c.text_hash ORDER BY c.text_hash`,
      [this.knowledgeBase, modelId],
    );
    return rows.map((row) => ({ textHash: row.text_hash, text: row.text }));
  }

  async saveEmbeddings(modelId: string, items: Array<{ textHash: string; vector: Float32Array }>): Promise<void> {
    if (items.length === 0) return;
    await this.transaction(async (client) => {
      await client.query(
        `INSERT INTO embeddings (kb, model_id, text_hash, vector) SELECT $1, $2, e.text_hash, e.vector FROM unnest($3::text[], $4::bytea[]) AS e(text_hash, vector)
         ON CONFLICT (kb, model_id, text_hash) DO UPDATE SET vector = excluded.vector`,
        [this.knowledgeBase, modelId, items.map((item) => item.textHash), items.map((item) => Buffer.from(item.vector.buffer, item.vector.byteOffset, item.vector.byteLength))],
      );
    });
  }

  /** Up to `limit` chunk embeddings after chunk id `after`, in chunk id order. */
  async chunkEmbeddingsPage(modelId: string, after: string | null, limit = POSTGRES_PAGE_SIZE): Promise<Array<{ chunkId: string; vector: Float32Array }>> {
    const { rows } = await this.query<{ id: string; vector: Buffer }>(
      `SELECT c.id, e.vector FROM chunks c JOIN embeddings e ON e.kb = c.kb AND e.model_id = $2 AND e.text_hash = c.text_hash
       WHERE c.kb = $1 AND ($3::text IS NULL OR c.id > $3::text) ORDER BY c.id LIMIT $4`,
      [this.knowledgeBase, modelId, after, limit],
    );
    return rows.map((row) => {
      const copy = new Uint8Array(row.vector);
      return { chunkId: row.id, vector: new Float32Array(copy.buffer, 0, copy.byteLength / 4) };
    });
  }

  async pruneEmbeddings(): Promise<number> {
    const removed = await this.query('DELETE FROM embeddings e WHERE e.kb = $1 AND NOT EXISTS (SELECT 1 FROM chunks c WHERE c.kb = $1 AND c.text_hash = e.text_hash)', [
      this.knowledgeBase,
    ]);
    return removed.rowCount ?? 0;
  }

  // ---- counts and runs -----------------------------------------------------------------------

  async counts(access?: AccessFilter): Promise<StoreCounts> {
    if (access === undefined) {
      const { rows } = await this.query<Record<string, string | null>>(
        `SELECT (SELECT COUNT(*) FROM source_files WHERE kb = $1) AS source_files,
                (SELECT COUNT(*) FROM source_files WHERE kb = $1 AND status = 'failed') AS failed_files,
                (SELECT COUNT(*) FROM documents WHERE kb = $1) AS documents,
                (SELECT COUNT(*) FROM chunks WHERE kb = $1) AS chunks,
                (SELECT SUM(LENGTH(text)) FROM documents WHERE kb = $1) AS characters,
                (SELECT COUNT(*) FROM embeddings WHERE kb = $1) AS embeddings`,
        [this.knowledgeBase],
      );
      return toCounts(rows[0]!);
    }
    const readable = readableClause(access, 2);
    const { rows } = await this.query<Record<string, string | null>>(
      `SELECT (SELECT COUNT(DISTINCT d.source_path) FROM documents d WHERE d.kb = $1 AND ${readable.sql}) AS source_files,
              0 AS failed_files,
              (SELECT COUNT(*) FROM documents d WHERE d.kb = $1 AND ${readable.sql}) AS documents,
              (SELECT COUNT(*) FROM chunks c JOIN documents d ON d.kb = c.kb AND d.id = c.document_id WHERE c.kb = $1 AND ${readable.sql}) AS chunks,
              (SELECT SUM(LENGTH(d.text)) FROM documents d WHERE d.kb = $1 AND ${readable.sql}) AS characters,
              (SELECT COUNT(*) FROM embeddings e WHERE e.kb = $1 AND e.text_hash IN
                 (SELECT c.text_hash FROM chunks c JOIN documents d ON d.kb = c.kb AND d.id = c.document_id WHERE c.kb = $1 AND ${readable.sql})) AS embeddings`,
      [this.knowledgeBase, ...readable.params],
    );
    return toCounts(rows[0]!);
  }

  async startRun(): Promise<number> {
    const { rows } = await this.query<{ id: string }>("INSERT INTO ingest_runs (kb, started_at, status) VALUES ($1, $2, 'running') RETURNING id", [
      this.knowledgeBase,
      new Date().toISOString(),
    ]);
    return Number(rows[0]!.id);
  }

  async finishRun(id: number, status: 'completed' | 'completed-with-errors' | 'refused', counters: unknown): Promise<void> {
    await this.query('UPDATE ingest_runs SET finished_at = $3, status = $4, counters = $5::jsonb WHERE kb = $1 AND id = $2', [
      this.knowledgeBase,
      id,
      new Date().toISOString(),
      status,
      JSON.stringify(counters) ?? null,
    ]);
  }

  async recentRuns(limit = 5): Promise<IngestRun[]> {
    const { rows } = await this.query('SELECT * FROM ingest_runs WHERE kb = $1 ORDER BY id DESC LIMIT $2', [this.knowledgeBase, limit]);
    return rows.map((row) => ({
      id: Number(row['id']),
      startedAt: String(row['started_at']),
      finishedAt: (row['finished_at'] as string | null) ?? null,
      status: String(row['status']),
      counters: row['counters'] ?? null,
    }));
  }

  /** Deletes the knowledge base and everything stored for it, logging a `removed` change (replicas drop it). */
  async removeKnowledgeBase(): Promise<void> {
    await this.transaction(async (client) => {
      const generation = await this.lockKnowledgeBase(client);
      await client.query('DELETE FROM knowledge_bases WHERE name = $1', [this.knowledgeBase]);
      const { rows } = await client.query<{ seq: string }>("INSERT INTO changes (kb, generation, kind) VALUES ($1, $2, 'removed') RETURNING seq", [this.knowledgeBase, generation + 1]);
      await client.query('SELECT pg_notify($1, $2)', [CHANGES_CHANNEL, `${this.knowledgeBase}:${rows[0]!.seq}`]);
    });
  }

  // ---- plumbing ------------------------------------------------------------------------------

  /** Takes the knowledge base's row lock for this transaction and returns its generation. */
  private async lockKnowledgeBase(client: Queryable): Promise<number> {
    const { rows } = await client.query<{ generation: string }>('SELECT generation FROM knowledge_bases WHERE name = $1 FOR UPDATE', [this.knowledgeBase]);
    if (rows[0] === undefined) {
      throw new HangjiaError('E_KB_NOT_FOUND', `Knowledge base "${this.knowledgeBase}" was removed from the PostgreSQL store at ${this.address.where} while open.`, {
        details: { name: this.knowledgeBase, host: this.address.where },
      });
    }
    return Number(rows[0].generation);
  }

  /** Bumps the generation and logs the change in the same transaction; NOTIFY is delivered at commit. */
  private async bumpGeneration(client: Queryable, kind: string, paths: readonly string[]): Promise<void> {
    const { rows } = await client.query<{ generation: string }>('UPDATE knowledge_bases SET generation = generation + 1 WHERE name = $1 RETURNING generation', [this.knowledgeBase]);
    const change = await client.query<{ seq: string }>('INSERT INTO changes (kb, generation, kind, paths) VALUES ($1, $2, $3, $4::jsonb) RETURNING seq', [
      this.knowledgeBase,
      rows[0]!.generation,
      kind,
      JSON.stringify(paths),
    ]);
    await client.query('SELECT pg_notify($1, $2)', [CHANGES_CHANNEL, `${this.knowledgeBase}:${change.rows[0]!.seq}`]);
  }

  /** One write transaction; refused inside a pinned snapshot (that instance is for reading). */
  private async transaction<T>(work: (client: Queryable) => Promise<T>): Promise<T> {
    if (this.pinned) {
      throw new HangjiaError('E_STORE_PINNED', `Knowledge base "${this.knowledgeBase}" is pinned to a read snapshot; write through another instance.`, {
        details: { name: this.knowledgeBase },
      });
    }
    const client = await this.connection();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw this.translate(error);
    }
  }

  private async query<R extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<pg.QueryResult<R>> {
    const client = await this.connection();
    try {
      return await client.query<R>(sql, params);
    } catch (error) {
      throw this.translate(error);
    }
  }

  /** The client, connected again when the last one was lost (a restarted server, a dropped link). */
  private async connection(): Promise<pg.Client> {
    if (this.client === undefined) this.client = await connectPostgresStore(this.address, { readOnly: this.readOnly });
    return this.client;
  }

  private translate(error: unknown): unknown {
    if (HangjiaError.is(error)) return error;
    if (isConnectionLost(error)) {
      const lost = this.client;
      this.client = undefined;
      this.pinned = false;
      void lost?.end().catch(() => undefined);
      return connectError(this.address, 'query', error);
    }
    if ((error as { code?: string }).code === '25006') {
      return new HangjiaError('E_KB_READ_ONLY', `Knowledge base "${this.knowledgeBase}" was opened for reading only.`, { details: { name: this.knowledgeBase }, cause: error });
    }
    return error;
  }
}

const CHUNK_SELECT = `SELECT c.id, c.document_id, c.ordinal, c.text, c.heading_path, c.start_offset, c.end_offset, c.token_count, c.text_hash,
  d.source_path AS document_path, d.title AS document_title, d.row_key AS document_row_key, d.access_groups AS document_groups
  FROM chunks c JOIN documents d ON d.kb = c.kb AND d.id = c.document_id`;

/** SQL over `documents d` that keeps the documents `access` may read: those without groups or sharing one. */
function readableClause(access: AccessFilter | undefined, parameter: number): { sql: string; params: unknown[] } {
  if (access === undefined) return { sql: 'TRUE', params: [] };
  return { sql: `(d.access_groups = '[]'::jsonb OR d.access_groups ?| $${parameter}::text[])`, params: [[...access.groups]] };
}

function documentIdConflict(path: string, documentId: string, other: string): HangjiaError {
  return new HangjiaError(
    'E_DOCUMENT_ID_CONFLICT',
    `Document id ${documentId} from ${path} is already used by ${other}. Two sources produce the same id (same relative path or row id); give them distinct row ids or ingest them into separate knowledge bases.`,
    { details: { path, documentId, other } },
  );
}

function toCounts(row: Record<string, string | null>): StoreCounts {
  return {
    sourceFiles: Number(row['source_files'] ?? 0),
    failedFiles: Number(row['failed_files'] ?? 0),
    documents: Number(row['documents'] ?? 0),
    chunks: Number(row['chunks'] ?? 0),
    characters: Number(row['characters'] ?? 0),
    embeddings: Number(row['embeddings'] ?? 0),
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
    accessGroups: (row['access_groups'] as string[] | null) ?? [],
  };
}

function toStoredChunk(row: Record<string, unknown>): StoredChunk {
  return {
    chunk: {
      id: String(row['id']),
      documentId: String(row['document_id']),
      index: Number(row['ordinal']),
      text: String(row['text']),
      headingPath: row['heading_path'] as string[],
      start: Number(row['start_offset']),
      end: Number(row['end_offset']),
      tokenCount: Number(row['token_count']),
    },
    documentPath: String(row['document_path']),
    documentTitle: String(row['document_title']),
    ...(row['document_row_key'] == null ? {} : { documentRowKey: String(row['document_row_key']) }),
    documentGroups: (row['document_groups'] as string[] | null) ?? [],
    textHash: String(row['text_hash']),
  };
}
