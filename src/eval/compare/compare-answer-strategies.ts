import path from 'node:path';
import type { LanguageModel } from '../../models/index.js';
import { bootstrapMeanInterval, groupSeed } from '../exam/index.js';
import {
  judgeAnswerCorrectness,
  meanOf,
  runRagEvaluation,
  type RagEvaluator,
  type RagInput,
  type RagMetricSummary,
  type RagRecord,
  type RagRunResult,
} from '../rag/index.js';
import { pairedMeanDifference, type PairedMeanDifference } from '../runs/index.js';
import type { ResumableRunOptions } from '../resumable-run.js';
import { strategySlug } from './compare-strategies.js';
import type { FreeFormAnswerer } from './free-form-answerers.js';
import { recommendStrategy, type Recommendation, type StrategyKind } from './recommend-strategy.js';
import { costPerThousandItems, type TokenPrice } from './token-price.js';

/** One way of answering free-form questions. */
export interface AnswerStrategy {
  /** Unique in the comparison; names the run directory (`<out>/runs/<name>`). */
  name: string;
  kind: StrategyKind;
  /** The model that writes the answers, for the record. */
  model: { provider: string; modelId: string };
  /** Answers come from retrieved passages: faithfulness, citations and refusals apply. */
  grounded: boolean;
  answer: FreeFormAnswerer;
  /**
   * Everything that changes the answers (shots and selector, knowledge base, k, evidence
   * threshold, temperature, max tokens, endpoint): recorded in the run directory's `run.json`, so
   * a re-run with any of them changed stops with an error naming it instead of mixing answers.
   */
  settings: Record<string, unknown>;
  /** Token prices; without one the cost is reported unknown. */
  price?: TokenPrice;
  /** Where an endpoint lives, for the record. */
  baseURL?: string;
}

/** The per-item measures an answer comparison reports, in report order. */
export const ANSWER_COMPARISON_METRICS = [
  'judgedCorrectness',
  'characterF1',
  'rougeL',
  'exactMatch',
  'faithfulness',
  'citationPrecision',
  'citedSentenceAccuracy',
  'answerRelevancy',
] as const;
export type AnswerComparisonMetric = (typeof ANSWER_COMPARISON_METRICS)[number];

/** Options for {@link compareAnswerStrategies}. */
export interface CompareAnswerStrategiesOptions extends Pick<ResumableRunOptions, 'seed' | 'resamples' | 'signal' | 'clock'> {
  strategies: readonly AnswerStrategy[];
  /** Report folder; each strategy's run directory is `<outDirectory>/runs/<name>` (re-running resumes). */
  outDirectory: string;
  /** Scores faithfulness, citations and answer relevancy (`createLexicalRagEvaluator`, or `createModelRagEvaluator` when judged). */
  evaluator: RagEvaluator;
  /** Judges answer correctness against each reference (`judgeAnswerCorrectness`); without it the measure is character F1. */
  judge?: LanguageModel;
  /** The question file, for the record. */
  questionsPath?: string;
  /** The command line, for the record (secrets must not be in it). */
  command?: string;
  /** Questions in flight per strategy. Default 2. */
  concurrency?: number;
  /** Seeds bootstrap intervals and randomization tests; recorded. Default 0. */
  seed?: number;
  onProgress?: (strategy: string, progress: { done: number; total: number }) => void;
  /** Milliseconds clock for latency (default `performance.now`). */
  now?: () => number;
}

/** One strategy's line of the report. */
export interface AnswerStrategyResult {
  name: string;
  kind: StrategyKind;
  model: { provider: string; modelId: string };
  grounded: boolean;
  runDirectory: string;
  complete: boolean;
  failure: RagRunResult['failure'] | null;
  /** Questions answered and scored. */
  items: number;
  metrics: Record<AnswerComparisonMetric, RagMetricSummary>;
  /** Share of answers that declined (grounded strategies; null for the others, which are not asked to refuse). */
  refusalRate: number | null;
  latencyMs: { p50: number | null; p95: number | null; mean: number | null };
  usage: { inputTokens: number; outputTokens: number };
  tokensPerItem: number | null;
  price: TokenPrice | null;
  costPer1000Items: number | null;
  /** Paired comparison with the recommended strategy on each measure (null for itself or when nothing is recommended). */
  pairedVersusRecommended: Partial<Record<AnswerComparisonMetric, PairedMeanDifference>> | null;
}

/** Everything `eval compare` reports for free-form answers. */
export interface AnswerComparison {
  formatVersion: 1;
  kind: 'free-form';
  createdAt: string;
  questions: { path: string | null; items: number };
  command: string | null;
  /** What the recommendation is judged on. */
  measure: 'judgedCorrectness' | 'characterF1';
  evaluator: Record<string, unknown>;
  judge: { provider: string; modelId: string } | null;
  confidenceLevel: number;
  resamples: number;
  seed: number;
  strategies: AnswerStrategyResult[];
  recommendation: Recommendation;
}

/**
 * Answers one RAG question set (the `eval rag` format: question and reference answer) under several
 * strategies — zero-shot, few-shot, RAG, RAG + few-shot, other endpoints, and any strategy given as
 * a `FreeFormAnswerer` — each as a resumable `runRagEvaluation` run directory, so the metrics are
 * exactly those of `eval rag`: character F1, ROUGE-L and exact match against the reference,
 * model-judged correctness when a `judge` is given, and for grounded strategies faithfulness,
 * citation precision and refusals. Then puts means with bootstrap intervals, latency, tokens and
 * cost side by side, applies `FREE_FORM_RECOMMENDATION_RULE`, and compares every strategy with the
 * recommended one item by item (paired bootstrap interval and randomization test per measure).
 *
 * @example
 * const comparison = await compareAnswerStrategies(questions, {
 *   outDirectory: 'reports/law-qa', evaluator: createLexicalRagEvaluator(),
 *   strategies: [
 *     { name: 'zero-shot', kind: 'zero-shot', model, grounded: false, answer: createDirectAnswerer({ model }), settings: {} },
 *     { name: 'rag', kind: 'rag', model, grounded: true, answer: createKnowledgeBaseAnswerer(kb, { model }), settings: { knowledgeBase: 'law' } },
 *   ],
 * });
 */
export async function compareAnswerStrategies(inputs: readonly RagInput[], options: CompareAnswerStrategiesOptions): Promise<AnswerComparison> {
  const { strategies, outDirectory, evaluator, judge, seed = 0, resamples = 1000 } = options;
  const now = options.now ?? (() => performance.now());
  const names = new Set<string>();
  for (const strategy of strategies) {
    if (names.has(strategy.name)) throw new RangeError(`Two strategies are named "${strategy.name}"; names must be unique (they name the run directories).`);
    names.add(strategy.name);
  }
  // Each strategy answers the questions itself: answers or contexts in the file are not theirs.
  const questions: RagInput[] = inputs.map(({ answer: _answer, contexts: _contexts, refusal: _refusal, passages: _passages, generation: _generation, ...question }) => question);
  const createdAt = (options.clock ?? (() => new Date()))().toISOString();
  const rows: AnswerStrategyResult[] = [];
  const recordsByStrategy = new Map<string, RagRecord[]>();

  for (const strategy of strategies) {
    const runDirectory = path.join(outDirectory, 'runs', strategySlug(strategy.name));
    const result = await runRagEvaluation(questions, {
      evaluator: strategy.grounded ? evaluator : withoutPassageMetrics(evaluator),
      runDirectory,
      generate: async (input, signal) => {
        const started = now();
        const { usage, ...produced } = await strategy.answer(input.question, signal);
        const latencyMs = now() - started;
        const correctness =
          judge && input.reference !== undefined
            ? await judgeAnswerCorrectness(judge, { question: input.question, reference: input.reference, answer: produced.answer }, signal ? { signal } : {})
            : undefined;
        return { ...produced, generation: { latencyMs, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, ...(correctness ? { correctness } : {}) } };
      },
      answering: {
        strategy: strategy.name,
        kind: strategy.kind,
        model: strategy.model,
        ...(strategy.baseURL ? { baseURL: strategy.baseURL } : {}),
        grounded: strategy.grounded,
        settings: strategy.settings,
        judge: judge ? { provider: judge.provider, modelId: judge.modelId } : null,
      },
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      seed,
      resamples,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: (progress: { done: number; total: number }) => options.onProgress!(strategy.name, progress) } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
    });
    recordsByStrategy.set(strategy.name, result.records);
    rows.push(summarizeStrategy(strategy, result, { seed, resamples }));
    if (options.signal?.aborted) break;
  }

  const measure: AnswerComparison['measure'] = judge ? 'judgedCorrectness' : 'characterF1';
  const recommendation = recommendStrategy(
    rows.map((row) => ({
      name: row.name,
      kind: row.kind,
      complete: row.complete,
      accuracy: row.metrics[measure].mean,
      confidenceInterval: row.metrics[measure].confidenceInterval,
      costPer1000Items: row.costPer1000Items,
      tokensPerItem: row.tokensPerItem,
    })),
    { measure: measure === 'judgedCorrectness' ? 'judged correctness' : 'character F1', excluded: groundingExclusions(rows) },
  );
  if (recommendation.strategy !== null) {
    const chosen = recordsByStrategy.get(recommendation.strategy)!;
    for (const row of rows) {
      if (row.name === recommendation.strategy) continue;
      const other = recordsByStrategy.get(row.name)!;
      const paired: Partial<Record<AnswerComparisonMetric, PairedMeanDifference>> = {};
      for (const metric of ANSWER_COMPARISON_METRICS) {
        const scores = (records: readonly RagRecord[]): Map<string, number | null> => new Map(records.map((record) => [record.id, metricValue(record, metric)]));
        const before = scores(chosen);
        const after = scores(other);
        const ids = questions.map((question) => question.id).filter((id) => before.has(id) && after.has(id));
        const difference = pairedMeanDifference(ids.map((id) => before.get(id)!), ids.map((id) => after.get(id)!), { seed: groupSeed(seed, metric), resamples });
        if (difference.items > 0) paired[metric] = difference;
      }
      row.pairedVersusRecommended = paired;
    }
  }
  return {
    formatVersion: 1,
    kind: 'free-form',
    createdAt,
    questions: { path: options.questionsPath ?? null, items: questions.length },
    command: options.command ?? null,
    measure,
    evaluator: evaluator.settings,
    judge: judge ? { provider: judge.provider, modelId: judge.modelId } : null,
    confidenceLevel: 0.95,
    resamples,
    seed,
    strategies: rows,
    recommendation,
  };
}

/** A record's value of one measure: the evaluation's scores, or the judge's verdict kept with the answer. */
function metricValue(record: RagRecord, metric: AnswerComparisonMetric): number | null {
  if (metric === 'judgedCorrectness') return record.sample.generation?.correctness?.score ?? null;
  return record.scores[metric];
}

function summarizeStrategy(strategy: AnswerStrategy, result: RagRunResult, options: { seed: number; resamples: number }): AnswerStrategyResult {
  const { records, summary } = result;
  const metrics = {} as Record<AnswerComparisonMetric, RagMetricSummary>;
  for (const metric of ANSWER_COMPARISON_METRICS) {
    if (metric !== 'judgedCorrectness') {
      metrics[metric] = summary.metrics[metric];
      continue;
    }
    const values = records.map((record) => metricValue(record, metric)).filter((value): value is number => value !== null);
    metrics[metric] = {
      items: values.length,
      mean: meanOf(values),
      confidenceInterval: bootstrapMeanInterval(values, { seed: groupSeed(options.seed, metric), resamples: options.resamples }) ?? null,
    };
  }
  const latencies = records.map((record) => record.sample.generation?.latencyMs).filter((value): value is number => value !== undefined).sort((left, right) => left - right);
  const nearestRank = (fraction: number): number | null => (latencies.length === 0 ? null : latencies[Math.max(0, Math.ceil(fraction * latencies.length) - 1)]!);
  const usage = records.reduce(
    (total, record) => ({ inputTokens: total.inputTokens + (record.sample.generation?.inputTokens ?? 0), outputTokens: total.outputTokens + (record.sample.generation?.outputTokens ?? 0) }),
    { inputTokens: 0, outputTokens: 0 },
  );
  return {
    name: strategy.name,
    kind: strategy.kind,
    model: strategy.model,
    grounded: strategy.grounded,
    runDirectory: result.runDirectory,
    complete: result.complete,
    failure: result.failure ?? null,
    items: records.length,
    metrics,
    refusalRate: strategy.grounded ? summary.refusals.rate : null,
    latencyMs: { p50: nearestRank(0.5), p95: nearestRank(0.95), mean: meanOf(latencies) },
    usage,
    tokensPerItem: records.length === 0 ? null : (usage.inputTokens + usage.outputTokens) / records.length,
    price: strategy.price ?? null,
    costPer1000Items: costPerThousandItems(usage, records.length, strategy.price),
    pairedVersusRecommended: null,
  };
}

/**
 * Rule 2 of `FREE_FORM_RECOMMENDATION_RULE`: a complete grounded strategy whose faithfulness (or
 * citation precision) interval lies wholly below the best grounded strategy's is not judged.
 */
function groundingExclusions(rows: readonly AnswerStrategyResult[]): Array<{ name: string; reason: string }> {
  const grounded = rows.filter((row) => row.grounded && row.complete);
  const excluded: Array<{ name: string; reason: string }> = [];
  for (const metric of ['faithfulness', 'citationPrecision'] as const) {
    const scored = grounded.filter((row) => row.metrics[metric].confidenceInterval !== null);
    const best = [...scored].sort((left, right) => right.metrics[metric].mean! - left.metrics[metric].mean!)[0];
    if (best === undefined) continue;
    for (const row of scored) {
      if (row === best || excluded.some((entry) => entry.name === row.name)) continue;
      if (row.metrics[metric].confidenceInterval![1] < best.metrics[metric].confidenceInterval![0]) {
        excluded.push({ name: row.name, reason: `its ${metric === 'faithfulness' ? 'faithfulness' : 'citation precision'} interval lies wholly below ${best.name}'s` });
      }
    }
  }
  return excluded;
}

/**
 * The evaluator for answers made without passages: there is nothing to be faithful to, cite or
 * retrieve, so those measures do not apply (null, left out of their means) instead of scoring
 * every claim unsupported; answer relevancy is judged as usual.
 */
function withoutPassageMetrics(evaluator: RagEvaluator): RagEvaluator {
  return {
    variant: evaluator.variant,
    settings: { ...evaluator.settings, passages: 'none' },
    faithfulness: async () => ({ score: null, claims: [] }),
    answerRelevancy: (sample, signal) => evaluator.answerRelevancy(sample, signal),
    contextPrecision: async (sample) => ({ score: null, relevant: [], judgedAgainst: sample.reference === undefined ? 'answer' : 'reference' }),
    contextRecall: async () => ({ score: null, statements: [] }),
    citationCorrectness: async () => ({ citationPrecision: null, citedSentenceAccuracy: null, citationCoverage: null, sentences: [], citations: [] }),
  };
}
