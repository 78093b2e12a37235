import type { DocumentSummary, KnowledgeBaseStore, StoredChunk } from './knowledge-base-store.js';

/**
 * One document with its text and its chunks in order, or undefined when there is none with that
 * id. Checks no access: the caller decides first (`store.documentAccess`, `canReadDocument`).
 */
export function readDocument(store: KnowledgeBaseStore, id: string): { document: Omit<DocumentSummary, 'groups'>; text: string; chunks: StoredChunk[] } | undefined {
  const row = store.database
    .prepare(
      `SELECT d.id, d.title, d.source_path AS path, d.row_key AS rowKey, d.format, LENGTH(d.text) AS characters, d.text AS text,
              (SELECT COUNT(*) FROM chunks c WHERE c.document_id = d.id) AS chunks
       FROM documents d WHERE d.id = ?`,
    )
    .get(id) as (Omit<DocumentSummary, 'groups' | 'rowKey'> & { rowKey: string | null; text: string }) | undefined;
  if (!row) return undefined;
  const chunkIds = (store.database.prepare('SELECT id FROM chunks WHERE document_id = ? ORDER BY ordinal').all(id) as Array<{ id: string }>).map((chunk) => chunk.id);
  const byId = store.chunksByIds(chunkIds);
  const { text, rowKey, ...document } = row;
  return { document: rowKey === null ? document : { ...document, rowKey }, text, chunks: chunkIds.map((chunkId) => byId.get(chunkId)!) };
}
