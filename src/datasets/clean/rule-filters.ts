/**
 * Rule filters: cheap per-item checks that need no model. Each returns a reject reason or
 * undefined; cleanDataset applies them in the order of RULE_FILTER_ORDER and records the first
 * that fires. Thresholds are options with documented defaults (DEFAULT_RULE_FILTER_OPTIONS).
 */
import type { Language } from '../../prompt/index.js';
import { cjkShare, normalizeForDedup } from '../_text.js';

export interface RuleFilterOptions {
  /** Fewest characters of whole-item text (NFKC, whitespace excluded) (default 2). */
  minCharacters: number;
  /** Most characters of whole-item text (default 100,000). */
  maxCharacters: number;
  /** For instructions: fewest characters of the assistant side (default 1: an empty answer teaches nothing). */
  minResponseCharacters: number;
  /**
   * Expected language: `zh` needs at least `minLanguageRatio` CJK characters among letters,
   * `en` at most 1 − minLanguageRatio; `any` (default) skips the check.
   */
  language: Language | 'any';
  /** Default 0.5. */
  minLanguageRatio: number;
  /** n for the repetition check, in characters of the normalised text (default 10). */
  repetitionNgram: number;
  /**
   * Highest share of repeated n-gram occurrences: (occurrences − distinct) / occurrences, over
   * character n-grams of the normalised text (default 0.3). A text that says the same thing three
   * times scores about 0.67; ordinary Chinese legal prose scores under 0.1. Checked only on texts
   * with at least 50 n-grams, where the share means something.
   */
  maxRepeatedNgramShare: number;
  /** Highest share of control characters (other than tab/newline) among all characters (default 0.01). */
  maxControlShare: number;
  /** Phrases that mark refusals and assistant boilerplate; matched case-insensitively on the assistant side (text items: the whole text). */
  refusalPhrases: string[];
}

/**
 * Refusal and boilerplate phrases seen in distilled instruction data. Chinese first; matching is on
 * NFKC lower case text with whitespace kept, so "As an AI language model" matches any casing.
 */
export const DEFAULT_REFUSAL_PHRASES: readonly string[] = [
  '作为一个ai',
  '作为一个人工智能',
  '作为一名ai',
  '作为ai语言模型',
  '作为一个语言模型',
  '作为人工智能语言模型',
  '我是一个ai',
  '抱歉，我无法',
  '对不起，我无法',
  '抱歉，我不能',
  '很抱歉，我不能',
  '我无法回答这个问题',
  '我只是一个语言模型',
  'as an ai language model',
  'as an ai model',
  'as an ai assistant',
  "i'm sorry, but i cannot",
  'i am sorry, but i cannot',
  "i'm sorry, i can't",
  'i cannot fulfill that request',
];

export const DEFAULT_RULE_FILTER_OPTIONS: RuleFilterOptions = {
  minCharacters: 2,
  maxCharacters: 100_000,
  minResponseCharacters: 1,
  language: 'any',
  minLanguageRatio: 0.5,
  repetitionNgram: 10,
  maxRepeatedNgramShare: 0.3,
  maxControlShare: 0.01,
  refusalPhrases: [...DEFAULT_REFUSAL_PHRASES],
};

export type RuleRejectReason = 'too-short' | 'too-long' | 'empty-response' | 'language' | 'repetition' | 'garbled' | 'refusal';

/**
 * Mojibake signatures: UTF-8 read as Latin-1/CP1252 ("Ã©", "â€™", "Â "), UTF-8 bytes of GBK
 * text decoded wrongly ("锟斤拷", the classic result of round-tripping U+FFFD through GBK), and
 * MSVC's uninitialised-memory fills shown as GBK ("烫烫烫", "屯屯屯").
 */
const MOJIBAKE = /Ã[\u0080-\u00bf]|â€|Â[\u00a0-\u00bf]|锟斤拷|烫烫烫|屯屯屯|ï¿½/u;

/** Share of repeated character n-gram occurrences in `normalized` (see RuleFilterOptions.maxRepeatedNgramShare). */
export function repeatedNgramShare(normalized: string, n: number): { share: number; ngrams: number } {
  const total = normalized.length - n + 1;
  if (total <= 0) return { share: 0, ngrams: 0 };
  const seen = new Set<string>();
  for (let start = 0; start < total; start += 1) seen.add(normalized.slice(start, start + n));
  return { share: (total - seen.size) / total, ngrams: total };
}

/** What a garbled-text check found, or undefined. */
export function garbledReason(text: string, maxControlShare: number): string | undefined {
  if (text.includes('\ufffd')) return 'contains U+FFFD replacement characters (bytes that were not valid in the source encoding)';
  const mojibake = MOJIBAKE.exec(text);
  if (mojibake) return `contains mojibake "${mojibake[0]}" (text decoded with the wrong encoding)`;
  let control = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || (code >= 0x7f && code < 0xa0)) control += 1;
  }
  if (text.length > 0 && control / text.length > maxControlShare) return `${control} control characters in ${text.length}`;
  return undefined;
}

/** The refusal phrase found in `text`, or undefined. */
export function findRefusalPhrase(text: string, phrases: readonly string[]): string | undefined {
  const haystack = text.normalize('NFKC').toLowerCase();
  for (const phrase of phrases) if (haystack.includes(phrase.normalize('NFKC').toLowerCase())) return phrase;
  return undefined;
}

/**
 * Applies every rule to one item. `text` is the whole item, `response` the assistant side
 * (`undefined` for pre-training text). Returns the first failing rule with a detail string.
 */
export function applyRuleFilters(text: string, response: string | undefined, options: RuleFilterOptions): { reason: RuleRejectReason; detail: string } | undefined {
  const visible = text.normalize('NFKC').replace(/\s+/gu, '');
  if (visible.length < options.minCharacters) return { reason: 'too-short', detail: `${visible.length} characters < ${options.minCharacters}` };
  if (visible.length > options.maxCharacters) return { reason: 'too-long', detail: `${visible.length} characters > ${options.maxCharacters}` };
  if (response !== undefined) {
    const responseLength = response.replace(/\s+/gu, '').length;
    if (responseLength < options.minResponseCharacters) return { reason: 'empty-response', detail: `assistant side has ${responseLength} characters < ${options.minResponseCharacters}` };
  }
  const garbled = garbledReason(text, options.maxControlShare);
  if (garbled) return { reason: 'garbled', detail: garbled };
  if (options.language !== 'any') {
    const { cjk, letters } = cjkShare(text);
    const ratio = letters === 0 ? 0 : cjk / letters;
    if (options.language === 'zh' && letters > 0 && ratio < options.minLanguageRatio) return { reason: 'language', detail: `CJK share of letters ${ratio.toFixed(2)} < ${options.minLanguageRatio}` };
    if (options.language === 'en' && letters > 0 && 1 - ratio < options.minLanguageRatio) return { reason: 'language', detail: `non-CJK share of letters ${(1 - ratio).toFixed(2)} < ${options.minLanguageRatio}` };
  }
  const { share, ngrams } = repeatedNgramShare(normalizeForDedup(text), options.repetitionNgram);
  if (ngrams >= 50 && share > options.maxRepeatedNgramShare) return { reason: 'repetition', detail: `repeated ${options.repetitionNgram}-gram share ${share.toFixed(2)} > ${options.maxRepeatedNgramShare}` };
  const refusal = findRefusalPhrase(response ?? text, options.refusalPhrases);
  if (refusal) return { reason: 'refusal', detail: `contains "${refusal}"` };
  return undefined;
}
