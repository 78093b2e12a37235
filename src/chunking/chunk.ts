import type { Document } from '../documents/index.js';

/**
 * A retrievable piece of a document. Offsets are UTF-16 code-unit offsets into `Document.text`
 * (`document.text.slice(start, end)` is where the chunk came from); `text` may additionally carry
 * a repeated table header, so use offsets, not `text.length`, for citations.
 */
export interface Chunk {
  /** `${documentId}#${index}`. */
  id: string;
  documentId: string;
  /** 0-based position within the document. */
  index: number;
  text: string;
  /** Titles from the outermost section down, e.g. ['中华人民共和国劳动合同法', '第二章 劳动合同的订立', '第十九条']. */
  headingPath: string[];
  start: number;
  end: number;
  /** Approximate token count (see `estimateTokens`). */
  tokenCount: number;
}

/** Size bounds for chunks. Defaults live in `DEFAULT_CHUNKING_OPTIONS`. */
export interface ChunkingOptions {
  /** Upper bound in characters (default 800). */
  maxChars: number;
  /** Upper bound in estimated tokens (default 512). */
  maxTokens: number;
  /** Characters of the previous chunk repeated at the start of the next when a section is split (default 100). */
  overlapChars: number;
  /** Sections shorter than this are merged with their neighbours under the same heading (default 50). */
  minChars: number;
}

/** Turns one document into chunks. Every implementation runs `test/conformance/chunker.case.ts`. */
export interface Chunker {
  readonly name: string;
  chunk(document: Document): Chunk[];
}
