import { describe, expect, it } from 'vitest';
import { examplesOf, idsOf, whitespaceAnalyzer } from './__fixtures__/tiny-pools.js';
import { createExamplePool } from './example-pool.js';
import { createJaccardSelector } from './jaccard-selector.js';
import { withTokenBudget } from './token-budget.js';

/** One token per whitespace word, so budgets can be added up by eye. */
const countWords = (text: string): number => text.split(/\s+/).filter(Boolean).length;

describe('withTokenBudget', () => {
  it('keeps the best-ranked examples that fit, skipping ones that do not', async () => {
    const examples = examplesOf(['probation period length', 'probation period length limit', 'probation period']);
    // Make the second-ranked example long: 5 words of input + 30 of output.
    examples[1]!.output = Array.from({ length: 30 }, (_, index) => `word${index}`).join(' ');
    const pool = await createExamplePool(examples, { analyzer: whitespaceAnalyzer });
    const inner = createJaccardSelector(pool);
    // Unbudgeted ranking: e0 (3/3), e1 (3/4), e2 (2/3 ≈ 0.67).
    expect(idsOf(await inner.select('probation period length', { k: 3 }))).toEqual(['e0', 'e1', 'e2']);
    const budgeted = withTokenBudget(inner, { maxTokens: 20, countTokens: countWords });
    // e0 costs 3 + 6 ("answer to probation period length") = 9; e1 costs 4 + 30 = 34 and does not
    // fit in the 11 left; e2 costs 2 + 4 = 6 and does.
    expect(idsOf(await budgeted.select('probation period length', { k: 3 }))).toEqual(['e0', 'e2']);
    expect(budgeted.name).toBe('jaccard+budget');
    // A budget smaller than every example keeps none.
    expect(await withTokenBudget(inner, { maxTokens: 5, countTokens: countWords }).select('probation period length', { k: 3 })).toEqual([]);
  });

  it('stops at k even when more would fit', async () => {
    const pool = await createExamplePool(examplesOf(['a b', 'a c', 'a d']), { analyzer: whitespaceAnalyzer });
    const selected = await withTokenBudget(createJaccardSelector(pool), { maxTokens: 1000 }).select('a b', { k: 2 });
    expect(idsOf(selected)).toEqual(['e0', 'e1']);
  });

  it('rejects a budget that is not a whole number ≥ 1', async () => {
    const pool = await createExamplePool(examplesOf(['a']), { analyzer: whitespaceAnalyzer });
    expect(() => withTokenBudget(createJaccardSelector(pool), { maxTokens: 0 })).toThrow(expect.objectContaining({ code: 'E_USAGE' }));
  });
});
