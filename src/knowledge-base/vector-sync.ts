import { vectorPointStamp, type VectorPoint, type VectorStore } from '../index/index.js';
import type { KnowledgeBaseStore } from './knowledge-base-store.js';

/** What one {@link syncVectorStore} did. */
export interface VectorSyncCounters {
  /** Points written: new chunks, and chunks whose vector or groups changed. */
  upserted: number;
  /** Points removed: their chunks are gone from the store. */
  deleted: number;
  /** Points already current. */
  unchanged: number;
}

/** What the store's meta records after a complete vector sync (`vectorStore` key). */
export interface VectorSyncState extends VectorSyncCounters {
  kind: string;
  /** The server (see `VectorStoreConnector.location`). */
  location: string;
  embeddingModelId: string;
  collection: string;
  /** The store generation the collection reflects. */
  generation: number;
  points: number;
  syncedAt: string;
}

export const VECTOR_SYNC_META_KEY = 'vectorStore';

const UPSERT_BATCH = 256;

/**
 * Makes the collection hold exactly the store's chunks embedded by `embeddingModelId`, each with
 * its document's access groups: lists the collection's (id, stamp) pairs, upserts the chunks whose
 * stamp differs or is missing, and deletes points whose chunk is gone. It keeps no journal of its
 * own, so a sync killed half-way (or a change the collection missed) is repaired by the next one,
 * and running it twice writes nothing the second time.
 *
 * The store is read synchronously to the end before anything is sent (a store iterator must not
 * stay open across an await: other readers share the connection), so the changed points are held
 * in memory once: on the first push of a knowledge base that is every vector, the same memory the
 * flat index takes; afterwards only what changed.
 */
export async function syncVectorStore(
  store: KnowledgeBaseStore,
  vectors: VectorStore,
  embeddingModelId: string,
  location: string,
  onProgress?: (progress: { phase: 'vectors'; done: number; total: number }) => void,
): Promise<VectorSyncState> {
  const generation = store.generation();
  const stored = new Map<string, string>();
  for await (const page of vectors.listPoints()) for (const point of page) stored.set(point.id, point.stamp);

  const groupsOfChunk = new Map<string, string[]>();
  const parsedGroups = new Map<string, string[]>();
  for (const { chunkId, groups } of store.iterateRestrictedChunks()) {
    let parsed = parsedGroups.get(groups);
    if (!parsed) {
      parsed = JSON.parse(groups) as string[];
      parsedGroups.set(groups, parsed);
    }
    groupsOfChunk.set(chunkId, parsed);
  }
  const changed: VectorPoint[] = [];
  let unchanged = 0;
  let points = 0;
  for (const { chunkId, vector } of store.iterateChunkEmbeddings(embeddingModelId)) {
    points += 1;
    const groups = groupsOfChunk.get(chunkId) ?? [];
    const stamp = vectorPointStamp(vector, groups);
    if (stored.get(chunkId) === stamp) unchanged += 1;
    else changed.push({ id: chunkId, vector, groups, stamp });
    stored.delete(chunkId);
  }
  // What is left in `stored` has no chunk in the store any more.
  const gone = [...stored.keys()];

  const total = changed.length + gone.length;
  onProgress?.({ phase: 'vectors', done: 0, total });
  for (let start = 0; start < changed.length; start += UPSERT_BATCH) {
    await vectors.upsert(changed.slice(start, start + UPSERT_BATCH));
    onProgress?.({ phase: 'vectors', done: Math.min(start + UPSERT_BATCH, changed.length), total });
  }
  if (gone.length > 0) {
    await vectors.delete(gone);
    onProgress?.({ phase: 'vectors', done: total, total });
  }
  return { kind: vectors.kind, location, embeddingModelId, collection: vectors.collection, generation, points, upserted: changed.length, deleted: gone.length, unchanged, syncedAt: new Date().toISOString() };
}
