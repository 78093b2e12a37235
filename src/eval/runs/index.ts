/**
 * @module eval/runs — exam run directories as reproducible artefacts: read one back (config,
 * provenance, per-item outputs), compare two item by item (McNemar's exact test, paired
 * bootstrap of the accuracy change).
 */
export { readExamRun, itemOutcomes, RUN_PROVENANCE_FILE, type ExamRunDirectory, type RunProvenance } from './read-exam-run.js';
export { mcnemarExactTest } from './mcnemar-exact-test.js';
export { pairedBootstrapDifference, type PairedBootstrapOptions, type PairedDifference } from './paired-bootstrap.js';
export { diffExamRuns, type ExamRunDiff } from './diff-exam-runs.js';
export { pairedMeanDifference, type PairedMeanDifference } from './paired-mean-difference.js';
