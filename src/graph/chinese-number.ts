const DIGITS: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 兩: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const SMALL_UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };
const LARGE_UNITS: Record<string, number> = { 万: 1e4, 亿: 1e8 };

/** Characters a Chinese numeral (or an Arabic one, full- or half-width) is written with; for building patterns. */
export const NUMERAL_CHARACTERS = '0-9０-９零〇一二两兩三四五六七八九十百千万亿';

/**
 * The value of a number written in Chinese numerals, Arabic digits (full- or half-width, with
 * `,` thousands separators and a decimal point) or a mix (`1.5万`); undefined when `text` is not one.
 *
 * Chinese numerals are read the positional way: a digit is multiplied by the small unit after it
 * (十, 百, 千), sections close at 万 and 亿, and a unit with no digit before it counts once
 * (十五 = 15). 零 only marks a skipped place (一百零二 = 102). Digits without units are read as a
 * digit string (二〇二四 = 2024).
 *
 * @example
 * parseChineseNumber('一百零二'); // 102
 * parseChineseNumber('十九');     // 19
 * parseChineseNumber('１２');     // 12
 * parseChineseNumber('1.5万');    // 15000
 */
export function parseChineseNumber(text: string): number | undefined {
  const value = text.normalize('NFKC').replace(/[,，\s]/gu, '');
  if (value === '') return undefined;
  const mixed = /^(\d+(?:\.\d+)?)([万亿]?)$/u.exec(value);
  if (mixed) return Number(mixed[1]) * (mixed[2] ? LARGE_UNITS[mixed[2]]! : 1);
  if (!/^[零〇一二两兩三四五六七八九十百千万亿]+$/u.test(value)) return undefined;
  if (!/[十百千万亿]/u.test(value)) return Number([...value].map((character) => DIGITS[character]).join(''));
  let total = 0;
  let section = 0;
  let digit: number | undefined;
  for (const character of value) {
    if (character in DIGITS) {
      digit = DIGITS[character]!;
    } else if (character in SMALL_UNITS) {
      section += (digit ?? 1) * SMALL_UNITS[character]!;
      digit = undefined;
    } else {
      const unit = LARGE_UNITS[character]!;
      total = (total + section + (digit ?? 0)) * unit;
      section = 0;
      digit = undefined;
    }
  }
  return total + section + (digit ?? 0);
}

const NUMERALS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/**
 * Writes a whole number from 0 to 9999 the way statutes number their articles: 19 → 十九,
 * 102 → 一百零二, 110 → 一百一十. Larger numbers come back in Arabic digits.
 */
export function formatChineseNumber(value: number): string {
  if (!Number.isInteger(value) || value < 0 || value > 9999) return String(value);
  if (value < 10) return NUMERALS[value]!;
  const places: Array<[number, string]> = [[1000, '千'], [100, '百'], [10, '十'], [1, '']];
  let text = '';
  let pendingZero = false;
  for (const [place, unit] of places) {
    const digit = Math.floor(value / place) % 10;
    if (digit === 0) {
      if (text !== '') pendingZero = true;
      continue;
    }
    if (pendingZero) text += '零';
    pendingZero = false;
    // 十九, not 一十九; but 一百一十 keeps its 一.
    text += value < 20 && place === 10 ? unit : `${NUMERALS[digit]}${unit}`;
  }
  return text;
}
