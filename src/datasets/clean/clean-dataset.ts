import { createHash } from 'node:crypto';
import { recordText, responseText, type DatasetRecord } from '../dataset-record.js';
import { normalizeForDedup } from '../_text.js';
import { findNearDuplicates, type NearDuplicateOptions } from '../dedup/find-near-duplicates.js';
import { checkGrounding } from '../generate/index.js';
import { findContamination, type ContaminationIndex } from './decontaminate.js';
import { applyRuleFilters, DEFAULT_RULE_FILTER_OPTIONS, type RuleFilterOptions, type RuleRejectReason } from './rule-filters.js';

export type RejectReason = RuleRejectReason | 'ungrounded' | 'unknown-chunk' | 'exact-duplicate' | 'contaminated' | 'near-duplicate';

/** Stage order: later stages see only what earlier ones kept. Counts and reports follow this order. */
export const REJECT_REASONS: readonly RejectReason[] = ['too-short', 'too-long', 'empty-response', 'garbled', 'language', 'repetition', 'refusal', 'ungrounded', 'unknown-chunk', 'exact-duplicate', 'contaminated', 'near-duplicate'];

/**
 * Default least answer support for the grounding stage of `cleanDataset`: the share of the
 * answer's units (Han bigrams, Latin words, numbers; see `checkGrounding`) found in the source
 * chunks. Lower than `checkGrounding`'s own 0.5 because cleaning runs unattended over whole files,
 * and lexical support cannot see paraphrase: 0.1 removes answers that share almost nothing with
 * their chunks (invented facts, off-topic replies) without touching fair rewordings.
 */
export const DEFAULT_CLEAN_MIN_SUPPORT = 0.1;

export interface CleanGroundingOptions {
  /** The text of the chunks an item was generated from (joined), or undefined when any is missing; e.g. over `kb.store.chunksByIds`. */
  chunkText: (chunkIds: readonly string[]) => string | undefined;
  /** Least answer support, 0–1 (default DEFAULT_CLEAN_MIN_SUPPORT, 0.1). */
  minSupport?: number;
}

/** What the grounding stage looked at: items without `chunkIds` pass unchecked. */
export interface GroundingStats {
  minSupport: number;
  checked: number;
  'not-checked': number;
}

export interface RejectedRecord {
  record: DatasetRecord;
  reason: RejectReason;
  detail: string;
  /** For duplicates: the id of the item kept in its place. */
  keptId?: string;
  /** For near-duplicates: exact Jaccard with the kept item when they were compared directly (clusters can chain). */
  similarity?: number;
  /** For `ungrounded`: the share of answer units found in the source chunks (checkGrounding). */
  support?: number;
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
  /** Check items that carry `chunkIds` (generated items) against their source chunks; off by default. */
  grounding?: CleanGroundingOptions;
  onProgress?: (stage: 'rules' | 'near-duplicates', done: number, total: number) => void;
}

export interface CleanResult {
  kept: DatasetRecord[];
  rejected: RejectedRecord[];
  /** Rejections by reason (every reason present, zero when none), plus `kept` and `input`. */
  counts: Record<RejectReason | 'kept' | 'input', number>;
  /** LSH parameters and candidate counts of the near-duplicate stage, when it ran. */
  nearDuplicateStats?: ReturnType<typeof findNearDuplicates>['stats'];
  /** Checked and unchecked items of the grounding stage, when it ran. */
  groundingStats?: GroundingStats;
}

/**
 * Cleans a dataset in five stages, each seeing what the previous kept:
 * 1. rule filters (length, empty answers, garbled text, language share, repetition, refusals);
 * 1b. grounding (when `grounding` is given): items whose raw line carries `chunkIds` are checked
 *    with `checkGrounding` against the joined chunk texts; support below `minSupport` is
 *    `ungrounded`, a chunk that cannot be found is `unknown-chunk` (the knowledge base changed since
 *    generation, so the answer cannot be verified); items without chunk ids pass as not checked;
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

  let groundingStats: GroundingStats | undefined;
  if (options.grounding) {
    const { chunkText } = options.grounding;
    const minSupport = options.grounding.minSupport ?? DEFAULT_CLEAN_MIN_SUPPORT;
    const stats: GroundingStats = { minSupport, checked: 0, 'not-checked': 0 };
    survivors = survivors.filter((record) => {
      const chunkIds = recordChunkIds(record);
      if (chunkIds.length === 0) {
        stats['not-checked'] += 1;
        return true;
      }
      stats.checked += 1;
      const text = chunkText(chunkIds);
      if (text === undefined) {
        rejected.push({ record, reason: 'unknown-chunk', detail: `source chunk(s) ${chunkIds.join(', ')} not found; regenerate the item or clean against the knowledge base it came from` });
        return false;
      }
      const check = checkGrounding(record, text, { minSupport });
      if (check.grounded) return true;
      rejected.push({ record, reason: 'ungrounded', detail: `answer support ${check.support.toFixed(3)} < ${minSupport}; not in the chunk: ${check.missing.slice(0, 5).join(' ')}`, support: check.support });
      return false;
    });
    groundingStats = stats;
  }

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
  return { kept: survivors, rejected, counts, ...(nearDuplicateStats ? { nearDuplicateStats } : {}), ...(groundingStats ? { groundingStats } : {}) };
}

/** The chunk ids a generated item came from (`chunkIds` on the line as read; see GeneratedItem); empty for other items. */
export function recordChunkIds(record: DatasetRecord): string[] {
  const ids = record.raw?.chunkIds;
  return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string' && id !== '') : [];
}
