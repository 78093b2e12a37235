import { expect, it } from 'vitest';
import { needsSharedDataset } from '../../test/support/shared-dataset.js';
import { createAnalyzer } from '../analysis/index.js';
import { createExamplePool, createExampleSelector, readExamplePool, type Example } from './index.js';

/** The STARD/LeCoQA pool beside the repository (CI has ../shared/datasets; a bare clone may not). */
const stard = needsSharedDataset('stard-legal/qa_pool.jsonl');
const POOL = stard.path;
const SAMPLE = 400;

const evidenceOf = (example: Example): Set<string> =>
  new Set(((example.metadata['evidence'] as Array<{ doc_id: string }> | undefined) ?? []).map((item) => item.doc_id));

stard.describe('selectors on the real STARD question pool', () => {
  it('pick examples that cite the same statute articles far more often than random picks', async () => {
    const { examples, skipped } = readExamplePool(POOL, { inputField: 'question', outputField: 'answer', onMalformed: 'skip' });
    // One line of the published file has a bare NaN as its answer: reported, not fatal.
    expect(skipped.map((line) => line.reason)).toEqual(['missing-output']);
    const pool = examples.slice(0, SAMPLE);
    const prepared = await createExamplePool(pool, { analyzer: createAnalyzer() });
    const hitRate = async (name: 'jaccard' | 'bm25' | 'mmr' | 'random'): Promise<number> => {
      const selector = createExampleSelector(prepared, name, {});
      let hits = 0;
      for (const example of pool) {
        const evidence = evidenceOf(example);
        const selected = await selector.select(example.input, { k: 3, exclude: (id) => id === example.id });
        expect(selected.some((item) => item.example.id === example.id)).toBe(false);
        if (selected.some((item) => [...evidenceOf(item.example)].some((id) => evidence.has(id)))) hits += 1;
      }
      return hits / pool.length;
    };
    const random = await hitRate('random');
    // Leave-one-out: similar questions tend to cite the same articles; random picks almost never do.
    for (const name of ['jaccard', 'bm25', 'mmr'] as const) {
      const rate = await hitRate(name);
      expect(rate, name).toBeGreaterThan(Math.max(0.1, 5 * random));
    }
  });
});
