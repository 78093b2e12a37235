/** @module chunking — Document → Chunk[] behind one Chunker interface. */
export type { Chunk, Chunker, ChunkingOptions } from './chunk.js';
export type { TextSpan } from './text-span.js';
export { DEFAULT_CHUNKING_OPTIONS, resolveChunkingOptions } from './default-chunking-options.js';
export { estimateTokens } from './estimate-tokens.js';
export { splitSentences } from './split-sentences.js';
export { createChunker, chunkDocument } from './structured-chunker.js';
export { splitStatuteArticleTitle, type StatuteArticleTitle } from './statute-article-title.js';
