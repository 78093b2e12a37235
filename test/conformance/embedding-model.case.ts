/**
 * The shared suite every `EmbeddingModel` adapter runs (after Hono's `src/router/common.case.test.ts`).
 * It checks the contract through `embedMany`, the way callers use a model:
 * vectors have one length (the declared one, when declared); equal texts give equal vectors;
 * N texts give N vectors in input order, across batch boundaries; no texts give no vectors.
 *
 * @example
 * runEmbeddingModelConformance('llama-cpp', async () => ({ model: createLlamaCppEmbeddingModel({ … }), dispose: … }));
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embedMany, type EmbeddingModel } from '../../src/models/index.js';

export interface ConformanceSubject {
  model: EmbeddingModel;
  /** Releases the model and anything the test started for it (a server, native memory). */
  dispose?: () => Promise<void>;
}

/** Texts mixing Chinese, English and the empty string, with a repeat to compare. */
const TEXTS = ['劳动合同试用期最长多久', 'How long can a probation period last?', '', '民法典规定侵权责任', '劳动合同试用期最长多久', '知识库检索'];

/**
 * Batched and single runs may differ in the last float bits (padding changes the summation order),
 * so "equal" means equal to 5 decimals.
 */
function expectSameVector(actual: Float32Array | undefined, expected: Float32Array | undefined): void {
  expect(actual).toBeDefined();
  expect(Array.from(actual ?? [])).toEqual(Array.from(expected ?? []).map((value) => expect.closeTo(value, 5)));
}

export function runEmbeddingModelConformance(name: string, make: () => Promise<ConformanceSubject>): void {
  describe(`EmbeddingModel conformance: ${name}`, () => {
    let subject: ConformanceSubject;
    beforeAll(async () => {
      subject = await make();
    });
    afterAll(async () => {
      await subject?.dispose?.();
    });

    it('returns vectors of one length, matching the declared dimensions', async () => {
      const { embeddings } = await embedMany(subject.model, TEXTS);
      const length = embeddings[0]?.length ?? 0;
      expect(length).toBeGreaterThan(0);
      for (const vector of embeddings) expect(vector.length).toBe(length);
      // Local adapters declare dimensions once loaded; after one call every adapter must know it.
      if (subject.model.dimensions !== undefined) expect(subject.model.dimensions).toBe(length);
      for (const vector of embeddings) expect(vector.every(Number.isFinite)).toBe(true);
    });

    it('gives equal vectors for equal texts, in one call and across calls', async () => {
      const first = await embedMany(subject.model, TEXTS);
      const second = await embedMany(subject.model, [TEXTS[0] ?? '']);
      expectSameVector(first.embeddings[4], first.embeddings[0]);
      expectSameVector(second.embeddings[0], first.embeddings[0]);
      // And different texts give different vectors, or the first check proves nothing.
      expect(first.embeddings[3]).not.toEqual(first.embeddings[0]);
    });

    it('returns N vectors in input order, across batch boundaries', async () => {
      const values = Array.from({ length: subject.model.maxEmbeddingsPerCall * 2 + 1 }, (_, index) => TEXTS[index % TEXTS.length] ?? '');
      const progress: number[] = [];
      const { embeddings } = await embedMany(subject.model, values, { onProgress: ({ completed }) => progress.push(completed) });
      expect(embeddings).toHaveLength(values.length);
      const singles = await embedMany(subject.model, TEXTS);
      for (const [index, vector] of embeddings.entries()) expectSameVector(vector, singles.embeddings[index % TEXTS.length]);
      expect(progress.at(-1)).toBe(values.length);
      expect(progress).toHaveLength(3);
    });

    it('returns no vectors for no texts', async () => {
      expect(await embedMany(subject.model, [])).toEqual({ embeddings: [], usage: { tokens: 0 } });
    });
  });
}
