import { HangjiaError } from '../../errors/index.js';
import type { LanguageModel } from '../../models/index.js';
import type { Language } from '../../prompt/index.js';
import { JsonlAppender, openGenericRunDirectory, writeRunSummary } from '../_run-directory.js';
import type { ResumableRunOptions } from '../resumable-run.js';
import { judgePair, type PairJudgment } from './judge-pair.js';
import type { PairwiseItem } from './pairwise-item.js';
import { summarizePairwiseOutcomes, type PairwiseSummary } from './pairwise-summary.js';

/** The records file of a judged pairwise run. */
export const PAIRWISE_JUDGMENTS_FILE = 'judgments.jsonl';

/** `run.json` of a judged pairwise run; a resumed run must match it except `createdAt`. */
export interface PairwiseRunConfig {
  formatVersion: 1;
  judge: { provider: string; modelId: string };
  /** Where the judge is served (its base URL), when the caller said. Part of the identity. */
  judgeEndpoint?: string;
  /** sha256 of the two answer files (`RunPairwiseComparisonOptions.inputDigest`). Part of the identity. */
  input?: string;
  /** The rubric text, or `default` for {@link DEFAULT_PAIRWISE_RUBRIC}. */
  rubric: string;
  language: Language | 'auto';
  temperature: number;
  seed: number;
  createdAt: string;
}

/** One line of `judgments.jsonl`. */
export interface PairwiseJudgmentRecord extends PairJudgment {
  id: string;
}

/** Options for {@link runPairwiseComparison}. */
export interface RunPairwiseComparisonOptions extends ResumableRunOptions {
  model: LanguageModel;
  /** Where `model` is served, recorded and compared: two servers are two judges. */
  judgeEndpoint?: string;
  /** Identifies the answers compared (e.g. `fileDigest(a, b)`), recorded and compared. */
  inputDigest?: string;
  /** Default: the built-in rubric in the question's language. */
  rubric?: string;
  language?: Language | 'auto';
  /** Default 0. */
  temperature?: number;
  /** Pairs in flight at once, 1–64 (each is two calls, one after the other). Default 2. */
  concurrency?: number;
}

export interface PairwiseRunResult {
  runDirectory: string;
  /** Why another directory than the one asked for was used. */
  runDirectoryNote?: string;
  config: PairwiseRunConfig;
  complete: boolean;
  failure?: { code: string; message: string; isRetryable: boolean; id: string };
  summary: PairwiseSummary & {
    /** Items whose two orders agreed: a judge with position bias scores low here. */
    consistent: number;
    /** Single-order verdicts (two per item) that preferred the answer shown first / second. */
    preferredFirstShown: number;
    preferredSecondShown: number;
  };
  resumedItems: number;
  judgedItems: number;
  droppedLines: number;
  records: PairwiseJudgmentRecord[];
}

/**
 * Model-as-judge comparison of A against B over `items`, each judged in both orders
 * (`judgePair`; a win counts only when both orders agree, else a tie), saved to `judgments.jsonl`
 * as it goes and resumable like the exam runner. The summary adds how often the orders agreed
 * and how often a single verdict preferred the first-shown answer, the judge's position bias.
 *
 * @example
 * const { items } = readPairwiseAnswers('a.jsonl', 'b.jsonl');
 * const result = await runPairwiseComparison(items, { model: judge, runDirectory: 'runs/pairwise.a-vs-b.qwen' });
 * result.summary.winRate; // A's win rate, ties counted half
 */
export async function runPairwiseComparison(items: readonly PairwiseItem[], options: RunPairwiseComparisonOptions): Promise<PairwiseRunResult> {
  const { model, rubric, language = 'auto', temperature = 0, seed = 0, signal, onProgress } = options;
  const concurrency = options.concurrency ?? 2;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    throw new HangjiaError('E_USAGE', `concurrency must be a whole number from 1 to 64; got ${concurrency}.`, { details: { setting: 'concurrency', value: concurrency } });
  }
  const requested: PairwiseRunConfig = {
    formatVersion: 1,
    judge: { provider: model.provider, modelId: model.modelId },
    ...(options.judgeEndpoint === undefined ? {} : { judgeEndpoint: options.judgeEndpoint }),
    ...(options.inputDigest === undefined ? {} : { input: options.inputDigest }),
    rubric: rubric ?? 'default',
    language,
    temperature,
    seed,
    createdAt: (options.clock ?? (() => new Date()))().toISOString(),
  };
  const opened = openGenericRunDirectory<PairwiseRunConfig, PairwiseJudgmentRecord>(
    options.runDirectory,
    requested,
    ['formatVersion', 'judge', 'judgeEndpoint', 'input', 'rubric', 'language', 'temperature', 'seed'],
    PAIRWISE_JUDGMENTS_FILE,
    options.onIdentityMismatch,
  );
  const runDirectory = opened.directory;
  const finished = new Map(opened.records.map((record) => [record.id, record]));
  const pending = items.filter((item) => !finished.has(item.id));
  const resumedItems = items.length - pending.length;
  const writer = new JsonlAppender<PairwiseJudgmentRecord>(runDirectory, PAIRWISE_JUDGMENTS_FILE);
  let failure: PairwiseRunResult['failure'];
  let next = 0;
  let judgedItems = 0;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < pending.length) {
      const item = pending[next++]!;
      try {
        signal?.throwIfAborted();
        const judgment = await judgePair(item, { model, language, temperature, ...(rubric === undefined ? {} : { rubric }), ...(signal ? { signal } : {}) });
        const record: PairwiseJudgmentRecord = { id: item.id, ...judgment };
        writer.append(record);
        finished.set(item.id, record);
        judgedItems += 1;
        onProgress?.({ done: resumedItems + judgedItems, total: items.length });
      } catch (error) {
        failure ??= HangjiaError.is(error)
          ? { code: error.code, message: error.message, isRetryable: error.isRetryable, id: item.id }
          : { code: error instanceof Error && error.name === 'AbortError' ? 'E_ABORTED' : 'E_UNEXPECTED', message: error instanceof Error ? error.message : String(error), isRetryable: false, id: item.id };
        return;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, pending.length) }, worker));
  } finally {
    writer.close();
  }
  const records = items.map((item) => finished.get(item.id)).filter((record): record is PairwiseJudgmentRecord => record !== undefined);
  const summary = {
    ...summarizePairwiseOutcomes(records.map((record) => record.outcome), { items: items.length, seed, ...(options.resamples === undefined ? {} : { resamples: options.resamples }) }),
    consistent: records.filter((record) => record.consistent).length,
    // First order shows A first, the second shows B first.
    preferredFirstShown: records.filter((record) => record.first.preference === 'A').length + records.filter((record) => record.second.preference === 'B').length,
    preferredSecondShown: records.filter((record) => record.first.preference === 'B').length + records.filter((record) => record.second.preference === 'A').length,
  };
  const result: PairwiseRunResult = {
    runDirectory,
    ...(opened.note === undefined ? {} : { runDirectoryNote: opened.note }),
    config: opened.config,
    complete: failure === undefined && records.length === items.length,
    ...(failure === undefined ? {} : { failure }),
    summary,
    resumedItems,
    judgedItems,
    droppedLines: opened.truncatedLines,
    records,
  };
  writeRunSummary(runDirectory, { config: result.config, complete: result.complete, failure: result.failure ?? null, summary });
  return result;
}
