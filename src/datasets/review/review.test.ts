import { describe, expect, it } from 'vitest';
import { parseDataset } from '../read-dataset.js';
import { useTemporaryDirectories } from '../../../test/support/temporary-directory.js';
import { applyReviewDecisions, readReviewState, recordReviewDecision, writeReviewState } from './index.js';
import path from 'node:path';

const temporaryDirectory = useTemporaryDirectories();
const LINES = [
  { id: 'c#0:self-qa:0', messages: [{ role: 'user', content: '问1' }, { role: 'assistant', content: '答1' }], chunkIds: ['c#0'] },
  { id: 'c#0:self-qa:1', messages: [{ role: 'user', content: '问2' }, { role: 'assistant', content: '答2' }], chunkIds: ['c#0'] },
  { id: 'c#1:self-qa:0', messages: [{ role: 'user', content: '问3' }, { role: 'assistant', content: '答3' }], chunkIds: ['c#1'] },
];

describe('review decisions', () => {
  it('persist beside the file with timestamps, and later decisions replace earlier ones', () => {
    const file = path.join(temporaryDirectory(), 'qa.jsonl');
    const state = readReviewState(file);
    recordReviewDecision(state, { id: 'c#0:self-qa:0', action: 'accept' }, { now: () => new Date('2026-01-01T00:00:00Z') });
    recordReviewDecision(state, { id: 'c#0:self-qa:0', action: 'reject', reason: '答非所问' }, { now: () => new Date('2026-01-02T00:00:00Z') });
    writeReviewState(file, state);
    expect(readReviewState(file).decisions).toEqual({ 'c#0:self-qa:0': { id: 'c#0:self-qa:0', action: 'reject', reason: '答非所问', decidedAt: '2026-01-02T00:00:00.000Z' } });
    expect(() => recordReviewDecision(state, { id: 'c#1:self-qa:0', action: 'edit' })).toThrow('needs the new text');
  });

  it('apply: rejected dropped, edits in turns and raw, pending kept unless only approved items are wanted', () => {
    const { records } = parseDataset(LINES.map((line) => JSON.stringify(line)).join('\n'), 'qa.jsonl');
    const decisions = [
      { id: 'c#0:self-qa:0', action: 'reject' as const, decidedAt: 't' },
      { id: 'c#0:self-qa:1', action: 'edit' as const, edited: { output: '改过的答案' }, decidedAt: 't' },
      { id: 'gone', action: 'accept' as const, decidedAt: 't' },
    ];
    const result = applyReviewDecisions(records, decisions);
    expect(result.records.map((record) => record.raw!.id)).toEqual(['c#0:self-qa:1', 'c#1:self-qa:0']);
    expect(result.records[0]!.turns[1]!.content).toBe('改过的答案');
    expect((result.records[0]!.raw!.messages as Array<{ content: string }>)[1]!.content).toBe('改过的答案');
    // The input is not mutated.
    expect(records[1]!.turns[1]!.content).toBe('答2');
    expect(result.counts).toEqual({ accepted: 0, edited: 1, rejected: 1, pending: 1, pendingDropped: 0 });
    expect(result.unmatched).toEqual(['gone']);
    expect(applyReviewDecisions(records, decisions, { keepPending: false }).records.map((record) => record.raw!.id)).toEqual(['c#0:self-qa:1']);
  });
});
