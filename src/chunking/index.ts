/** @module chunking — Document → Chunk[] behind one Chunker interface. */
export type { Chunk, Chunker, ChunkingOptions } from './chunk.js';
