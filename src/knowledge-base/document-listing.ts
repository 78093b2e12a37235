import type { StoredChunk } from './knowledge-base-store.js';
import type { KnowledgeBaseStore } from './knowledge-base-store.js';

/** A document as a listing shows it: no text, its size in chunks and characters. */
export interface DocumentRecord {
  id: string;
  title: string;
  /** The source file it came from. */
  sourcePath: string;
  /** The row key of a csv/jsonl document. */
  rowKey?: string;
  format: string;
  chunks: number;
  characters: number;
}

/**
 * The documents of a knowledge base, ordered by source path and id, `include` deciding which the
 * caller may see (counted in `total` only if seen), then `offset`/`limit` applied.
 */
export function listDocuments(
  store: KnowledgeBaseStore,
  options: { offset?: number; limit?: number; include?: (documentId: string) => boolean } = {},
): { total: number; documents: DocumentRecord[] } {
  const rows = store.database
    .prepare(
      `SELECT d.id, d.title, d.source_path AS sourcePath, d.row_key AS rowKey, d.format, LENGTH(d.text) AS characters,
              (SELECT COUNT(*) FROM chunks c WHERE c.document_id = d.id) AS chunks
       FROM documents d ORDER BY d.source_path, d.id`,
    )
    .all() as Array<DocumentRecord & { rowKey: string | null }>;
  const visible = (options.include ? rows.filter((row) => options.include!(row.id)) : rows).map(toRecord);
  const offset = options.offset ?? 0;
  return { total: visible.length, documents: visible.slice(offset, options.limit === undefined ? undefined : offset + options.limit) };
}

/** One document with its text and chunks in order, or undefined when there is none with that id. */
export function readDocument(store: KnowledgeBaseStore, id: string): { document: DocumentRecord; text: string; chunks: StoredChunk[] } | undefined {
  const row = store.database
    .prepare(
      `SELECT d.id, d.title, d.source_path AS sourcePath, d.row_key AS rowKey, d.format, LENGTH(d.text) AS characters, d.text AS text,
              (SELECT COUNT(*) FROM chunks c WHERE c.document_id = d.id) AS chunks
       FROM documents d WHERE d.id = ?`,
    )
    .get(id) as (DocumentRecord & { rowKey: string | null; text: string }) | undefined;
  if (!row) return undefined;
  const chunkIds = (store.database.prepare('SELECT id FROM chunks WHERE document_id = ? ORDER BY ordinal').all(id) as Array<{ id: string }>).map((chunk) => chunk.id);
  const byId = store.chunksByIds(chunkIds);
  const { text, ...record } = row;
  return { document: toRecord(record), text, chunks: chunkIds.map((chunkId) => byId.get(chunkId)!) };
}

function toRecord(row: DocumentRecord & { rowKey?: string | null }): DocumentRecord {
  const { rowKey, ...rest } = row;
  return rowKey == null ? rest : { ...rest, rowKey };
}
