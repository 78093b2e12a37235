import { bootstrapAccuracyInterval, DEFAULT_BOOTSTRAP_RESAMPLES, groupSeed } from './bootstrap.js';
import { rotationCount } from './circular.js';
import type { ExamItem } from './exam-item.js';
import type { ExamRecord } from './exam-record.js';

/** Accuracy of a group of items (one subject, or all). */
export interface ExamAccuracy {
  /** Items with every question answered (pending items are not counted). */
  items: number;
  correct: number;
  /** correct / items; null when no item finished. */
  accuracy: number | null;
  /** Percentile-bootstrap interval at {@link ExamSummary.confidenceLevel}; null when no item finished. */
  confidenceInterval: [number, number] | null;
  /** Items where some reply had no parseable answer (counted wrong). */
  unparseable: number;
}

/** Accuracy per subject and overall, with what it cost. */
export interface ExamSummary {
  overall: ExamAccuracy & {
    /** Mean of the subject accuracies (C-Eval and CMMLU report this average). */
    macroAccuracy: number | null;
  };
  /** By subject, in order of first appearance. */
  subjects: Record<string, ExamAccuracy>;
  /** Items whose reply (any rotation) had no parseable answer, in item order. */
  unparseableIds: string[];
  /** Items with a question still unanswered (an interrupted run). */
  pendingItems: number;
  /** Questions asked and answered (items × rotations). */
  questions: number;
  confidenceLevel: number;
  resamples: number;
  seed: number;
  /** Model time: sum and mean per question, median and 95th percentile (nearest rank), in ms. */
  latencyMs: { total: number; mean: number | null; p50: number | null; p95: number | null };
  /** Token totals as the model reported them (questions without usage add nothing). */
  usage: { inputTokens: number; outputTokens: number };
  /** Questions by the extraction rule that read their answer. */
  extractionMethods: Record<string, number>;
}

/** Options for {@link summarizeExam}. */
export interface SummarizeExamOptions {
  circular?: boolean;
  /** Default 1000. */
  resamples?: number;
  /** Default 0.95. */
  level?: number;
  /** Default 0; each subject's interval uses a seed derived from it and the subject name. */
  seed?: number;
}

/**
 * Scores `items` from their `records`. An item is right when all its questions (one, or one per
 * rotation when circular) were answered right; items with a question missing are pending and
 * left out. Records of other items are ignored. The overall interval resamples items across all
 * subjects (not stratified); each subject's interval resamples its own items.
 */
export function summarizeExam(items: readonly ExamItem[], records: Iterable<ExamRecord>, options: SummarizeExamOptions = {}): ExamSummary {
  const { circular = false, resamples = DEFAULT_BOOTSTRAP_RESAMPLES, level = 0.95, seed = 0 } = options;
  const byKey = new Map<string, ExamRecord>();
  for (const record of records) byKey.set(`${record.id}#${record.rotation}`, record);

  const outcomesBySubject = new Map<string, { outcomes: boolean[]; unparseable: number }>();
  const unparseableIds: string[] = [];
  const latencies: number[] = [];
  const usage = { inputTokens: 0, outputTokens: 0 };
  const extractionMethods: Record<string, number> = {};
  let pendingItems = 0;
  for (const item of items) {
    const questions: ExamRecord[] = [];
    for (let rotation = 0; rotation < rotationCount(item, circular); rotation += 1) {
      const record = byKey.get(`${item.id}#${rotation}`);
      if (record !== undefined) questions.push(record);
    }
    for (const record of questions) {
      latencies.push(record.latencyMs);
      usage.inputTokens += record.inputTokens ?? 0;
      usage.outputTokens += record.outputTokens ?? 0;
      extractionMethods[record.method] = (extractionMethods[record.method] ?? 0) + 1;
    }
    if (questions.length < rotationCount(item, circular)) {
      pendingItems += 1;
      continue;
    }
    const group = outcomesBySubject.get(item.subject) ?? { outcomes: [], unparseable: 0 };
    outcomesBySubject.set(item.subject, group);
    group.outcomes.push(questions.every((record) => record.correct));
    if (questions.some((record) => record.extracted === null)) {
      group.unparseable += 1;
      unparseableIds.push(item.id);
    }
  }

  const accuracyOf = (outcomes: boolean[], unparseable: number, groupSeedValue: number): ExamAccuracy => {
    const correct = outcomes.filter(Boolean).length;
    return {
      items: outcomes.length,
      correct,
      accuracy: outcomes.length === 0 ? null : correct / outcomes.length,
      confidenceInterval: bootstrapAccuracyInterval(outcomes, { resamples, level, seed: groupSeedValue }) ?? null,
      unparseable,
    };
  };
  const subjects: Record<string, ExamAccuracy> = {};
  const allOutcomes: boolean[] = [];
  let allUnparseable = 0;
  for (const [subject, group] of outcomesBySubject) {
    subjects[subject] = accuracyOf(group.outcomes, group.unparseable, groupSeed(seed, subject));
    allOutcomes.push(...group.outcomes);
    allUnparseable += group.unparseable;
  }
  const subjectAccuracies = Object.values(subjects).map((subject) => subject.accuracy!);
  latencies.sort((left, right) => left - right);
  const percentile = (fraction: number): number | null => (latencies.length === 0 ? null : latencies[Math.max(0, Math.ceil(fraction * latencies.length) - 1)]!);
  const totalLatency = latencies.reduce((sum, value) => sum + value, 0);
  return {
    overall: {
      ...accuracyOf(allOutcomes, allUnparseable, seed),
      macroAccuracy: subjectAccuracies.length === 0 ? null : subjectAccuracies.reduce((sum, value) => sum + value, 0) / subjectAccuracies.length,
    },
    subjects,
    unparseableIds,
    pendingItems,
    questions: latencies.length,
    confidenceLevel: level,
    resamples,
    seed,
    latencyMs: { total: totalLatency, mean: latencies.length === 0 ? null : totalLatency / latencies.length, p50: percentile(0.5), p95: percentile(0.95) },
    usage,
    extractionMethods,
  };
}
