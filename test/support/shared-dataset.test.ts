import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { needsSharedDataset, sharedDatasetsRoot } from './shared-dataset.js';

/** Records what a helper declares instead of declaring it, so the skip and the CI failure can be inspected. */
function recorder(): { declared: Array<{ kind: string; name: string; body: () => unknown }>; api: Parameters<typeof needsSharedDataset>[2] } {
  const declared: Array<{ kind: string; name: string; body: () => unknown }> = [];
  const test = Object.assign((name: string, body: () => unknown) => void declared.push({ kind: 'it', name, body }), {
    skip: (name: string, body: () => unknown) => void declared.push({ kind: 'it.skip', name, body }),
  });
  const suite = Object.assign((name: string, body: () => void) => {
    declared.push({ kind: 'describe', name, body });
    body();
  }, { skip: (name: string, body: () => void) => void declared.push({ kind: 'describe.skip', name, body }) });
  return { declared, api: { it: test, describe: suite } as unknown as Parameters<typeof needsSharedDataset>[2] };
}

describe('needsSharedDataset', () => {
  it('looks beside the repository unless HANGJIA_SHARED_DATASETS says otherwise', () => {
    expect(sharedDatasetsRoot({})).toBe(path.resolve(import.meta.dirname, '../../../shared/datasets'));
    expect(sharedDatasetsRoot({ HANGJIA_SHARED_DATASETS: '/data/sets' })).toBe(path.resolve('/data/sets'));
    const present = needsSharedDataset('shared-dataset.ts', { HANGJIA_SHARED_DATASETS: import.meta.dirname });
    expect(present).toMatchObject({ path: path.join(import.meta.dirname, 'shared-dataset.ts'), available: true, it });
  });

  it('skips where the dataset is missing, naming it and where it looked', () => {
    const { declared, api } = recorder();
    const missing = needsSharedDataset('exams/cmmlu', { HANGJIA_SHARED_DATASETS: '/nonexistent' }, api);
    expect(missing.available).toBe(false);
    missing.it('scores the exam', () => undefined);
    missing.describe('eval exam', () => undefined);
    expect(declared.map(({ kind, name }) => [kind, name])).toEqual([
      ['it.skip', `scores the exam [skipped: needs the shared dataset exams/cmmlu, not found at ${path.join(path.resolve('/nonexistent'), 'exams/cmmlu')} (set HANGJIA_SHARED_DATASETS to the folder holding it)]`],
      ['describe.skip', `eval exam [skipped: needs the shared dataset exams/cmmlu, not found at ${path.join(path.resolve('/nonexistent'), 'exams/cmmlu')} (set HANGJIA_SHARED_DATASETS to the folder holding it)]`],
    ]);
  });

  it('fails instead under CI=true, without running the suite body', () => {
    const { declared, api } = recorder();
    const missing = needsSharedDataset('exams/cmmlu', { HANGJIA_SHARED_DATASETS: '/nonexistent', CI: 'true' }, api);
    let ran = false;
    missing.describe('eval exam', () => {
      ran = true;
    });
    expect(ran).toBe(false);
    expect(declared.map(({ kind, name }) => [kind, name])).toEqual([['describe', 'eval exam'], ['it', 'has the shared dataset exams/cmmlu']]);
    expect(() => declared[1]!.body()).toThrow(/^This test needs the shared dataset exams\/cmmlu, not found at .*; with CI=true missing data is a failure, not a skip\.$/);
  });
});
