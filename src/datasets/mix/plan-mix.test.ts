import { describe, expect, it } from 'vitest';
import type { DatasetRecord } from '../dataset-record.js';
import { createSeededRandom } from '../../support/index.js';
import { planMix, sampleToTarget } from './plan-mix.js';
import type { TokenCounter } from './token-counter.js';

/** Records whose token count is known exactly: each is `n` CJK characters, and estimateTokens counts one per character. */
function source(name: string, lengths: number[], kind: 'text' | 'instruction' = 'text'): { name: string; records: DatasetRecord[] } {
  return {
    name,
    records: lengths.map((length, index) => ({
      id: `${name}:${index + 1}`,
      kind,
      format: kind === 'text' ? 'text' : 'openai',
      turns: kind === 'text' ? [] : [{ role: 'user', content: '问' }, { role: 'assistant', content: '答'.repeat(Math.max(0, length - 1)) }],
      text: kind === 'text' ? '字'.repeat(length) : '',
      source: { path: name, line: index + 1 },
    })),
  };
}

const mixedLengths = (count: number, seed: number): number[] => {
  const random = createSeededRandom(seed);
  return Array.from({ length: count }, () => Math.round(20 * Math.exp(random() * 4))); // 20 … ~1100 tokens
};

describe('planMix', () => {
  it('cpt: domain at 15 % of tokens within 0.5 pp, general down-sampled, no up-sampling warning', async () => {
    const plan = await planMix({ preset: 'cpt', domain: [source('law', mixedLengths(300, 1))], general: [source('wiki', mixedLengths(3000, 2))] });
    const domain = plan.categories.find((category) => category.category === 'domain')!;
    expect(Math.abs(domain.errorPoints)).toBeLessThanOrEqual(0.5);
    expect(plan.sources[0]!.factor).toBeCloseTo(1, 4); // all domain data is used (the total is rounded down to whole tokens)
    expect(plan.sources[1]!.factor).toBeLessThan(1);
    expect(plan.warnings).toEqual([]);
    expect(plan.tokenizer).toBe('estimateTokens (approximation)');
  });

  it('sft 1:1 with a requested total warns when a source must be up-sampled, with the factor', async () => {
    const plan = await planMix({ preset: 'sft', domain: [source('law', Array(10).fill(100), 'instruction')], general: [source('chat', Array(100).fill(100), 'instruction')], totalTokens: 4000 });
    expect(plan.sources.map((item) => [item.name, item.selectedTokens, item.samples])).toEqual([
      ['law', 2000, 20],
      ['chat', 2000, 20],
    ]);
    expect(plan.warnings).toEqual(['law is up-sampled ×2.00 (domain: 2000 tokens wanted, 1000 available); repeated data can be memorised.']);
  });

  it('hybrid: XuanYuan shares for text and instructions within 0.5 pp', async () => {
    const plan = await planMix({
      preset: 'hybrid',
      domain: [source('law-text', mixedLengths(500, 3)), source('law-qa', mixedLengths(800, 4), 'instruction')],
      general: [source('wiki', mixedLengths(1500, 5)), source('alpaca', mixedLengths(3000, 6), 'instruction')],
    });
    expect(plan.categories.map((category) => [category.category, category.targetShare])).toEqual([
      ['general-text', 0.2],
      ['domain-text', 0.13],
      ['general-instruction', 0.46],
      ['domain-instruction', 0.21],
    ]);
    for (const category of plan.categories) expect(Math.abs(category.errorPoints)).toBeLessThanOrEqual(0.5);
  });

  it('is deterministic for a seed and uses the given tokenizer', async () => {
    const doubling: TokenCounter = { name: 'double', countTokens: async (texts) => texts.map((text) => text.length * 2) };
    const options = { preset: 'custom' as const, ratios: { domain: 0.3, general: 0.7 }, domain: [source('a', mixedLengths(100, 7))], general: [source('b', mixedLengths(400, 8))], tokenizer: doubling, seed: 5 };
    const first = await planMix(options);
    const second = await planMix(options);
    expect(first.records.map((record) => record.id)).toEqual(second.records.map((record) => record.id));
    expect(first.tokenizer).toBe('double');
    expect(first.sources[0]!.availableTokens).toBe(2 * mixedLengths(100, 7).reduce((sum, length) => sum + length, 0));
  });

  it('fails clearly when a ratio cannot be met', async () => {
    await expect(planMix({ preset: 'hybrid', domain: [source('law', [100])], general: [source('wiki', [100])] })).rejects.toThrow(/needs 46.0 % general instruction, but no general instruction source/u);
    await expect(planMix({ preset: 'sft', domain: [source('law', [100])], general: [source('wiki', [100])], totalTokens: 10_000 })).rejects.toThrow(/repeated 50.00×.*more than the allowed 4×/u);
    await expect(planMix({ preset: 'custom', ratios: { domain: 0.5, general: 0.6 }, domain: [], general: [] })).rejects.toThrow(/sum to 1/u);
  });
});

describe('sampleToTarget', () => {
  it('copies whole passes, then fills the remainder to the closest item', () => {
    expect(sampleToTarget([10, 10, 10], 66, 1).length).toBe(7); // 2 passes (60) + one item: 70 is 4 off, 60 is 6 off
    expect(sampleToTarget([10, 10, 10], 64, 1).length).toBe(6); // 60 is 4 off, 70 is 6 off
    const picked = sampleToTarget([100, 7, 3], 10, 1);
    expect(picked.map((index) => [100, 7, 3][index]).reduce((sum, count) => sum! + count!, 0)).toBe(10);
  });
});
