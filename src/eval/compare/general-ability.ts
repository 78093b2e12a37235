import path from 'node:path';
import type { LanguageModel } from '../../models/index.js';
import { EXAM_PROMPT_TEMPLATES, runExam, type ExamItem, type ExamProgress, type ExamPromptTemplateName } from '../exam/index.js';
import { diffExamRuns, type PairedDifference } from '../runs/index.js';
import { examDigest, writeOrCheckProvenance } from './_provenance.js';
import { strategySlug } from './compare-strategies.js';

/** A model in the forgetting check. */
export interface GeneralAbilityModel {
  name: string;
  model: LanguageModel;
  baseURL?: string;
}

/** Options for {@link checkGeneralAbility}. */
export interface CheckGeneralAbilityOptions {
  /** The model before tuning. */
  base: GeneralAbilityModel;
  /** One or more tuned models, each compared with `base`. */
  tuned: readonly GeneralAbilityModel[];
  /** Run directories go to `<outDirectory>/general/<name>`. */
  outDirectory: string;
  examPath?: string;
  command?: string;
  concurrency?: number;
  template?: ExamPromptTemplateName;
  temperature?: number;
  maxTokens?: number;
  /** Seeds the paired bootstrap. Default 0. */
  seed?: number;
  resamples?: number;
  signal?: AbortSignal;
  onProgress?: (model: string, progress: ExamProgress) => void;
}

/** How a tuned model's general ability changed, on the same items. */
export interface GeneralAbilityChange {
  base: string;
  tuned: string;
  baseRunDirectory: string;
  tunedRunDirectory: string;
  complete: boolean;
  /** Items both runs answered. */
  items: number;
  baseAccuracy: number | null;
  tunedAccuracy: number | null;
  /** tuned − base, paired-bootstrap interval over items. */
  change: PairedDifference;
  mcnemarPValue: number;
  /**
   * `forgetting` when the whole interval is below 0, `gain` when above, `not-separated` when it
   * contains 0 (the data show no change either way — not "no forgetting").
   */
  verdict: 'forgetting' | 'gain' | 'not-separated';
}

/**
 * The forgetting check (catastrophic forgetting after domain tuning, MISSION S7/S10): runs a
 * general-ability exam (e.g. a CMMLU subset) zero-shot on the base model and on each tuned one,
 * and reports the accuracy change with a paired bootstrap interval over items (see
 * `pairedBootstrapDifference`) and McNemar's exact p-value. Runs are resumable like any exam run.
 *
 * @example
 * const [change] = await checkGeneralAbility(cmmluSubset, { base: { name: 'base', model }, tuned: [{ name: 'ft', model: tuned }], outDirectory: 'reports/law' });
 * change.verdict; // 'not-separated'
 */
export async function checkGeneralAbility(items: readonly ExamItem[], options: CheckGeneralAbilityOptions): Promise<GeneralAbilityChange[]> {
  const { seed = 0, resamples = 1000 } = options;
  const exam = { path: options.examPath ?? null, items: items.length, sha256: examDigest(items) };
  const run = async (entry: GeneralAbilityModel) => {
    const runDirectory = path.join(options.outDirectory, 'general', strategySlug(entry.name));
    writeOrCheckProvenance(runDirectory, {
      formatVersion: 1,
      strategy: entry.name,
      kind: 'general-ability',
      exam,
      model: { provider: entry.model.provider, modelId: entry.model.modelId, ...(entry.baseURL ? { baseURL: entry.baseURL } : {}) },
      shots: 0,
      selector: null,
      retrieval: null,
      templates: EXAM_PROMPT_TEMPLATES,
      seed,
      command: options.command ?? null,
    });
    const result = await runExam(items, {
      model: entry.model,
      runDirectory,
      seed,
      resamples,
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      ...(options.template === undefined ? {} : { template: options.template }),
      ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
      ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: (progress: ExamProgress) => options.onProgress!(entry.name, progress) } : {}),
    });
    return { runDirectory, result };
  };
  const base = await run(options.base);
  const changes: GeneralAbilityChange[] = [];
  for (const tuned of options.tuned) {
    const after = await run(tuned);
    const diff = diffExamRuns(base.result.records, after.result.records, { seed, resamples });
    const interval = diff.change.confidenceInterval;
    changes.push({
      base: options.base.name,
      tuned: tuned.name,
      baseRunDirectory: base.runDirectory,
      tunedRunDirectory: after.runDirectory,
      complete: base.result.complete && after.result.complete,
      items: diff.pairedItems,
      baseAccuracy: diff.accuracyA,
      tunedAccuracy: diff.accuracyB,
      change: diff.change,
      mcnemarPValue: diff.mcnemarPValue,
      verdict: interval === null ? 'not-separated' : interval[1] < 0 ? 'forgetting' : interval[0] > 0 ? 'gain' : 'not-separated',
    });
  }
  return changes;
}
