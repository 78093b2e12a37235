import type { Hit } from '../retrieval/index.js';

/** Where a passage sits, as much as a citation needs to point a reader at it. */
export interface CitableLocation {
  chunkId: string;
  documentId: string;
  documentPath: string;
  documentTitle: string;
  /** For a row of a csv/jsonl source: its key, so the row can be cited. */
  documentRowKey?: string;
  headingPath: string[];
  /** The chunk's offsets in its document text (UTF-16 code units). */
  start: number;
  end: number;
}

/** The citable location of a hit: what citations, `--json` hits and the server's hits all carry. */
export function citableLocation(hit: Hit): CitableLocation {
  return {
    chunkId: hit.chunk.id,
    documentId: hit.chunk.documentId,
    documentPath: hit.documentPath,
    documentTitle: hit.documentTitle,
    ...(hit.documentRowKey === undefined ? {} : { documentRowKey: hit.documentRowKey }),
    headingPath: hit.chunk.headingPath,
    start: hit.chunk.start,
    end: hit.chunk.end,
  };
}

