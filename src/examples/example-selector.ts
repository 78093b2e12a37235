import type { SelectedExample } from './example.js';

/** Options for one {@link ExampleSelector.select} call. */
export interface SelectOptions {
  /** How many examples to return at most, a whole number ≥ 1. Fewer come back when fewer qualify. */
  k: number;
  /**
   * Examples whose id passes are never returned (the input's own example in leave-one-out
   * evaluation, examples from the test split). Applied before ranking, so k still come back.
   */
  exclude?: (id: string) => boolean;
}

/**
 * Chooses the few examples of a pool to show the model for one input. Every strategy (Jaccard,
 * BM25, character n-grams, embeddings, MMR, random) implements this, and wrappers such as
 * `withTokenBudget` compose with any of them.
 *
 * @example
 * const selected = await selector.select('试用期最长多久？', { k: 3 });
 * const messages = renderFewShotMessages(selected);
 */
export interface ExampleSelector {
  /** The strategy, as the CLI and benchmark name it (`jaccard`, `bm25`, `mmr(bm25,jaccard)`, …). */
  readonly name: string;
  /** The best examples for `input`, best first. */
  select(input: string, options: SelectOptions): Promise<SelectedExample[]>;
}
