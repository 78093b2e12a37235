import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'vitest';

/**
 * Where the shared datasets live: `$HANGJIA_SHARED_DATASETS` when set (also the way to hide them,
 * to check that a bare clone still passes: `HANGJIA_SHARED_DATASETS=/nonexistent npx vitest run`),
 * else `../shared/datasets` beside the repository.
 */
export function sharedDatasetsRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env['HANGJIA_SHARED_DATASETS'] ? path.resolve(env['HANGJIA_SHARED_DATASETS']) : path.resolve(import.meta.dirname, '..', '..', '..', 'shared', 'datasets');
}

type TestBody = () => unknown;
type TestDeclaration = (name: string, body: TestBody, timeout?: number) => void;
type SuiteDeclaration = (name: string, body: () => void) => void;

/** A dataset from outside the repository, and the `it` / `describe` to declare the tests that read it. */
export interface SharedDataset {
  /** Absolute path of the dataset (file or folder). */
  path: string;
  available: boolean;
  /** `it` when the dataset is there; otherwise a test skipped (or, under CI, failed) with a message naming what is missing. */
  it: TestDeclaration;
  describe: SuiteDeclaration;
}

/**
 * For tests that need a shared dataset (`needsSharedDataset('exams/cmmlu')`): a fresh clone has no
 * `../shared`, and its `npm test` must still pass, so where the dataset is missing the tests are
 * skipped with a message naming it — except under `CI=true`, where missing data is a failure (a CI
 * machine that silently skipped them would report coverage it does not have). Read the dataset
 * inside the tests (or `beforeAll`), never when the module loads: a skipped suite still loads.
 *
 * @example
 * const cmmlu = needsSharedDataset('exams/cmmlu');
 * cmmlu.describe('hangjia eval exam', () => { beforeAll(() => readExam(path.join(cmmlu.path, 'test.jsonl'))); … });
 */
export function needsSharedDataset(relative: string, env: NodeJS.ProcessEnv = process.env, declare: { it: typeof it; describe: typeof describe } = { it, describe }): SharedDataset {
  const location = path.join(sharedDatasetsRoot(env), relative);
  if (existsSync(location)) return { path: location, available: true, it: declare.it, describe: declare.describe };
  const missing = `needs the shared dataset ${relative}, not found at ${location} (set HANGJIA_SHARED_DATASETS to the folder holding it)`;
  if (env['CI'] === 'true') {
    const fail = (): never => {
      throw new Error(`This test ${missing}; with CI=true missing data is a failure, not a skip.`);
    };
    return {
      path: location,
      available: false,
      it: (name) => declare.it(name, fail),
      describe: (name) => declare.describe(name, () => declare.it(`has the shared dataset ${relative}`, fail)),
    };
  }
  process.stderr.write(`Skipping tests that ${missing.replace(/^needs/, 'need')}.\n`);
  return {
    path: location,
    available: false,
    it: (name, body, timeout) => declare.it.skip(`${name} [skipped: ${missing}]`, body, timeout),
    describe: (name, body) => declare.describe.skip(`${name} [skipped: ${missing}]`, body),
  };
}
