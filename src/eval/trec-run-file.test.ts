import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatTrecRun, readTrecRun, writeTrecRun } from './trec-run-file.js';
import type { Run } from './run.js';

describe('TREC run files', () => {
  const run: Run = new Map([
    ['q2', [{ docid: 'a', score: 1.5 }, { docid: 'c', score: 3 }, { docid: 'b', score: 1.5 }]],
    ['q1', [{ docid: 'x', score: -0.25 }]],
  ]);

  it('writes qid Q0 docid rank score tag in trec_eval order', () => {
    // c has the top score; a and b tie at 1.5 and trec_eval puts the larger id first: b, then a.
    expect(formatTrecRun(run, { tag: 'bigram.bm25' })).toBe(
      'q2 Q0 c 1 3 bigram.bm25\nq2 Q0 b 2 1.5 bigram.bm25\nq2 Q0 a 3 1.5 bigram.bm25\nq1 Q0 x 1 -0.25 bigram.bm25\n',
    );
    expect(formatTrecRun(run, { tag: 't', depth: 1 })).toBe('q2 Q0 c 1 3 t\nq1 Q0 x 1 -0.25 t\n');
  });

  it('reads back what it wrote, scores exact', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'hangjia-eval-')), 'run.txt');
    writeTrecRun(path, run, { tag: 'bigram.bm25' });
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(5);
    expect(readTrecRun(path)).toEqual(new Map([
      ['q2', [{ docid: 'c', score: 3 }, { docid: 'b', score: 1.5 }, { docid: 'a', score: 1.5 }]],
      ['q1', [{ docid: 'x', score: -0.25 }]],
    ]));
  });

  it('names the path and line of a malformed run line', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'hangjia-eval-')), 'bad.txt');
    writeFileSync(path, 'q1 Q0 d1 1 2.0 tag\n\nq1 Q0 d2 2 high tag\n');
    expect(() => readTrecRun(path)).toThrow(expect.objectContaining({ code: 'E_DATASET', details: { path, line: 3 } }));
    writeFileSync(path, 'q1 Q0 d1 1 2.0\n');
    expect(() => readTrecRun(path)).toThrow(expect.objectContaining({ details: { path, line: 1 } }));
  });

  it('refuses a tag with whitespace, which would shift the columns', () => {
    expect(() => formatTrecRun(run, { tag: 'two words' })).toThrow(expect.objectContaining({ code: 'E_USAGE' }));
  });
});
