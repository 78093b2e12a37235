/** The formats the sources stage understands; one adapter each in `src/sources/`. */
export type SourceFormat = 'txt' | 'md' | 'html' | 'pdf' | 'docx' | 'csv' | 'jsonl';

/**
 * A unit of text with provenance: the output of `sources/`, the input of `chunking/`.
 *
 * `text` is normalised (see `normalizeText`) and is what chunk offsets point into. For Markdown,
 * HTML and DOCX the text is Markdown-shaped (`#` headings, pipe tables), so one structural parser
 * in `chunking/` serves all three.
 */
export interface Document {
  /** Stable across runs: derived from the source path (relative to its root) and, for rows, the row key. */
  id: string;
  /** The file the document came from, as given or found while walking (absolute). */
  sourcePath: string;
  /** Row id for csv/jsonl documents (the configured id field, or the 1-based line/row number). */
  rowKey?: string;
  format: SourceFormat;
  title: string;
  text: string;
  /** sha256 hex of `text`: decides whether a document changed on sync. */
  contentHash: string;
  /** Encoding detected for text formats (`utf-8`, `utf-16le`, `gb18030`, …). */
  encoding?: string;
  metadata: Record<string, unknown>;
}
