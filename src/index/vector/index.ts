/** @module index/vector — exact cosine search over embeddings, serializable with the model recorded. */
export { FlatVectorIndex, FLAT_VECTOR_SERIALIZATION_VERSION } from './flat-vector-index.js';
export type { FlatVectorIndexOptions, VectorMatch, VectorSearchOptions } from './flat-vector-index.js';
