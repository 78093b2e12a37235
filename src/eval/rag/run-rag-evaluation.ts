import { HangjiaError } from '../../errors/index.js';
import { DEFAULT_BOOTSTRAP_RESAMPLES, groupSeed } from '../exam/index.js';
import { JsonlAppender, openGenericRunDirectory, writeRunSummary } from '../_run-directory.js';
import type { ResumableRunOptions } from '../resumable-run.js';
import { bootstrapMeanInterval } from '../exam/index.js';
import { meanOf } from './bootstrap-mean.js';
import { evaluateRagSample, type RagSampleEvaluation } from './evaluate-rag-sample.js';
import { RAG_METRIC_NAMES, type RagEvaluator, type RagMetricName, type RagRefusal, type RagSample } from './rag-sample.js';
import type { RagInput } from './read-rag-samples.js';

/** The records file of a RAG run directory. */
export const RAG_RECORDS_FILE = 'scores.jsonl';

/** `run.json` of a RAG run; a resumed run must match it except `createdAt`. */
export interface RagRunConfig {
  formatVersion: 1;
  /** `RagEvaluator.settings`: variant, judge or analyzer, thresholds. */
  evaluator: Record<string, unknown>;
  /** How answers were produced when the run generated them (`--kb`), else null. */
  answering: Record<string, unknown> | null;
  /** Where the judge is served (`RunRagEvaluationOptions.judgeEndpoint`), when judged. Part of the identity. */
  judgeEndpoint?: string;
  /** sha256 of the evaluation set (`RunRagEvaluationOptions.inputDigest`). Part of the identity. */
  input?: string;
  seed: number;
  createdAt: string;
}

/** One line of `scores.jsonl`: the sample as scored and its evaluation. */
export interface RagRecord extends RagSampleEvaluation {
  sample: RagSample;
}

/** Mean of one metric over the items where it applies. */
export interface RagMetricSummary {
  /** Items where the metric applies (not null). */
  items: number;
  mean: number | null;
  /** Percentile bootstrap of the mean, or null for no items. */
  confidenceInterval: [number, number] | null;
}

export interface RagSummary {
  variant: RagEvaluator['variant'];
  items: number;
  evaluated: number;
  pending: number;
  metrics: Record<RagMetricName, RagMetricSummary>;
  /**
   * Evaluated items the system refused to answer (`RagSample.refusal`), their share of
   * `evaluated` (null when none was), and the count per reason.
   */
  refusals: { items: number; rate: number | null; byReason: Record<RagRefusal, number> };
  /** Evaluated items whose prompt dropped or cut retrieved passages for its token budget (`RagSample.passages`). */
  budgetLimited: { items: number; rate: number | null };
  /** Means over items whose sample records `work` (runs that answered themselves); null when none does. */
  work: { evidenceRecall: RagMetricSummary; steps: RagMetricSummary; tokens: RagMetricSummary } | null;
  confidenceLevel: number;
  resamples: number;
  seed: number;
}

/** Options for {@link runRagEvaluation}. */
export interface RunRagEvaluationOptions extends ResumableRunOptions {
  evaluator: RagEvaluator;
  /** Where the judge model is served (its base URL), recorded and compared: two servers are two judges. */
  judgeEndpoint?: string;
  /** Identifies the evaluation set (e.g. `fileDigest` of its file), recorded and compared. */
  inputDigest?: string;
  /**
   * Produces answer and contexts for inputs without them (e.g. `answerQuestion` over a knowledge
   * base): the contexts the answer was made from, plus `refusal` when it declines and `passages`
   * when some retrieved passages did not reach the model (both kept in the scored sample).
   */
  generate?: (input: RagInput, signal?: AbortSignal) => Promise<Pick<RagSample, 'answer' | 'contexts' | 'refusal' | 'passages' | 'generation' | 'work'>>;
  /** Recorded in `run.json` when `generate` is given (model, knowledge base, k). */
  answering?: Record<string, unknown>;
  /** Samples in flight at once, 1–64. Default 2. */
  concurrency?: number;
}

export interface RagRunResult {
  runDirectory: string;
  /** Why another directory than the one asked for was used. */
  runDirectoryNote?: string;
  config: RagRunConfig;
  complete: boolean;
  /** Why the run stopped early (the sample whose judging or answering failed). */
  failure?: { code: string; message: string; isRetryable: boolean; id: string };
  summary: RagSummary;
  resumedItems: number;
  evaluatedItems: number;
  droppedLines: number;
  /** One per input that finished, in input order. */
  records: RagRecord[];
}

/**
 * Scores every input with `evaluator`, appending each record to `scores.jsonl` as it finishes,
 * and summarises each metric as a mean with a percentile-bootstrap 95 % interval (over the items
 * where the metric applies). A re-run over the same directory with the same settings skips the
 * items already scored, so a judge endpoint failing halfway costs nothing twice; when a call
 * fails, no new items start, and the result carries `failure` (`complete: false`) instead of
 * throwing. Layout and resume rules follow the exam runner (`runExam`).
 *
 * @example
 * const { samples } = readRagSamples('law-rag.jsonl');
 * const result = await runRagEvaluation(samples, { evaluator: createLexicalRagEvaluator(), runDirectory: 'runs/rag.law.lexical' });
 * result.summary.metrics.faithfulness; // { items, mean, confidenceInterval }
 */
export async function runRagEvaluation(inputs: readonly RagInput[], options: RunRagEvaluationOptions): Promise<RagRunResult> {
  const { evaluator, generate, seed = 0, signal, onProgress } = options;
  const concurrency = options.concurrency ?? 2;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    throw new HangjiaError('E_USAGE', `concurrency must be a whole number from 1 to 64; got ${concurrency}.`, { details: { setting: 'concurrency', value: concurrency } });
  }
  const unanswered = inputs.find((input) => input.answer === undefined || input.contexts === undefined);
  if (unanswered !== undefined && generate === undefined) {
    throw new HangjiaError('E_USAGE', `Item ${unanswered.id} has no "answer" and "contexts", and nothing was given to answer it: add them to the file, or answer from a knowledge base (CLI: --kb <name>).`, {
      details: { id: unanswered.id },
    });
  }
  const requested: RagRunConfig = {
    formatVersion: 1,
    evaluator: evaluator.settings,
    answering: generate === undefined ? null : (options.answering ?? {}),
    ...(options.judgeEndpoint === undefined ? {} : { judgeEndpoint: options.judgeEndpoint }),
    ...(options.inputDigest === undefined ? {} : { input: options.inputDigest }),
    seed,
    createdAt: (options.clock ?? (() => new Date()))().toISOString(),
  };
  const opened = openGenericRunDirectory<RagRunConfig, RagRecord>(
    options.runDirectory,
    requested,
    ['formatVersion', 'evaluator', 'answering', 'judgeEndpoint', 'input', 'seed'],
    RAG_RECORDS_FILE,
    options.onIdentityMismatch,
  );
  const runDirectory = opened.directory;
  const finished = new Map(opened.records.map((record) => [record.id, record]));
  const pending = inputs.filter((input) => !finished.has(input.id));
  const resumedItems = inputs.length - pending.length;

  const writer = new JsonlAppender<RagRecord>(runDirectory, RAG_RECORDS_FILE);
  let failure: RagRunResult['failure'];
  let next = 0;
  let evaluatedItems = 0;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < pending.length) {
      const input = pending[next++]!;
      try {
        signal?.throwIfAborted();
        const produced = input.answer !== undefined && input.contexts !== undefined ? { answer: input.answer, contexts: input.contexts } : await generate!(input, signal);
        const sample: RagSample = { ...input, ...produced };
        const evaluation = await evaluateRagSample(sample, evaluator, signal);
        const record: RagRecord = { ...evaluation, sample };
        writer.append(record);
        finished.set(record.id, record);
        evaluatedItems += 1;
        onProgress?.({ done: resumedItems + evaluatedItems, total: inputs.length });
      } catch (error) {
        failure ??= describeFailure(error, input.id);
        return;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, pending.length) }, worker));
  } finally {
    writer.close();
  }

  const records = inputs.map((input) => finished.get(input.id)).filter((record): record is RagRecord => record !== undefined);
  const summary = summarizeRagRecords(records, {
    variant: evaluator.variant,
    items: inputs.length,
    seed,
    ...(options.resamples === undefined ? {} : { resamples: options.resamples }),
  });
  const result: RagRunResult = {
    runDirectory,
    ...(opened.note === undefined ? {} : { runDirectoryNote: opened.note }),
    config: opened.config,
    complete: failure === undefined && records.length === inputs.length,
    ...(failure === undefined ? {} : { failure }),
    summary,
    resumedItems,
    evaluatedItems,
    droppedLines: opened.truncatedLines,
    records,
  };
  writeRunSummary(runDirectory, { config: result.config, complete: result.complete, failure: result.failure ?? null, summary });
  return result;
}

/**
 * Mean and bootstrap interval of every metric over `records` (items where it is null are left
 * out of that metric, and its `items` says how many remain), and the count of refusals and of
 * items whose prompt dropped or cut passages.
 */
export function summarizeRagRecords(
  records: ReadonlyArray<Pick<RagRecord, 'scores'> & { sample?: Pick<RagSample, 'refusal' | 'passages' | 'work'> }>,
  options: { variant: RagEvaluator['variant']; items?: number; seed?: number; resamples?: number; level?: number },
): RagSummary {
  const { seed = 0, resamples = DEFAULT_BOOTSTRAP_RESAMPLES, level = 0.95 } = options;
  const metrics = {} as Record<RagMetricName, RagMetricSummary>;
  for (const name of RAG_METRIC_NAMES) {
    const values = records.map((record) => record.scores[name]).filter((value): value is number => value !== null);
    metrics[name] = {
      items: values.length,
      mean: meanOf(values),
      confidenceInterval: bootstrapMeanInterval(values, { seed: groupSeed(seed, name), resamples, level }) ?? null,
    };
  }
  const items = options.items ?? records.length;
  const share = (count: number): number | null => (records.length === 0 ? null : count / records.length);
  const byReason: Record<RagRefusal, number> = { 'evidence-threshold': 0, model: 0 };
  let budgetLimited = 0;
  for (const { sample } of records) {
    if (sample?.refusal !== undefined) byReason[sample.refusal] += 1;
    if (sample?.passages && sample.passages.dropped.length + sample.passages.truncated.length > 0) budgetLimited += 1;
  }
  const refused = byReason['evidence-threshold'] + byReason.model;
  const worked = records.flatMap(({ sample }) => (sample?.work ? [sample.work] : []));
  const summarize = (name: string, values: number[]): RagMetricSummary => ({
    items: values.length,
    mean: meanOf(values),
    confidenceInterval: bootstrapMeanInterval(values, { seed: groupSeed(seed, name), resamples, level }) ?? null,
  });
  const work =
    worked.length === 0
      ? null
      : {
          evidenceRecall: summarize('evidenceRecall', worked.flatMap((item) => (item.evidenceRecall === null ? [] : [item.evidenceRecall]))),
          steps: summarize('steps', worked.map((item) => item.steps)),
          tokens: summarize('tokens', worked.map((item) => item.tokens)),
        };
  return {
    variant: options.variant,
    items,
    evaluated: records.length,
    pending: items - records.length,
    metrics,
    refusals: { items: refused, rate: share(refused), byReason },
    budgetLimited: { items: budgetLimited, rate: share(budgetLimited) },
    work,
    confidenceLevel: level,
    resamples,
    seed,
  };
}

function describeFailure(error: unknown, id: string): NonNullable<RagRunResult['failure']> {
  if (HangjiaError.is(error)) return { code: error.code, message: error.message, isRetryable: error.isRetryable, id };
  if (error instanceof Error && error.name === 'AbortError') return { code: 'E_ABORTED', message: error.message || 'The run was aborted.', isRetryable: true, id };
  return { code: 'E_UNEXPECTED', message: error instanceof Error ? error.message : String(error), isRetryable: false, id };
}
