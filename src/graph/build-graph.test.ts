import { describe, expect, it } from 'vitest';
import type { StoredChunk } from '../knowledge-base/index.js';
import { estimateModelExtraction } from './build-graph.js';
import { parseGraphSchema } from './graph-schema.js';
import { SCHEMA_PRESETS } from './schema-presets.js';

const chunk = (index: number, tokenCount: number): StoredChunk => ({
  chunk: { id: `doc#${index}`, documentId: 'doc', index, text: '', headingPath: [], start: 0, end: 0, tokenCount },
  documentPath: 'law.md',
  documentTitle: '劳动合同法',
  textHash: `hash-${index}`,
  documentGroups: [],
});

describe('estimateModelExtraction', () => {
  it('prices a 100,000-chunk knowledge base before anything is sent', () => {
    const schema = parseGraphSchema(SCHEMA_PRESETS.law);
    const one = estimateModelExtraction(schema, [chunk(0, 300)], 0);
    const many = estimateModelExtraction(schema, Array.from({ length: 100_000 }, (_, index) => chunk(index, 300)), 7, 2);
    // Replies: half the chunk plus 64 tokens each; prompts: the same instructions and schema each time.
    expect(one.outputTokens).toBe(150 + 64);
    expect(many).toEqual({ chunks: 100_000, alreadyDone: 7, inputTokens: 100_000 * one.inputTokens, outputTokens: 100_000 * 214, estimatedCost: ((100_000 * one.inputTokens + 100_000 * 214) * 2) / 1e6 });
    // The prompt is more than the chunk: the schema in words is sent every time.
    expect(one.inputTokens).toBeGreaterThan(300 + 100);
  });
});
