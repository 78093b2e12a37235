import { createHash } from 'node:crypto';
import { recordText, responseText, type DatasetRecord } from '../dataset-record.js';
import { normalizeForDedup } from '../_text.js';
import { findNearDuplicates, type NearDuplicateOptions } from '../dedup/find-near-duplicates.js';
import { findContamination, type ContaminationIndex } from './decontaminate.js';
import { applyRuleFilters, DEFAULT_RULE_FILTER_OPTIONS, type RuleFilterOptions, type RuleRejectReason } from './rule-filters.js';

export type RejectReason = RuleRejectReason | 'exact-duplicate' | 'contaminated' | 'near-duplicate';

/** Stage order: later stages see only what earlier ones kept. Counts and reports follow this order. */
export const REJECT_REASONS: readonly RejectReason[] = ['too-short', 'too-long', 'empty-response', 'garbled', 'language', 'repetition', 'refusal', 'exact-duplicate', 'contaminated', 'near-duplicate'];

export interface RejectedRecord {
  record: DatasetRecord;
  reason: RejectReason;
  detail: string;
  /** For duplicates: the id of the item kept in its place. */
  keptId?: string;
  /** For near-duplicates: exact Jaccard with the kept item when they were compared directly (clusters can chain). */
  similarity?: number;
}

export interface CleanOptions {
  /** Rule filter thresholds; unset keys take DEFAULT_RULE_FILTER_OPTIONS. */
  rules?: Partial<RuleFilterOptions>;
  /** Drop items whose normalised text (NFKC, lower case, no whitespace/punctuation) repeats an earlier item's (default true). */
  exactDedup?: boolean;
  /** Near-duplicate settings, or false to skip (default: threshold 0.8, see NearDuplicateOptions). */
  nearDuplicates?: NearDuplicateOptions | false;
  /** Evaluation n-grams to decontaminate against (buildContaminationIndex); none by default. */
  contamination?: ContaminationIndex;
  onProgress?: (stage: 'rules' | 'near-duplicates', done: number, total: number) => void;
}

export interface CleanResult {
  kept: DatasetRecord[];
  rejected: RejectedRecord[];
  /** Rejections by reason (every reason present, zero when none), plus `kept` and `input`. */
  counts: Record<RejectReason | 'kept' | 'input', number>;
  /** LSH parameters and candidate counts of the near-duplicate stage, when it ran. */
  nearDuplicateStats?: ReturnType<typeof findNearDuplicates>['stats'];
}

/**
 * Cleans a dataset in four stages, each seeing what the previous kept:
 * 1. rule filters (length, empty answers, garbled text, language share, repetition, refusals);
 * 2. exact dedup on normalised whole-item text (the first occurrence stays);
 * 3. decontamination against evaluation n-grams (when `contamination` is given);
 * 4. near-duplicate removal with MinHash-LSH and exact-Jaccard verification (findNearDuplicates).
 * Every removed item comes back in `rejected` with its reason and, for duplicates, the kept id.
 * The kept items keep their input order.
 *
 * @example
 * const { kept, rejected, counts } = cleanDataset(readDatasetFile('sft.jsonl').records, { rules: { language: 'zh' } });
 */
export function cleanDataset(records: readonly DatasetRecord[], options: CleanOptions = {}): CleanResult {
  const rules: RuleFilterOptions = { ...DEFAULT_RULE_FILTER_OPTIONS, ...options.rules };
  const rejected: RejectedRecord[] = [];
  let survivors: DatasetRecord[] = [];
  records.forEach((record, index) => {
    const failure = applyRuleFilters(recordText(record), record.kind === 'instruction' ? responseText(record) : undefined, rules);
    if (failure) rejected.push({ record, reason: failure.reason, detail: failure.detail });
    else survivors.push(record);
    if (options.onProgress && (index % 1000 === 999 || index === records.length - 1)) options.onProgress('rules', index + 1, records.length);
  });

  if (options.exactDedup !== false) {
    const firstByKey = new Map<string, DatasetRecord>();
    survivors = survivors.filter((record) => {
      const key = createHash('sha1').update(normalizeForDedup(recordText(record))).digest('base64');
      const first = firstByKey.get(key);
      if (first) {
        rejected.push({ record, reason: 'exact-duplicate', detail: `same normalised text as ${first.id}`, keptId: first.id });
        return false;
      }
      firstByKey.set(key, record);
      return true;
    });
  }

  if (options.contamination) {
    const index = options.contamination;
    survivors = survivors.filter((record) => {
      const hit = findContamination(recordText(record), index);
      if (hit) rejected.push({ record, reason: 'contaminated', detail: `shares a ${index.ngramSize}-unit n-gram with evaluation item ${hit.evaluationItem}` });
      return !hit;
    });
  }

  let nearDuplicateStats: CleanResult['nearDuplicateStats'];
  if (options.nearDuplicates !== false) {
    const progress = options.onProgress;
    const result = findNearDuplicates(survivors.map(recordText), { ...options.nearDuplicates, ...(progress ? { onProgress: (done: number, total: number) => progress('near-duplicates', done, total) } : {}) });
    nearDuplicateStats = result.stats;
    const similarity = new Map<string, number>();
    for (const pair of result.pairs) similarity.set(`${pair.left}:${pair.right}`, pair.jaccard);
    const next: DatasetRecord[] = [];
    survivors.forEach((record, index) => {
      const kept = result.removed.get(index);
      if (kept === undefined) return void next.push(record);
      const direct = similarity.get(kept < index ? `${kept}:${index}` : `${index}:${kept}`);
      rejected.push({
        record,
        reason: 'near-duplicate',
        detail: direct === undefined ? `in a near-duplicate cluster with ${survivors[kept]!.id} (linked through other members)` : `Jaccard ${direct.toFixed(3)} with ${survivors[kept]!.id}`,
        keptId: survivors[kept]!.id,
        ...(direct === undefined ? {} : { similarity: direct }),
      });
    });
    survivors = next;
  }

  const counts = Object.fromEntries([...REJECT_REASONS.map((reason) => [reason, 0]), ['kept', survivors.length], ['input', records.length]]) as CleanResult['counts'];
  for (const rejection of rejected) counts[rejection.reason] += 1;
  return { kept: survivors, rejected, counts, ...(nearDuplicateStats ? { nearDuplicateStats } : {}) };
}
