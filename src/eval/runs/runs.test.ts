import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bootstrapAccuracyInterval, type ExamRecord } from '../exam/index.js';
import { diffExamRuns, itemOutcomes, mcnemarExactTest, pairedBootstrapDifference, readExamRun } from './index.js';

/** A scored record with only what the diff reads. */
export function record(id: string, correct: boolean, rotation = 0): ExamRecord {
  return { id, subject: 's', rotation, prompt: [], shots: [], output: correct ? '答案：A' : '答案：B', extracted: [correct ? 'A' : 'B'], method: 'statement', expected: ['A'], correct, latencyMs: 10, inputTokens: 100, outputTokens: 2, finishReason: 'stop' };
}

describe('mcnemarExactTest', () => {
  it('matches hand-computed binomial tails', () => {
    // b = 1, c = 6: 2 · (C(7,0) + C(7,1)) / 2^7 = 2 · 8 / 128.
    expect(mcnemarExactTest(1, 6)).toBeCloseTo(0.125, 15);
    expect(mcnemarExactTest(6, 1)).toBeCloseTo(0.125, 15);
    // b = 0, c = 10: 2 / 1024.
    expect(mcnemarExactTest(0, 10)).toBeCloseTo(0.001953125, 15);
    // b = 2, c = 3: the tail reaches past the middle, so p is capped at 1.
    expect(mcnemarExactTest(2, 3)).toBe(1);
    expect(mcnemarExactTest(0, 0)).toBe(1);
    // b = 10, c = 30: 2 · Σ_{i≤10} C(40,i) / 2^40 = 0.0022214337732293643 (python3: 2*sum(math.comb(40,i) for i in range(11))/2**40).
    expect(mcnemarExactTest(10, 30)).toBeCloseTo(0.0022214337732293643, 15);
    expect(() => mcnemarExactTest(-1, 2)).toThrow(RangeError);
  });
});

describe('pairedBootstrapDifference', () => {
  it('gives a degenerate interval when every item changes the same way', () => {
    const change = pairedBootstrapDifference(Array(20).fill(true), Array(20).fill(false));
    expect(change).toMatchObject({ items: 20, difference: -1, confidenceInterval: [-1, -1] });
  });

  it('equals the negated accuracy interval of the lost items when items only get worse', () => {
    // 60 items, all right before; 6 lost after. Each paired difference is 0 or −1, so resampling
    // the differences is resampling "lost" outcomes: with the same generator and seed the interval
    // is exactly −[upper, lower] of bootstrapAccuracyInterval over the lost flags.
    const lost = Array.from({ length: 60 }, (_, index) => index % 10 === 3);
    const change = pairedBootstrapDifference(Array(60).fill(true), lost.map((flag) => !flag), { seed: 7 });
    const [low, high] = bootstrapAccuracyInterval(lost, { seed: 7 })!;
    expect(change.difference).toBeCloseTo(-0.1, 15);
    expect(change.confidenceInterval).toEqual([-high, -low]);
  });

  it('rejects unpaired outcomes', () => {
    expect(() => pairedBootstrapDifference([true], [true, false])).toThrow(RangeError);
  });
});

describe('diffExamRuns', () => {
  it('sorts items into the four groups, lists unpaired ones, and tests the discordant ones', () => {
    // 10 paired items: both right q1 q2; both wrong q3; a only q4; b only q5–q10. Plus q11 only in a, q12 only in b.
    const a = ['q1', 'q2', 'q4', 'q11'].map((id) => record(id, true)).concat(['q3', 'q5', 'q6', 'q7', 'q8', 'q9', 'q10'].map((id) => record(id, false)));
    const b = ['q1', 'q2', 'q5', 'q6', 'q7', 'q8', 'q9', 'q10', 'q12'].map((id) => record(id, true)).concat(['q3', 'q4'].map((id) => record(id, false)));
    const diff = diffExamRuns(a, b);
    expect(diff).toMatchObject({ pairedItems: 10, bothRight: ['q1', 'q2'], bothWrong: ['q3'], onlyA: ['q4'], onlyB: ['q5', 'q6', 'q7', 'q8', 'q9', 'q10'], missingInB: ['q11'], missingInA: ['q12'], accuracyA: 0.3, accuracyB: 0.8 });
    expect(diff.mcnemarPValue).toBeCloseTo(0.125, 15);
    expect(diff.change.difference).toBeCloseTo(0.5, 15);
  });

  it('counts a circular item right only when every rotation is', () => {
    expect([...itemOutcomes([record('x', true, 0), record('x', false, 1), record('y', true, 0), record('y', true, 1)])]).toEqual([
      ['x', false],
      ['y', true],
    ]);
  });
});

describe('readExamRun', () => {
  it('reads config and records, counts damaged lines, and names a directory that is not a run', () => {
    const directory = mkdtempSync(path.join(os.tmpdir(), 'hangjia-run-'));
    try {
      expect(() => readExamRun(directory)).toThrow(/has no run\.json/);
      writeFileSync(path.join(directory, 'run.json'), JSON.stringify({ formatVersion: 1, model: { provider: 'p', modelId: 'm' }, template: 'auto', shots: 0, shotSelection: 'none', circular: false, temperature: 0, maxTokens: 128, seed: 0, createdAt: 'x' }));
      writeFileSync(path.join(directory, 'answers.jsonl'), `${JSON.stringify(record('q1', true))}\n{"broken`);
      const run = readExamRun(directory);
      expect(run).toMatchObject({ config: { model: { modelId: 'm' } }, summary: null, provenance: null, damagedLines: 1 });
      expect(run.records.map((entry) => entry.id)).toEqual(['q1']);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
