import { normalizeForGrounding } from './_grounding-units.js';

export interface GroundingOptions {
  /** Least share of the answer's units that must occur in the chunk, 0–1 (default 0.5). */
  minSupport?: number;
}

export interface GroundingCheck {
  /** Share of answer units found in the chunk, 0–1 (1 for an answer with no units). */
  support: number;
  /** Answer units considered (Han bigrams, Latin words, numbers). */
  units: number;
  /** Units absent from the chunk, up to 10, for the review screen and the rejects file. */
  missing: string[];
  grounded: boolean;
}

/**
 * A lexical check that a generated answer is supported by its source chunk: the share of the
 * answer's units — Han character bigrams (single characters for one-character runs), Latin words of
 * two letters or more, and numbers — that also occur in the chunk. Only the assistant side is
 * checked: questions may paraphrase, answers must carry the chunk's facts (the Gudibande caution:
 * imitation data copies style, not facts). Lexical support cannot see paraphrase, so the default
 * threshold is lenient; it catches fluent answers with nothing from the chunk, not subtle errors.
 *
 * @example
 * checkGrounding({ turns: [{ role: 'assistant', content: '试用期不得超过六个月。' }] }, '劳动合同期限三年以上的，试用期不得超过六个月。').grounded // true
 */
export function checkGrounding(item: { turns: ReadonlyArray<{ role: string; content: string }> }, chunkText: string, options: GroundingOptions = {}): GroundingCheck {
  const minSupport = options.minSupport ?? 0.5;
  const answer = item.turns.filter((turn) => turn.role === 'assistant').map((turn) => turn.content).join('\n');
  const answerUnits = groundingUnits(answer);
  const chunkUnits = new Set(groundingUnits(chunkText));
  if (answerUnits.length === 0) return { support: 1, units: 0, missing: [], grounded: true };
  const missing: string[] = [];
  let supported = 0;
  for (const unit of answerUnits) {
    if (chunkUnits.has(unit)) supported += 1;
    else if (missing.length < 10 && !missing.includes(unit)) missing.push(unit);
  }
  const support = supported / answerUnits.length;
  return { support, units: answerUnits.length, missing, grounded: support >= minSupport };
}

/** Function words that would let any English answer look supported. */
const ENGLISH_FUNCTION_WORDS = new Set(['the', 'a', 'an', 'of', 'to', 'in', 'on', 'at', 'by', 'for', 'and', 'or', 'is', 'are', 'was', 'were', 'be', 'it', 'its', 'this', 'that', 'with', 'as', 'from', 'not', 'no', 'can', 'you', 'your', 'if', 'then']);
/** Characters that carry no fact on their own (的, 是, 了 …); bigrams made only of them are skipped. */
const CHINESE_FUNCTION_CHARACTERS = new Set([...'的了是在和与或及也就都而且但则其之这那个有为以于']);

/** The units `checkGrounding` compares, in order (repeats kept, so a repeated unsupported phrase weighs more). */
export function groundingUnits(text: string): string[] {
  const units: string[] = [];
  for (const match of normalizeForGrounding(text).matchAll(/\p{Script=Han}+|[a-z][a-z'-]*|\d+(?:\.\d+)?/gu)) {
    const run = match[0];
    if (/^\p{Script=Han}/u.test(run)) {
      const characters = [...run];
      if (characters.length === 1) {
        if (!CHINESE_FUNCTION_CHARACTERS.has(characters[0]!)) units.push(characters[0]!);
        continue;
      }
      for (let index = 0; index + 1 < characters.length; index += 1) {
        const bigram = characters[index]! + characters[index + 1]!;
        if (!(CHINESE_FUNCTION_CHARACTERS.has(characters[index]!) && CHINESE_FUNCTION_CHARACTERS.has(characters[index + 1]!))) units.push(bigram);
      }
    } else if (/^\d/u.test(run)) {
      units.push(run);
    } else if (run.length >= 2 && !ENGLISH_FUNCTION_WORDS.has(run)) {
      units.push(run);
    }
  }
  return units;
}

/** An item `filterUngrounded` set aside, with the evidence. */
export interface UngroundedRecord<T> {
  record: T;
  reason: 'ungrounded' | 'unknown-chunk';
  detail: string;
  check?: GroundingCheck;
}

/**
 * Splits records into those whose answers `checkGrounding` finds supported by their source chunks
 * and those it does not. The chunk ids come from each record's `raw.chunkIds` (what
 * `generateDataset` writes); `chunkText(id)` looks them up, e.g. `kb.store.chunksByIds`. Records
 * without chunk ids are kept untouched (they were not generated from the knowledge base); records
 * whose chunks cannot be found are set aside as `unknown-chunk` (the knowledge base changed since).
 *
 * @example
 * const chunks = kb.store.chunksByIds(ids);
 * const { kept, rejected } = filterUngrounded(records, (id) => chunks.get(id)?.chunk.text);
 */
export function filterUngrounded<T extends { id: string; turns: ReadonlyArray<{ role: string; content: string }>; raw?: Record<string, unknown> }>(
  records: readonly T[],
  chunkText: (chunkId: string) => string | undefined,
  options: GroundingOptions = {},
): { kept: T[]; rejected: Array<UngroundedRecord<T>> } {
  const kept: T[] = [];
  const rejected: Array<UngroundedRecord<T>> = [];
  for (const record of records) {
    const ids = Array.isArray(record.raw?.chunkIds) ? (record.raw.chunkIds as unknown[]).filter((id): id is string => typeof id === 'string') : [];
    if (ids.length === 0) {
      kept.push(record);
      continue;
    }
    const texts = ids.map(chunkText);
    if (texts.some((text) => text === undefined)) {
      rejected.push({ record, reason: 'unknown-chunk', detail: `source chunk ${ids.filter((_, index) => texts[index] === undefined).join(', ')} not found` });
      continue;
    }
    const check = checkGrounding(record, texts.join('\n'), options);
    if (check.grounded) kept.push(record);
    else rejected.push({ record, reason: 'ungrounded', detail: `answer support ${check.support.toFixed(2)} < ${options.minSupport ?? 0.5}; not in the chunk: ${check.missing.slice(0, 5).join(' ')}`, check });
  }
  return { kept, rejected };
}
