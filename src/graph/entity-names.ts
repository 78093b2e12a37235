import { NUMERAL_CHARACTERS, parseChineseNumber } from './chinese-number.js';
import type { GraphSchema } from './graph-schema.js';
import { articleKey, RULE_TYPES } from './rule-extractors.js';

const ARTICLE_IN_NAME = new RegExp(`第([${NUMERAL_CHARACTERS}]+)[条條](?:之([一二三四五六七八九十\\d]+))?`, 'gu');
const QUOTES = /[《》〈〉「」『』"'“”‘’]/gu;

/**
 * The form two names must share to denote the same entity: NFKC (full-width letters and digits
 * become half-width: ＸＲ－５４００ → XR-5400), title marks and quotes dropped, no white space,
 * lower case, the configured prefixes (中华人民共和国) dropped, and article numbers in Arabic
 * digits (第十九条 → 第19条); first, the configured character folds (traditional → simplified
 * pairs: `{ 勞: 劳 }`) are applied.
 *
 * @example
 * normalizeEntityName('《中华人民共和国劳动合同法》第十九条', ['中华人民共和国']); // '劳动合同法第19条'
 */
export function normalizeEntityName(name: string, stripPrefixes: readonly string[] = ['中华人民共和国'], foldCharacters: Readonly<Record<string, string>> = {}): string {
  const fold = (text: string): string => (Object.keys(foldCharacters).length === 0 ? text : [...text].map((character) => foldCharacters[character] ?? character).join(''));
  let value = fold(name).normalize('NFKC').replace(QUOTES, '').replace(/\s+/gu, '').toLowerCase();
  for (const prefix of stripPrefixes) {
    const normalizedPrefix = fold(prefix).normalize('NFKC').toLowerCase();
    if (value.startsWith(normalizedPrefix) && value.length > normalizedPrefix.length) value = value.slice(normalizedPrefix.length);
  }
  return value.replace(ARTICLE_IN_NAME, (whole, number: string, suffix: string | undefined) => {
    const parsed = parseChineseNumber(number);
    const parsedSuffix = suffix === undefined ? undefined : parseChineseNumber(suffix);
    return parsed === undefined ? whole : articleKey(parsed, parsedSuffix);
  });
}

/**
 * Entity resolution by name: the key a name is stored under, with the schema's aliases applied
 * (per type: every alias key maps to its canonical name's key). An article's statute part is
 * resolved with the statute aliases, so 个保法第十条 and 《中华人民共和国个人信息保护法》第十条 meet.
 */
export class EntityNames {
  private readonly stripPrefixes: readonly string[];
  private readonly foldCharacters: Readonly<Record<string, string>>;
  private readonly aliases = new Map<string, Map<string, { key: string; canonical: string }>>();

  constructor(schema?: Pick<GraphSchema, 'aliases' | 'stripPrefixes'> & Partial<Pick<GraphSchema, 'foldCharacters'>>) {
    this.stripPrefixes = schema?.stripPrefixes ?? ['中华人民共和国'];
    this.foldCharacters = schema?.foldCharacters ?? {};
    for (const [type, names] of Object.entries(schema?.aliases ?? {})) {
      const byKey = new Map<string, { key: string; canonical: string }>();
      for (const [canonical, others] of Object.entries(names)) {
        const target = { key: this.normalize(canonical), canonical };
        for (const name of [canonical, ...others]) byKey.set(this.normalize(name), target);
      }
      this.aliases.set(type, byKey);
    }
  }

  normalize(name: string): string {
    return normalizeEntityName(name, this.stripPrefixes, this.foldCharacters);
  }

  /** The key `name` of `type` is stored under, and the canonical name when an alias named it. */
  resolve(type: string, name: string): { key: string; canonical?: string } {
    const key = this.normalize(name);
    const alias = this.aliases.get(type)?.get(key);
    if (alias) return { key: alias.key, canonical: alias.canonical };
    if (type === RULE_TYPES.article) {
      const article = /^(.*?)(第\d+条(?:之\d+)?)$/u.exec(key);
      // The statute part may be a law's alias or a document's (员工手册 for the handbook's own title).
      const statute = article && article[1] !== '' ? (this.aliases.get(RULE_TYPES.statute)?.get(article[1]!) ?? this.aliases.get(RULE_TYPES.document)?.get(article[1]!)) : undefined;
      if (statute) return { key: `${statute.key}${article![2]}` };
    }
    return { key };
  }
}
