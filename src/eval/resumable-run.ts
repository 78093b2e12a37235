/**
 * What to do when a run directory holds a run with other settings: `error` (the caller named the
 * directory, e.g. `--run-dir`: `E_USAGE` naming the setting) or `new-directory` (the directory was
 * a default: use `<directory>.<identity digest>` and say why, in the result's `runDirectoryNote`).
 * Answers made one way are never resumed into a run made another way.
 */
export type RunIdentityMismatch = 'error' | 'new-directory';

/**
 * The options every resumable runner takes (`runExam`, `runRagEvaluation`,
 * `runPairwiseComparison`): where the run lives, what stops it, and its bootstrap intervals. The
 * comparisons, which keep one such run per strategy under their own folder, take its seed,
 * resamples, signal and clock.
 * Each item's record is appended as it finishes, so a run stopped by `signal`, a failing endpoint
 * or a crash resumes where it was when re-run over the same directory with the same settings.
 */
export interface ResumableRunOptions<Progress = { done: number; total: number }> {
  /** Where `run.json`, the records (JSONL) and `summary.json` go; re-running the same directory resumes. */
  runDirectory: string;
  /** Default `error`. */
  onIdentityMismatch?: RunIdentityMismatch;
  /** Seeds the bootstrap intervals; recorded in the run. Default 0. */
  seed?: number;
  /** Bootstrap resamples. Default 1000. */
  resamples?: number;
  /** Stops starting items; those in flight are dropped unrecorded. The run ends incomplete, resumable. */
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  /** Injected clock for `createdAt`. Default `() => new Date()`. */
  clock?: () => Date;
}
