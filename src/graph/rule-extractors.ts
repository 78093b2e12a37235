import { formatChineseNumber, NUMERAL_CHARACTERS, parseChineseNumber } from './chinese-number.js';
import { OWN_DOCUMENT, type EntityReference, type ExtractedFact } from './graph-fact.js';

/**
 * The model-free extractors: statute cross-references and the quantities legal and business text
 * turns on (amounts with currency, durations, dates, percentages). They run on every chunk whether
 * or not a model is configured, and their facts join the model's in one graph.
 *
 * Names and types they use (built into every schema):
 * - `法律` (a title in 《…》 that ends like a statute: …法, …条例, …规定, …办法) or `文档` (any other
 *   title, and a chunk's own document), `条款` (`劳动合同法第十九条`);
 * - relations `引用` (what the text refers to) and `属于` (an article to its statute);
 * - attributes `金额`, `期限`, `日期`, `比例` of the article the value sits in (the last
 *   `第X条` heading before it, else the chunk's heading path), else of the chunk's document.
 */
/**
 * The version of the model-free extractors and of entity resolution: stored with the rules' facts
 * and in the graph's revision, so a newer hangjia extracts and resolves again on the next build or
 * graph read. Bump it when either changes what they produce.
 */
export const RULES_VERSION = 'rules-3';

export const RULE_TYPES = { statute: '法律', document: '文档', article: '条款' } as const;
export const RULE_RELATIONS = { cites: '引用', partOf: '属于' } as const;
export const RULE_ATTRIBUTES = { amount: '金额', duration: '期限', date: '日期', percentage: '比例' } as const;

const N = NUMERAL_CHARACTERS;
// 條: statutes in traditional characters number their articles the same way.
const ARTICLE_SOURCE = `第([${N}]+)[条條](?:之([一二三四五六七八九十]+))?`;
const ARTICLE_HEADING = new RegExp(`^[\\s#>*]*${ARTICLE_SOURCE}`, 'gmu');
const TITLE = /《([^《》\n]{1,80})》/gu;
const ARTICLE_CHAIN = new RegExp(`^(?:(?:${ARTICLE_SOURCE})(?:第[${N}]+款)?(?:第[（(]?[${N}]+[）)]?项)?(?:[、，,和及与或至到]|以及)?)+`, 'u');
const OWN_ARTICLE = new RegExp(`(?:本(?:法|条例|规定|办法|手册|制度|细则|规则|章程|协议|合同|政策|准则))?${ARTICLE_SOURCE}`, 'gu');
const STATUTE_ENDING = /(?:法|法典|条例|规定|办法|细则|解释|决定|规则|规章|公约)$/u;

const FULL_DATE = new RegExp(`([0-9０-９]{4}|[〇零一二三四五六七八九]{4})\\s*年\\s*([0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})\\s*月(?:\\s*([0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})\\s*[日号])?`, 'gu');
const ISO_DATE = /(?<![\d.])(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?![\d.])/gu;
const MONTH_DAY = new RegExp(`(?<![${N}])([0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})\\s*月\\s*([0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})\\s*[日号]`, 'gu');
const PERCENT = /(\d+(?:\.\d+)?)\s*[%％]|百分之([零〇一二两三四五六七八九十百千点]+)/gu;
const CURRENCY_WORDS: Record<string, string> = {
  元: 'CNY', 块: 'CNY', 人民币: 'CNY', RMB: 'CNY', CNY: 'CNY', '¥': 'CNY', '￥': 'CNY',
  美元: 'USD', USD: 'USD', $: 'USD', US$: 'USD', 港元: 'HKD', 港币: 'HKD', HK$: 'HKD', 欧元: 'EUR', EUR: 'EUR', '€': 'EUR', 英镑: 'GBP', 日元: 'JPY',
};
const AMOUNT_SUFFIX = new RegExp(`(?<![${N}.])(\\d[\\d,，]*(?:\\.\\d+)?|[${N}]+)\\s*([万亿千])?\\s*(元|块钱|美元|港元|港币|欧元|英镑|日元)`, 'gu');
const AMOUNT_PREFIX = /(RMB|CNY|USD|EUR|US\$|HK\$|[¥￥$€])\s*(\d[\d,]*(?:\.\d+)?)\s*([万亿千]|million|billion)?/gu;
const DURATION = new RegExp(`(?<!第)(\\d+(?:\\.\\d+)?|[零一二两三四五六七八九十百千半]+)\\s*(个工作日|工作日|自然日|个月|个小时|小时|个星期|星期|周|年|天|日|分钟|秒钟|秒)`, 'gu');
const ENGLISH_DURATION = /\b(\d+(?:\.\d+)?)[\s-]*(years?|months?|weeks?|days?|hours?|minutes?|seconds?)\b/giu;
const DURATION_UNITS: Record<string, string> = {
  个工作日: 'working-day', 工作日: 'working-day', 自然日: 'day', 个月: 'month', 个小时: 'hour', 小时: 'hour', 个星期: 'week', 星期: 'week',
  周: 'week', 年: 'year', 天: 'day', 日: 'day', 分钟: 'minute', 秒钟: 'second', 秒: 'second',
};

/** The label an article is keyed by: `第19条`, `第19条之1`. */
export function articleKey(number: number, suffix?: number): string {
  return `第${number}条${suffix === undefined ? '' : `之${suffix}`}`;
}

/** `劳动合同法` + 19 → `劳动合同法第十九条`: the statutes' own way of writing it. */
export function articleName(statute: string, number: number, suffix?: number): string {
  return `${statute}第${formatChineseNumber(number)}条${suffix === undefined ? '' : `之${formatChineseNumber(suffix)}`}`;
}

/** `法律` for a title that ends like a statute, else `文档`. */
export function classifyTitle(title: string): string {
  return STATUTE_ENDING.test(title) ? RULE_TYPES.statute : RULE_TYPES.document;
}

/**
 * Runs every model-free extractor on one chunk's text. `headingPath` places a chunk that starts
 * inside an article (a statute chunked article by article): its last `第X条` entry is the article
 * for values before the chunk's first article heading.
 *
 * @example
 * extractRuleFacts('第十条 试用期最长不得超过六个月。', ['员工手册', '第十条']);
 * // → a `期限` attribute of `@document 第10条`: 六个月, normalized `6 month`, evidence 14–17
 */
export function extractRuleFacts(text: string, headingPath: readonly string[] = []): ExtractedFact[] {
  const headings = articleHeadings(text);
  const fromHeadingPath = [...headingPath].reverse().map((heading) => parseArticle(heading)).find((article) => article !== undefined);
  const anchorAt = (offset: number): EntityReference => {
    let label = fromHeadingPath;
    for (const heading of headings) if (heading.start <= offset) label = heading.label;
    return { type: OWN_DOCUMENT, name: label ?? '' };
  };
  const facts: ExtractedFact[] = [];
  const claimed: Array<[number, number]> = [];
  const claim = (start: number, end: number): boolean => {
    if (claimed.some(([from, to]) => start < to && from < end)) return false;
    claimed.push([start, end]);
    return true;
  };

  for (const match of text.matchAll(TITLE)) {
    const title = match[1]!.replace(/\s+/gu, ' ').trim();
    const start = match.index;
    const titleEnd = start + match[0].length;
    const chain = ARTICLE_CHAIN.exec(text.slice(titleEnd));
    const articles = chain ? [...chain[0].matchAll(new RegExp(ARTICLE_SOURCE, 'gu'))] : [];
    const anchor = anchorAt(start);
    const statute: EntityReference = { type: classifyTitle(title), name: title };
    facts.push({ kind: 'entity', subject: statute, evidence: { start, end: titleEnd } });
    if (articles.length === 0) {
      claim(start, titleEnd);
      facts.push({ kind: 'relation', subject: anchor, predicate: RULE_RELATIONS.cites, object: statute, evidence: { start, end: titleEnd } });
      continue;
    }
    for (const article of articles) {
      const number = parseChineseNumber(article[1]!);
      if (number === undefined) continue;
      const suffix = article[2] === undefined ? undefined : parseChineseNumber(article[2]);
      const end = titleEnd + article.index + article[0].length;
      const target: EntityReference = { type: RULE_TYPES.article, name: articleName(title, number, suffix) };
      facts.push({ kind: 'entity', subject: target, evidence: { start, end } });
      facts.push({ kind: 'relation', subject: anchor, predicate: RULE_RELATIONS.cites, object: target, evidence: { start, end } });
      facts.push({ kind: 'relation', subject: target, predicate: RULE_RELATIONS.partOf, object: statute, evidence: { start, end } });
    }
    claim(start, titleEnd + chain![0].length);
  }

  const headingStarts = new Set(headings.map((heading) => heading.articleStart));
  for (const match of text.matchAll(OWN_ARTICLE)) {
    const articleStart = match.index + match[0].indexOf('第');
    if (headingStarts.has(articleStart) || !claim(match.index, match.index + match[0].length)) continue;
    const number = parseChineseNumber(match[1]!);
    if (number === undefined) continue;
    const suffix = match[2] === undefined ? undefined : parseChineseNumber(match[2]);
    const evidence = { start: match.index, end: match.index + match[0].length };
    facts.push({ kind: 'relation', subject: anchorAt(match.index), predicate: RULE_RELATIONS.cites, object: { type: OWN_DOCUMENT, name: articleKey(number, suffix) }, evidence });
  }

  const attribute = (predicate: string, start: number, end: number, normalized: string, unit?: string): void => {
    if (!claim(start, end)) return;
    facts.push({ kind: 'attribute', subject: anchorAt(start), predicate, value: text.slice(start, end), normalized, ...(unit ? { unit } : {}), evidence: { start, end } });
  };
  for (const match of text.matchAll(FULL_DATE)) {
    const year = parseChineseNumber(match[1]!);
    const month = parseChineseNumber(match[2]!);
    const day = match[3] === undefined ? undefined : parseChineseNumber(match[3]);
    if (year === undefined || month === undefined || month < 1 || month > 12) continue;
    attribute(RULE_ATTRIBUTES.date, match.index, match.index + match[0].length, `${year}-${pad(month)}${day === undefined ? '' : `-${pad(day)}`}`);
  }
  for (const match of text.matchAll(ISO_DATE)) {
    const month = Number(match[2]);
    if (month < 1 || month > 12) continue;
    attribute(RULE_ATTRIBUTES.date, match.index, match.index + match[0].length, `${match[1]}-${pad(month)}-${pad(Number(match[3]))}`);
  }
  for (const match of text.matchAll(MONTH_DAY)) {
    const month = parseChineseNumber(match[1]!);
    const day = parseChineseNumber(match[2]!);
    if (month === undefined || day === undefined || month < 1 || month > 12 || day < 1 || day > 31) continue;
    attribute(RULE_ATTRIBUTES.date, match.index, match.index + match[0].length, `--${pad(month)}-${pad(day)}`);
  }
  for (const match of text.matchAll(PERCENT)) {
    const value = match[1] !== undefined ? Number(match[1]) : parseChineseDecimal(match[2]!);
    if (value === undefined) continue;
    attribute(RULE_ATTRIBUTES.percentage, match.index, match.index + match[0].length, `${round(value)}%`, '%');
  }
  for (const match of text.matchAll(AMOUNT_PREFIX)) {
    const value = Number(match[2]!.replace(/,/gu, '')) * multiplier(match[3]);
    attribute(RULE_ATTRIBUTES.amount, match.index, match.index + match[0].length, `${round(value)} ${CURRENCY_WORDS[match[1]!] ?? match[1]}`, CURRENCY_WORDS[match[1]!]);
  }
  for (const match of text.matchAll(AMOUNT_SUFFIX)) {
    const number = parseChineseNumber(match[1]!);
    if (number === undefined) continue;
    const currency = CURRENCY_WORDS[match[3]!.replace('钱', '')] ?? 'CNY';
    attribute(RULE_ATTRIBUTES.amount, match.index, match.index + match[0].length, `${round(number * multiplier(match[2]))} ${currency}`, currency);
  }
  for (const match of text.matchAll(DURATION)) {
    const unit = match[2]!;
    const number = match[1] === '半' ? 0.5 : parseChineseNumber(match[1]!.replace(/^半$/u, ''));
    if (number === undefined) continue;
    // 2024年 is a year, 每月15日 a day of the month, not durations.
    if (unit === '年' && number >= 1000) continue;
    if (unit === '日' && /月\s*$/u.test(text.slice(Math.max(0, match.index - 2), match.index))) continue;
    attribute(RULE_ATTRIBUTES.duration, match.index, match.index + match[0].length, `${round(number)} ${DURATION_UNITS[unit]}`, DURATION_UNITS[unit]);
  }
  for (const match of text.matchAll(ENGLISH_DURATION)) {
    const unit = match[2]!.toLowerCase().replace(/s$/u, '');
    attribute(RULE_ATTRIBUTES.duration, match.index, match.index + match[0].length, `${round(Number(match[1]))} ${unit}`, unit);
  }
  return facts.sort((left, right) => left.evidence.start - right.evidence.start || left.evidence.end - right.evidence.end);
}

/** Article headings at the start of a line (`第十条 …`, `**第十三条** …`), in text order. */
function articleHeadings(text: string): Array<{ start: number; articleStart: number; label: string }> {
  const headings: Array<{ start: number; articleStart: number; label: string }> = [];
  for (const match of text.matchAll(ARTICLE_HEADING)) {
    const number = parseChineseNumber(match[1]!);
    if (number === undefined) continue;
    const suffix = match[2] === undefined ? undefined : parseChineseNumber(match[2]);
    headings.push({ start: match.index, articleStart: match.index + match[0].indexOf('第'), label: articleKey(number, suffix) });
  }
  return headings;
}

/** `第十条` (a heading path entry) → `第10条`; undefined for anything else. */
function parseArticle(heading: string): string | undefined {
  const match = new RegExp(`^${ARTICLE_SOURCE}`, 'u').exec(heading.trim());
  const number = match ? parseChineseNumber(match[1]!) : undefined;
  if (number === undefined) return undefined;
  return articleKey(number, match![2] === undefined ? undefined : parseChineseNumber(match![2]));
}

function parseChineseDecimal(text: string): number | undefined {
  const [whole, fraction] = text.split('点');
  const integer = parseChineseNumber(whole === '' ? '零' : whole!);
  if (integer === undefined) return undefined;
  if (fraction === undefined) return integer;
  const digits = [...fraction].map((character) => parseChineseNumber(character));
  if (digits.some((digit) => digit === undefined || digit > 9)) return undefined;
  return Number(`${integer}.${digits.join('')}`);
}

function multiplier(unit: string | undefined): number {
  return unit === '万' ? 1e4 : unit === '亿' || unit === 'billion' ? (unit === '亿' ? 1e8 : 1e9) : unit === '千' ? 1e3 : unit === 'million' ? 1e6 : 1;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
