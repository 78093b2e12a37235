/**
 * Text helpers shared by the filters, dedup and decontamination. Private to datasets/.
 */

const PUNCTUATION_OR_SYMBOL_OR_SPACE = /[\p{P}\p{S}\p{Z}\s\p{Cc}\p{Cf}]+/gu;
import { createSeededRandom } from '../support/index.js';

/**
 * The text exact and near-duplicate detection compare: NFKC (full-width → half-width, compatibility
 * forms folded), lower-cased, with whitespace, punctuation, symbols and control/format characters
 * removed. "劳动合同，试用期。" and "劳动合同 试用期" compare equal.
 */
export function normalizeForDedup(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(PUNCTUATION_OR_SYMBOL_OR_SPACE, '');
}

/** Whether a code unit is a CJK ideograph/kana/hangul (BMP blocks; astral ideographs are rare in training text). */
function isCjkCode(code: number): boolean {
  return (
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0x3400 && code <= 0x4dbf) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0x3040 && code <= 0x30ff) ||
    (code >= 0xac00 && code <= 0xd7af)
  );
}

/** Share of CJK characters among letters (CJK + other letters) in `text`; 0 when it has no letters. */
export function cjkShare(text: string): { cjk: number; letters: number } {
  let cjk = 0;
  let letters = 0;
  for (const character of text) {
    const code = character.charCodeAt(0);
    if (isCjkCode(code)) {
      cjk += 1;
      letters += 1;
    } else if ((code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || (code >= 0x80 && /\p{L}/u.test(character))) letters += 1;
  }
  return { cjk, letters };
}

const WORD = /[\p{L}\p{N}]+/gu;

/**
 * Splits text into comparison units: every CJK character is one unit and every run of other
 * letters/digits is one (lower-cased) word. "第13条 applies" → ["第", "13", "条", "applies"].
 * Decontamination counts n-grams of these units, so 13 units means 13 Chinese characters or 13
 * English words.
 */
export function textUnits(text: string): string[] {
  const units: string[] = [];
  for (const match of text.normalize('NFKC').toLowerCase().matchAll(WORD)) {
    const word = match[0];
    let start = 0;
    for (let index = 0; index < word.length; index += 1) {
      if (isCjkCode(word.charCodeAt(index))) {
        if (index > start) units.push(word.slice(start, index));
        units.push(word[index]!);
        start = index + 1;
      }
    }
    if (start < word.length) units.push(word.slice(start));
  }
  return units;
}

/** MurmurHash3's 32-bit finaliser: spreads a 32-bit value over all bits. */
export function fmix32(value: number): number {
  let hash = value;
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/** FNV-1a over UTF-16 code units, 32 bits. */
export function hashString32(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Fisher–Yates shuffle of 0…length-1 with a seeded generator. */
export function shuffledIndices(length: number, seed: number): number[] {
  const random = createSeededRandom(seed);
  const indices = Array.from({ length }, (_, index) => index);
  for (let index = length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [indices[index], indices[other]] = [indices[other]!, indices[index]!];
  }
  return indices;
}
