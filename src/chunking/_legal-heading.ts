/** Structural levels of Chinese statutes and regulations, outermost first; 条 is the article. */
export type LegalLevel = '编' | '章' | '节' | '条';

export interface LegalHeading {
  level: LegalLevel;
  /** `第…编/章/节/条` with any spaces inside removed, digits as written: `第十九条`, `第１２条`. */
  label: string;
  /** Offset within the line just after the label: an article's text may follow on the same line. */
  labelEnd: number;
}

// 第 + a numeral in Chinese (一…十百千零〇两) or in ASCII/full-width digits + the level. \s covers
// U+3000, which Chinese statutes use between the label and the title.
const LEGAL_LABEL = /^\s*第\s*([一二三四五六七八九十百千零〇两]+|[0-9０-９]+)\s*([编章节条])/u;
// A label followed by one of these is a cross-reference at the start of a line, not a heading:
// 第十条规定…, 第十条的…, 第十条至第十五条, 第十条、第十一条, 第十条第二款, 第三章中…
const REFERENCE_FOLLOWERS = new Set([...'的之所中至、，,和与或及规第款项内']);
// 编/章/节 headings are short titles; a long line or one ending like a sentence is prose.
const MAXIMUM_SECTION_HEADING_LENGTH = 40;
const SENTENCE_ENDINGS = new Set([...'。；！？，：']);

/**
 * Recognises a line that starts a statute unit: 第X编, 第X章, 第X节 or 第X条.
 *
 * @example
 * parseLegalHeading('第十九条　劳动合同期限三个月以上不满一年的，试用期不得超过一个月；')
 * // → { level: '条', label: '第十九条', labelEnd: 4 }
 */
export function parseLegalHeading(line: string): LegalHeading | undefined {
  const match = LEGAL_LABEL.exec(line);
  const numeral = match?.[1];
  const level = match?.[2] as LegalLevel | undefined;
  if (match === null || numeral === undefined || level === undefined) return undefined;
  const labelEnd = match[0].length;
  const follower = line[labelEnd];
  if (follower !== undefined && REFERENCE_FOLLOWERS.has(follower)) return undefined;
  if (level !== '条') {
    const trimmed = line.trim();
    if (trimmed.length > MAXIMUM_SECTION_HEADING_LENGTH || SENTENCE_ENDINGS.has(trimmed.at(-1) ?? '')) return undefined;
  }
  return { level, label: `第${numeral}${level}`, labelEnd };
}
