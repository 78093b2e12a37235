import type { ExamRecord } from '../exam/index.js';
import { mcnemarExactTest } from './mcnemar-exact-test.js';
import { pairedBootstrapDifference, type PairedBootstrapOptions, type PairedDifference } from './paired-bootstrap.js';
import { itemOutcomes } from './read-exam-run.js';

/** Item-by-item comparison of two runs over the same exam. */
export interface ExamRunDiff {
  /** Items answered in both runs (the paired set every number below is computed on). */
  pairedItems: number;
  bothRight: string[];
  bothWrong: string[];
  /** Right in run a only. */
  onlyA: string[];
  /** Right in run b only. */
  onlyB: string[];
  /** Items answered in one run only (left out of the comparison). */
  missingInB: string[];
  missingInA: string[];
  accuracyA: number | null;
  accuracyB: number | null;
  /** accuracy(b) − accuracy(a) on the paired items, with a paired-bootstrap interval. */
  change: PairedDifference;
  /** Two-sided exact McNemar p-value for "a and b are equally accurate" (see `mcnemarExactTest`). */
  mcnemarPValue: number;
}

/**
 * Compares two exam runs item by item: which items both got right, both wrong, or only one got
 * right, the accuracy change with its paired-bootstrap interval, and McNemar's exact p-value.
 * Items are matched by id; items one run lacks are listed, not counted.
 *
 * @example
 * const diff = diffExamRuns(readExamRun(a).records, readExamRun(b).records);
 * diff.onlyB.length; diff.mcnemarPValue;
 */
export function diffExamRuns(recordsA: readonly ExamRecord[], recordsB: readonly ExamRecord[], options: PairedBootstrapOptions = {}): ExamRunDiff {
  const outcomesA = itemOutcomes(recordsA);
  const outcomesB = itemOutcomes(recordsB);
  const diff: ExamRunDiff = {
    pairedItems: 0,
    bothRight: [],
    bothWrong: [],
    onlyA: [],
    onlyB: [],
    missingInB: [],
    missingInA: [...outcomesB.keys()].filter((id) => !outcomesA.has(id)),
    accuracyA: null,
    accuracyB: null,
    change: pairedBootstrapDifference([], [], options),
    mcnemarPValue: 1,
  };
  const before: boolean[] = [];
  const after: boolean[] = [];
  for (const [id, a] of outcomesA) {
    const b = outcomesB.get(id);
    if (b === undefined) {
      diff.missingInB.push(id);
      continue;
    }
    before.push(a);
    after.push(b);
    (a ? (b ? diff.bothRight : diff.onlyA) : b ? diff.onlyB : diff.bothWrong).push(id);
  }
  diff.pairedItems = before.length;
  if (before.length > 0) {
    diff.accuracyA = (diff.bothRight.length + diff.onlyA.length) / before.length;
    diff.accuracyB = (diff.bothRight.length + diff.onlyB.length) / before.length;
  }
  diff.change = pairedBootstrapDifference(before, after, options);
  diff.mcnemarPValue = mcnemarExactTest(diff.onlyA.length, diff.onlyB.length);
  return diff;
}
