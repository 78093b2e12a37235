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
  /**
   * The text's words in order, without sub-words or character n-grams, stopwords dropped (and
   * question framing too, with `query`): what word co-occurrence statistics are learned from
   * (the lexical index's topic vectors). An analyzer without it gives an index no topic vectors.
   */
  words?(text: string, options?: { query?: boolean }): string[];
  /**
   * How another thread makes this same analyzer, for building indexes on worker threads. Without
   * it, indexes are built on the calling thread only.
   */
  readonly recipe?: AnalyzerRecipe;
}

/**
 * An analyzer as a worker thread can recreate it: `module` (a URL) exports `factory`, called with
 * `options` (structured-cloneable). The recreated analyzer must have the same name and version.
 */
export interface AnalyzerRecipe {
  module: string;
  factory: string;
  options: unknown;
}
