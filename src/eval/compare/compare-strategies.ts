import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { ExampleSelector } from '../../examples/index.js';
import type { LanguageModel } from '../../models/index.js';
import { EXAM_PROMPT_TEMPLATES, runExam, type ExamItem, type ExamProgress, type ExamPromptTemplateName, type ExamRecord, type ExamRunFailure } from '../exam/index.js';
import { diffExamRuns, type RunProvenance } from '../runs/index.js';
import type { ResumableRunOptions } from '../resumable-run.js';
import { examDigest, writeOrCheckProvenance } from './_provenance.js';
import {
  DEFAULT_EXAM_RETRIEVAL,
  RETRIEVAL_FILE,
  readSavedRetrievals,
  retrieveExamContext,
  withRetrievedContext,
  type ExamKnowledgeBase,
  type ExamRetrieval,
  type ExamRetrievalOptions,
} from './exam-retrieval.js';
import { recommendStrategy, type Recommendation, type StrategyKind } from './recommend-strategy.js';
import { costPerThousandItems, type TokenPrice } from './token-price.js';

/** One way of answering the exam. */
export interface ComparisonStrategy {
  /** Unique in the comparison; names the run directory (`<out>/runs/<name>`). */
  name: string;
  kind: StrategyKind;
  model: LanguageModel;
  /** Shots for `few-shot` and `rag+few-shot` (default 5); the other kinds are asked zero-shot. */
  shots?: number;
  /** Chooses the shots from the dev pool per question (dynamic few-shot); without it the first k of the subject. */
  selector?: ExampleSelector;
  /** Token prices; without one the cost is reported unknown. */
  price?: TokenPrice;
  /** Where the model is served (base URL, or GGUF file), recorded and compared on resume: two servers are two models. */
  baseURL?: string;
}

/** Options for {@link compareStrategies}. */
export interface CompareStrategiesOptions extends Pick<ResumableRunOptions, 'seed' | 'resamples' | 'signal' | 'clock'> {
  strategies: readonly ComparisonStrategy[];
  /** Report folder; each strategy's run directory is `<outDirectory>/runs/<name>` (re-running resumes). */
  outDirectory: string;
  /** Needed by `rag` and `rag+few-shot`. */
  knowledgeBase?: ExamKnowledgeBase;
  retrieval?: ExamRetrievalOptions;
  /** Solved items shots are drawn from; needed by the few-shot kinds. */
  devPool?: readonly ExamItem[];
  /** The exam file, for the record. */
  examPath?: string;
  /** The command line, for the record (secrets must not be in it). */
  command?: string;
  /** Questions in flight per run. Default 4. */
  concurrency?: number;
  template?: ExamPromptTemplateName;
  temperature?: number;
  maxTokens?: number;
  onProgress?: (strategy: string, progress: ExamProgress) => void;
}

/** One strategy's line of the report. */
export interface StrategyResult {
  name: string;
  kind: StrategyKind;
  model: { provider: string; modelId: string };
  runDirectory: string;
  complete: boolean;
  failure: ExamRunFailure | null;
  items: number;
  correct: number;
  accuracy: number | null;
  confidenceInterval: [number, number] | null;
  unparseable: number;
  /** Per question, ms (median and 95th percentile by nearest rank). */
  latencyMs: { p50: number | null; p95: number | null; mean: number | null };
  usage: { inputTokens: number; outputTokens: number };
  /** (input + output tokens) / items; null when no item finished. */
  tokensPerItem: number | null;
  price: TokenPrice | null;
  /** See `costPerThousandItems`; null = unknown. */
  costPer1000Items: number | null;
  /** RAG kinds: share of items whose retrieval cleared the evidence threshold (context went into the prompt). */
  retrievalShare: number | null;
  /** Two-sided exact McNemar p-value against the recommended strategy (null for itself or when nothing is recommended). */
  mcnemarVersusRecommended: number | null;
}

/** Everything `eval compare` reports. */
export interface StrategyComparison {
  formatVersion: 1;
  createdAt: string;
  exam: { path: string | null; items: number; sha256: string };
  command: string | null;
  confidenceLevel: number;
  resamples: number;
  seed: number;
  retrieval: (Required<ExamRetrievalOptions> & { knowledgeBase: string }) | null;
  strategies: StrategyResult[];
  recommendation: Recommendation;
}

/**
 * Runs one exam under several strategies — zero-shot, dynamic few-shot, RAG, RAG + few-shot, and
 * any other endpoint (a fine-tuned model) — each as a resumable `runExam` run directory with its
 * `provenance.json` (and `retrieval.jsonl` for RAG), then puts accuracy with bootstrap intervals,
 * latency, tokens, cost per 1,000 questions and retrieval share side by side and applies
 * `RECOMMENDATION_RULE`.
 *
 * RAG puts the retrieved passages into the item's `context` (the exam prompt's "材料：" block), so
 * the recorded prompts in `answers.jsonl` are exactly what the model saw. Retrieval happens once
 * per item and is shared by `rag` and `rag+few-shot`; a resumed run reuses its saved retrievals.
 *
 * @example
 * const comparison = await compareStrategies(items, {
 *   outDirectory: 'reports/law', knowledgeBase: kb, devPool: dev,
 *   strategies: [
 *     { name: 'zero-shot', kind: 'zero-shot', model },
 *     { name: 'rag', kind: 'rag', model },
 *     { name: 'ft', kind: 'endpoint', model: tuned },
 *   ],
 * });
 * comparison.recommendation.statement;
 */
export async function compareStrategies(items: readonly ExamItem[], options: CompareStrategiesOptions): Promise<StrategyComparison> {
  const { strategies, outDirectory, knowledgeBase, devPool, seed = 0, resamples = 1000 } = options;
  const retrievalSettings = { ...DEFAULT_EXAM_RETRIEVAL, ...options.retrieval };
  const exam = { path: options.examPath ?? null, items: items.length, sha256: examDigest(items) };
  const createdAt = (options.clock ?? (() => new Date()))().toISOString();
  const usesRetrieval = strategies.some((strategy) => strategy.kind === 'rag' || strategy.kind === 'rag+few-shot');
  const names = new Set<string>();
  for (const strategy of strategies) {
    if (names.has(strategy.name)) throw new RangeError(`Two strategies are named "${strategy.name}"; names must be unique (they name the run directories).`);
    names.add(strategy.name);
    if ((strategy.kind === 'rag' || strategy.kind === 'rag+few-shot') && knowledgeBase === undefined) throw new RangeError(`Strategy "${strategy.name}" (${strategy.kind}) needs a knowledge base.`);
    if ((strategy.kind === 'few-shot' || strategy.kind === 'rag+few-shot') && (devPool === undefined || devPool.length === 0)) throw new RangeError(`Strategy "${strategy.name}" (${strategy.kind}) needs a dev pool to draw shots from.`);
  }

  let retrievals: Map<string, ExamRetrieval> | undefined;
  const retrievalsFor = async (runDirectory: string): Promise<Map<string, ExamRetrieval>> => {
    const saved = readSavedRetrievals(runDirectory);
    const missing = items.filter((item) => !saved.has(item.id));
    if (missing.length > 0) {
      if (retrievals === undefined) retrievals = new Map((await retrieveExamContext(items, knowledgeBase!, retrievalSettings)).map((entry) => [entry.id, entry]));
      mkdirSync(runDirectory, { recursive: true });
      appendFileSync(path.join(runDirectory, RETRIEVAL_FILE), missing.map((item) => `${JSON.stringify(retrievals!.get(item.id))}\n`).join(''));
      for (const item of missing) saved.set(item.id, retrievals.get(item.id)!);
    }
    return saved;
  };

  const rows: StrategyResult[] = [];
  const recordsByStrategy = new Map<string, ExamRecord[]>();
  for (const strategy of strategies) {
    const runDirectory = path.join(outDirectory, 'runs', strategySlug(strategy.name));
    const rag = strategy.kind === 'rag' || strategy.kind === 'rag+few-shot';
    const fewShot = strategy.kind === 'few-shot' || strategy.kind === 'rag+few-shot';
    const shots = fewShot ? (strategy.shots ?? 5) : 0;
    const provenance: RunProvenance = {
      formatVersion: 1,
      strategy: strategy.name,
      kind: strategy.kind,
      exam,
      model: { provider: strategy.model.provider, modelId: strategy.model.modelId, ...(strategy.baseURL ? { baseURL: strategy.baseURL } : {}) },
      shots,
      selector: shots > 0 ? (strategy.selector?.name ?? 'fixed') : null,
      retrieval: rag ? { knowledgeBase: knowledgeBase!.name, ...(knowledgeBase!.store ? { knowledgeBaseGeneration: knowledgeBase!.store.generation() } : {}), ...retrievalSettings, query: 'question + options; evidence scored on the question' } : null,
      templates: EXAM_PROMPT_TEMPLATES,
      seed,
      command: options.command ?? null,
    };
    writeOrCheckProvenance(runDirectory, provenance);
    let asked: readonly ExamItem[] = items;
    let retrievalShare: number | null = null;
    if (rag) {
      const saved = await retrievalsFor(runDirectory);
      asked = items.map((item) => withRetrievedContext(item, saved.get(item.id)));
      retrievalShare = items.length === 0 ? null : items.filter((item) => saved.get(item.id)?.used).length / items.length;
    }
    const result = await runExam(asked, {
      model: strategy.model,
      ...(strategy.baseURL === undefined ? {} : { endpoint: strategy.baseURL }),
      runDirectory,
      shots,
      ...(shots > 0 && strategy.selector ? { selector: strategy.selector } : {}),
      ...(shots > 0 ? { devPool } : {}),
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      ...(options.template === undefined ? {} : { template: options.template }),
      ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
      ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }),
      seed,
      resamples,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: (progress: ExamProgress) => options.onProgress!(strategy.name, progress) } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
    });
    recordsByStrategy.set(strategy.name, result.records);
    const { overall, latencyMs, usage } = result.summary;
    rows.push({
      name: strategy.name,
      kind: strategy.kind,
      model: { provider: strategy.model.provider, modelId: strategy.model.modelId },
      runDirectory,
      complete: result.complete,
      failure: result.failure ?? null,
      items: overall.items,
      correct: overall.correct,
      accuracy: overall.accuracy,
      confidenceInterval: overall.confidenceInterval,
      unparseable: overall.unparseable,
      latencyMs: { p50: latencyMs.p50, p95: latencyMs.p95, mean: latencyMs.mean },
      usage,
      tokensPerItem: overall.items === 0 ? null : (usage.inputTokens + usage.outputTokens) / overall.items,
      price: strategy.price ?? null,
      costPer1000Items: costPerThousandItems(usage, overall.items, strategy.price),
      retrievalShare,
      mcnemarVersusRecommended: null,
    });
    if (options.signal?.aborted) break;
  }
  const recommendation = recommendStrategy(rows);
  if (recommendation.strategy !== null) {
    const chosen = recordsByStrategy.get(recommendation.strategy)!;
    for (const row of rows) {
      if (row.name !== recommendation.strategy) row.mcnemarVersusRecommended = diffExamRuns(chosen, recordsByStrategy.get(row.name)!, { seed, resamples: 1 }).mcnemarPValue;
    }
  }
  return {
    formatVersion: 1,
    createdAt,
    exam,
    command: options.command ?? null,
    confidenceLevel: 0.95,
    resamples,
    seed,
    retrieval: usesRetrieval ? { knowledgeBase: knowledgeBase!.name, ...retrievalSettings } : null,
    strategies: rows,
    recommendation,
  };
}

/** A strategy name as a folder name (`rag+few-shot` stays as is; anything odd becomes `-`). */
export function strategySlug(name: string): string {
  return name.replace(/[^\p{L}\p{N}._+-]+/gu, '-').replace(/^-+|-+$/g, '') || 'strategy';
}

