import { describe, expect, it } from 'vitest';
import { costPerThousandItems, parseTokenPrice } from './token-price.js';
import { recommendStrategy, type RecommendationInput } from './recommend-strategy.js';

const row = (name: string, kind: RecommendationInput['kind'], accuracy: number, interval: [number, number], cost: number | null, tokens = 100): RecommendationInput => ({
  name,
  kind,
  complete: true,
  accuracy,
  confidenceInterval: interval,
  costPer1000Items: cost,
  tokensPerItem: tokens,
});

describe('recommendStrategy', () => {
  it('picks the cheapest strategy whose interval overlaps the best, and says they are not separated', () => {
    const result = recommendStrategy([row('zero-shot', 'zero-shot', 0.4, [0.3, 0.5], 0.1), row('rag', 'rag', 0.7, [0.6, 0.8], 0.4), row('rag+few-shot', 'rag+few-shot', 0.75, [0.65, 0.85], 0.9)]);
    expect(result).toMatchObject({ strategy: 'rag', best: 'rag+few-shot', contenders: ['rag', 'rag+few-shot'], costBasis: 'price' });
    expect(result.statement).toContain('The numbers support **rag**');
    expect(result.statement).toContain('so the data do not separate them');
  });

  it('leaves a fine-tuned endpoint out unless it clears RAG + few-shot, even when it is the most accurate', () => {
    const prompted = [row('zero-shot', 'zero-shot', 0.4, [0.3, 0.5], null), row('rag+few-shot', 'rag+few-shot', 0.7, [0.6, 0.8], null)];
    const overlapping = recommendStrategy([...prompted, row('ft', 'endpoint', 0.78, [0.7, 0.86], null, 10)]);
    expect(overlapping).toMatchObject({ strategy: 'rag+few-shot', excluded: [{ name: 'ft', reason: "its interval does not lie above rag+few-shot's" }] });
    expect(overlapping.statement).toContain('Fine-tuning is not supported by these numbers');
    const clear = recommendStrategy([...prompted, row('ft', 'endpoint', 0.9, [0.85, 0.95], null, 10)]);
    expect(clear).toMatchObject({ strategy: 'ft', contenders: ['ft'], costBasis: 'tokens' });
    expect(clear.statement).toContain("lies clear of every other judged strategy's");
  });

  it('breaks cost ties by simplicity and skips incomplete runs', () => {
    const result = recommendStrategy([row('rag+few-shot', 'rag+few-shot', 1, [1, 1], 0.41), row('rag', 'rag', 1, [1, 1], 0.41), { ...row('few-shot', 'few-shot', 1, [1, 1], 0.01), complete: false }]);
    expect(result).toMatchObject({ strategy: 'rag', excluded: [{ name: 'few-shot', reason: 'the run is incomplete' }] });
  });
});

describe('cost per 1,000 questions', () => {
  it('scales token costs to 1,000 items, and is unknown without a price', () => {
    // 60 items × (100 in, 2 out) at 1 and 2 per million: (6000 + 240) / 10⁶ per 60 items = 0.104 per 1,000.
    expect(costPerThousandItems({ inputTokens: 6000, outputTokens: 120 }, 60, { inputPerMillion: 1, outputPerMillion: 2 })).toBeCloseTo(0.104, 12);
    expect(costPerThousandItems({ inputTokens: 6000, outputTokens: 120 }, 60, undefined)).toBeNull();
    expect(parseTokenPrice('0.5/1.5')).toEqual({ inputPerMillion: 0.5, outputPerMillion: 1.5 });
    expect(parseTokenPrice('cheap')).toBeUndefined();
  });
});
