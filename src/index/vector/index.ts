/** @module index/vector — exact cosine search over embeddings, serializable with the model recorded; the VectorStore interface with its flat, Qdrant and Milvus implementations. */
export { FlatVectorIndex, FLAT_VECTOR_SERIALIZATION_VERSION } from './flat-vector-index.js';
export type { FlatVectorIndexOptions, VectorMatch, VectorSearchOptions } from './flat-vector-index.js';
export { FlatVectorStore, createInProcessVectorStoreConnector, mayReadPoint, vectorCollectionName, vectorPointStamp } from './vector-store.js';
export type { StoredVectorPoint, VectorCollectionSpec, VectorPoint, VectorStore, VectorStoreConnector, VectorStoreSearchOptions } from './vector-store.js';
export { createQdrantVectorStoreConnector, type QdrantConnectorOptions } from './qdrant/qdrant-vector-store.js';
export { createMilvusVectorStoreConnector, type MilvusClientLike, type MilvusConnectorOptions } from './milvus/milvus-vector-store.js';
