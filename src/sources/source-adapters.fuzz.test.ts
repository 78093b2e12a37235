import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { caseBytes, describeCase, docxZipBomb, FUZZ_TARGETS, fuzzCaseArbitrary, judgeInput, seedBytes } from '../../test/support/source-fuzz.js';
import { DOCX_MAX_EXPANDED_BYTES } from './adapters/docx-adapter.js';

// Fixed seed: the same few hundred inputs every run, so a failure reproduces. The long run with
// more cases and larger inputs is bench/fuzz.ts.
const SEED = 17;
const RUNS_PER_TARGET = 200;
// Far above what any case here needs (milliseconds); a parser that loops forever is stopped by
// the ingest path's own per-file limit, which the oracle counts as unexpected.
const FILE_TIME_LIMIT_MS = 10_000;

describe('every source adapter ends a generated or mutated input in documents or a named HangjiaError', () => {
  it.each(FUZZ_TARGETS)('%s: the unmutated seed gives documents', async (target) => {
    expect(await judgeInput(target, await seedBytes(target), FILE_TIME_LIMIT_MS)).toMatchObject({ kind: 'documents' });
  });

  it.each(FUZZ_TARGETS)(`%s: ${RUNS_PER_TARGET} mutated inputs`, async (target) => {
    await fc.assert(
      fc.asyncProperty(fuzzCaseArbitrary(target), async (fuzzCase) => {
        const outcome = await judgeInput(target, await caseBytes(fuzzCase), FILE_TIME_LIMIT_MS);
        if (outcome.kind === 'unexpected') throw new Error(`${describeCase(fuzzCase)}\n${outcome.reason}`);
      }),
      { seed: SEED, numRuns: RUNS_PER_TARGET },
    );
  }, 60_000);

  it('refuses a DOCX zip bomb under the file-size limit by its expanded size, naming the file', async () => {
    const bomb = await docxZipBomb(DOCX_MAX_EXPANDED_BYTES + 1024 * 1024);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    expect(await judgeInput('docx', bomb, FILE_TIME_LIMIT_MS)).toEqual({ kind: 'refused', code: 'E_SOURCE_CORRUPT' });
  });
});
