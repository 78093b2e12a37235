/**
 * Turns text into index terms. The same analyzer (recorded by `name` and `version` in the index
 * manifest) must be used at index and query time; a mismatch is an `E_INDEX_VERSION` error.
 */
export interface Analyzer {
  readonly name: string;
  /** Bumped whenever the terms produced for the same input change. */
  readonly version: number;
  /** Terms for indexing a field (may include sub-words and n-grams). */
  analyze(text: string): string[];
  /** Terms for a query; defaults to `analyze`, but may drop question boilerplate. */
  analyzeQuery?(text: string): string[];
}
