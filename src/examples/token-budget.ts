import { estimateTokens } from '../chunking/index.js';
import { HangjiaError } from '../errors/index.js';
import type { Example } from './example.js';
import type { ExampleSelector } from './example-selector.js';
import { checkSelectOptions } from './_select-options.js';

/** Options for {@link withTokenBudget}. */
export interface TokenBudgetOptions {
  /** Most tokens the chosen examples' inputs and outputs may add up to, a whole number ≥ 1. */
  maxTokens: number;
  /**
   * Tokens of one text; pass the model's tokenizer when you have it. Default `estimateTokens`
   * (one per Han character, about four Latin characters per token), which errs high, the safe side.
   */
  countTokens?: (text: string) => number;
  /**
   * How many ranked examples to ask the wrapped selector for, as a multiple of k, so that skipping
   * long ones still leaves k to choose from. A whole number ≥ 1; default 4.
   */
  overfetch?: number;
}

/** {@link TokenBudgetOptions.overfetch} when none is given. */
export const DEFAULT_TOKEN_BUDGET_OVERFETCH = 4;

/**
 * Wraps any selector so the examples it returns fit a token budget: walking the wrapped
 * selector's ranking best first, an example is kept when its input plus output fit in what is left
 * of `maxTokens`, and skipped otherwise (a lower-ranked, shorter one may still fit), until k are
 * kept. Long solved examples are what blow a context window; this keeps the best that fit rather
 * than truncating any. Token counts are cached per example.
 *
 * @example
 * const selector = withTokenBudget(createBm25Selector(pool), { maxTokens: 1500 });
 * await selector.select('试用期最长多久？', { k: 5 }); // ≤ 5 examples, ≤ 1500 tokens in all
 */
export function withTokenBudget(selector: ExampleSelector, budget: TokenBudgetOptions): ExampleSelector {
  const { maxTokens } = budget;
  const countTokens = budget.countTokens ?? estimateTokens;
  const overfetch = budget.overfetch ?? DEFAULT_TOKEN_BUDGET_OVERFETCH;
  if (!Number.isInteger(maxTokens) || maxTokens < 1) {
    throw new HangjiaError('E_USAGE', `The few-shot token budget maxTokens must be a whole number ≥ 1; got ${maxTokens}.`, {
      details: { setting: 'maxTokens', value: maxTokens },
    });
  }
  if (!Number.isInteger(overfetch) || overfetch < 1) {
    throw new HangjiaError('E_USAGE', `The token budget's overfetch must be a whole number ≥ 1; got ${overfetch}. The default is ${DEFAULT_TOKEN_BUDGET_OVERFETCH}.`, {
      details: { setting: 'overfetch', value: overfetch },
    });
  }
  const counts = new WeakMap<Example, number>();
  const tokensOf = (example: Example): number => {
    let count = counts.get(example);
    if (count === undefined) {
      count = countTokens(example.input) + countTokens(example.output);
      counts.set(example, count);
    }
    return count;
  };
  return {
    name: `${selector.name}+budget`,
    select: async (input, options) => {
      checkSelectOptions(selector.name, options);
      const ranked = await selector.select(input, { ...options, k: options.k * overfetch });
      const kept = [];
      let left = maxTokens;
      for (const selected of ranked) {
        if (kept.length === options.k) break;
        const tokens = tokensOf(selected.example);
        if (tokens > left) continue;
        kept.push(selected);
        left -= tokens;
      }
      return kept;
    },
  };
}
