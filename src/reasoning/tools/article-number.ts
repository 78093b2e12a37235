const DIGITS: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };

/**
 * The number of a statute article label or numeral: `第四十七条` → 47, `一百零二` → 102, `十条` → 10,
 * `第１２条` → 12, `47` → 47. Undefined for anything else. `之一` suffixes are ignored by callers
 * that compare numbers; see {@link articleLabel} to keep them.
 *
 * @example
 * articleNumber('第一千零六十四条') // → 1064
 */
export function articleNumber(label: string): number | undefined {
  const numeral = label.normalize('NFKC').trim().replace(/^第\s*/u, '').replace(/\s*条.*$/u, '');
  if (/^\d+$/u.test(numeral)) return Number(numeral);
  if (numeral === '' || ![...numeral].every((character) => character in DIGITS || character in UNITS)) return undefined;
  let total = 0;
  let digit: number | undefined;
  for (const character of numeral) {
    if (character in DIGITS) digit = DIGITS[character]!;
    else {
      // A bare unit (十条, 一百一十条) counts one of it.
      total += (digit ?? 1) * UNITS[character]!;
      digit = undefined;
    }
  }
  return total + (digit ?? 0);
}

/** `第N条` with N as written in the label (Chinese or digits), or undefined when `label` names no article. */
export function articleLabel(label: string): string | undefined {
  const match = /第\s*([一二三四五六七八九十百千零〇两]+|[0-9０-９]+)\s*条(之[一二三四五六七八九十]+)?/u.exec(label.normalize('NFKC'));
  return match === null ? undefined : `第${match[1]}条${match[2] ?? ''}`;
}

/**
 * A law's title in the form titles are compared in: NFKC, no 《》 or spaces, without the
 * `中华人民共和国` prefix statutes are often cited without (`民法典` finds `中华人民共和国民法典`).
 */
export function normalizeLawTitle(title: string): string {
  return title
    .normalize('NFKC')
    .replace(/[《》〈〉\s"“”]/gu, '')
    .replace(/^中华人民共和国/u, '')
    .replace(/\.(md|txt|markdown)$/u, '');
}

/**
 * The key an article is compared by in evidence recall: normalised law title and article number
 * (`中华人民共和国民法典第五十四条` and a chunk of 民法典.txt headed 第54条 both give `民法典#54`);
 * `之一` articles keep their suffix. Undefined when `name` names no article.
 *
 * @example
 * articleKey('中华人民共和国民法典第五十四条') // → '民法典#54'
 */
export function articleKey(name: string): string | undefined {
  const match = /^(.*?)\s*第\s*([一二三四五六七八九十百千零〇两]+|[0-9０-９]+)\s*条(之[一二三四五六七八九十]+)?$/u.exec(name.normalize('NFKC').trim());
  if (match === null || match[1] === undefined || match[1] === '') return undefined;
  const number = articleNumber(`第${match[2]}条`);
  return number === undefined ? undefined : `${normalizeLawTitle(match[1])}#${number}${match[3] ?? ''}`;
}
