/**
 * One solved example of a task: what the model was given and what it should answer. Pools of
 * these are read from JSONL ({@link readExamplePool}) and the few most useful for an input are put
 * into the prompt (in-context learning with dynamic example selection).
 */
export interface Example {
  /** Unique within its pool; names the example in results, `exclude` callbacks and errors. */
  id: string;
  input: string;
  output: string;
  /** Every other field of the source line (labels, evidence, split…), kept as read. */
  metadata: Record<string, unknown>;
}

/** An example chosen for an input, explaining itself. */
export interface SelectedExample {
  example: Example;
  /**
   * The selector's score, best first; comparable only within one result list (Jaccard and cosine
   * are in [0, 1] and [-1, 1], BM25 is unbounded, MMR mixes relevance and novelty, random is 0).
   */
  score: number;
  /**
   * Analyzer terms the input and the example's input have in common (for BM25, the matched query
   * terms in order of contribution; for n-gram selection, the shared character n-grams). Character
   * bigrams keep the analyzer's prefix (`~合同`).
   */
  sharedTerms: string[];
}
