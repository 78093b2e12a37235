/** @module index — lexical (BM25F) and vector indexes: build, search, serialize, stats. */
export { Bm25Index, BM25_SERIALIZATION_VERSION, DEFAULT_BM25_PARAMS, LEXICAL_FIELDS, TOPIC_MIN_RECORDS, resolveBm25Params } from './bm25/index.js';
export type {
  Bm25BuildOptions,
  Bm25BuildProgress,
  Bm25IndexStats,
  Bm25Params,
  Bm25ParamsInput,
  Bm25SearchOptions,
  FieldValues,
  ForwardIndex,
  LexicalMatch,
  LexicalRecord,
  QueryTerms,
  ScoredDocuments,
} from './bm25/index.js';
export { Bm25IndexBuilder, buildBm25IndexInParallel, PARALLEL_BUILD_MIN_RECORDS, type ParallelBuildOptions } from './bm25/index.js';
export { TitleCitations, titleReferences } from './citations/index.js';
export { TopicModel, WordSequences, DEFAULT_TOPIC_MODEL_OPTIONS, type TopicModelOptions } from './topics/index.js';
export { FlatVectorIndex, FLAT_VECTOR_SERIALIZATION_VERSION } from './vector/index.js';
export type { FlatVectorIndexOptions, VectorMatch, VectorSearchOptions } from './vector/index.js';
export { FlatVectorStore, createInProcessVectorStoreConnector, createMilvusVectorStoreConnector, createQdrantVectorStoreConnector, mayReadPoint, vectorCollectionName, vectorPointStamp } from './vector/index.js';
export type {
  MilvusClientLike,
  MilvusConnectorOptions,
  QdrantConnectorOptions,
  StoredVectorPoint,
  VectorCollectionSpec,
  VectorPoint,
  VectorStore,
  VectorStoreConnector,
  VectorStoreSearchOptions,
} from './vector/index.js';
export { TopK, compareStrings } from './top-k.js';
