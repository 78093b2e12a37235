import type { Analyzer } from './analyzer.js';
import { CHINESE_STOPWORDS } from './chinese-stopwords.js';
import { stemEnglish } from './english-stemmer.js';
import { ENGLISH_STOPWORDS } from './english-stopwords.js';
import { getJieba } from './_jieba-instance.js';
import { normalizeText } from './normalize-text.js';
import { QUERY_BOILERPLATE } from './query-boilerplate.js';

/** Options for {@link createAnalyzer}. */
export interface AnalyzerOptions {
  /**
   * Domain terms jieba must keep whole (product names, statute names, jargon), e.g.
   * `['个体工商户', '质量保证金']`. Normalised like text. Default: none.
   */
  userDictionary?: string[];
  /**
   * Also emit overlapping character bigrams of every Chinese span, next to jieba's words.
   * Bigrams match when segmentation disagrees between a question and a document (`试用期` in
   * one, `试用` + `期限` in the other). Default: true.
   */
  characterBigrams?: boolean;
  /**
   * Also emit every character of Chinese spans as a term. Questions and documents often share a
   * morpheme but not a word (弄伤 / 伤害, 老公 / 夫妻): on stard-legal this adds about 0.013–0.02
   * nDCG@10 over words + bigrams. Characters have the longest posting lists; the index's early
   * termination keeps the cost near 1 ms a query. Default: true.
   */
  characterUnigrams?: boolean;
  /** Extra words to drop from documents and queries, added to the built-in lists. Default: none. */
  stopwords?: string[];
}

/** The analyzer's identity as recorded in index manifests. */
export const DEFAULT_ANALYZER_NAME = 'hangjia-default';
/** Bump when the terms produced for the same input change (see {@link Analyzer.version}). */
export const DEFAULT_ANALYZER_VERSION = 1;

/**
 * Prefix that keeps character bigrams in their own term space: the bigram `合同` and the word
 * `合同` then have separate document frequencies, so a document matching both the word and the
 * bigram is counted twice (as it should be: it agrees at two granularities), and the bigram side
 * can be recognised in `matchedTerms`.
 */
export const BIGRAM_PREFIX = '~';
/** Prefix of character unigrams, for the same reason as {@link BIGRAM_PREFIX}. */
export const UNIGRAM_PREFIX = '^';

/**
 * Splits normalised text into Han runs and alphanumeric tokens. Alphanumeric tokens may be
 * joined by `-`, `_`, `.` or `/` (`xr-5400`, `3.5`, `tcp/ip`); anything else (punctuation,
 * spaces, symbols) separates. Han and Latin touching each other (`5g路由器`) split at the script
 * boundary, which is what jieba would do anyway.
 */
const NOT_HAN_LETTER_OR_DIGIT = String.raw`(?:(?!\p{Script=Han})[\p{L}\p{N}])`;
const RUN_PATTERN = new RegExp(
  String.raw`(\p{Script=Han}+)|(${NOT_HAN_LETTER_OR_DIGIT}+(?:[-_./]${NOT_HAN_LETTER_OR_DIGIT}+)*)`,
  'gu',
);
const LETTERS_OR_DIGITS = /\p{L}+|\p{N}+/gu;
const ONLY_LETTERS = /^\p{L}+$/u;

/**
 * Creates the default analyzer: NFKC + lower-case; for Chinese, jieba words with their
 * search-mode sub-words plus character bigrams and unigrams of each span (three granularities
 * in one term space, told apart by prefixes); for English, stopwords and a Porter step-1
 * stemmer; alphanumeric tokens with their letter/digit parts.
 *
 * N-grams never bridge a dropped word: in `执照的经营者` (`的` is a stopword) there is no `~照的`
 * or `~的经`, because bigrams and unigrams are formed inside spans of kept words only. So
 * removing question boilerplate also removes the n-grams that straddle it.
 *
 * `analyzeQuery` additionally drops question framing ({@link QUERY_BOILERPLATE}).
 *
 * @example
 * const analyzer = createAnalyzer({ userDictionary: ['个体工商户'] });
 * analyzer.analyze('XR-5400路由器');   // ['xr-5400', 'xr', '5400', 'xr5400', '路由器', '路由', '^路', '^由', '^器', '~路由', '~由器']
 * analyzer.analyzeQuery!('请问个体工商户怎么办？'); // ['个体工商户', …]
 */
export function createAnalyzer(options: AnalyzerOptions = {}): Analyzer {
  const userDictionary = (options.userDictionary ?? []).map(normalizeText);
  const characterBigrams = options.characterBigrams ?? true;
  const characterUnigrams = options.characterUnigrams ?? true;
  const extraStopwords = new Set((options.stopwords ?? []).map(normalizeText));
  const documentStopwords = new Set([...CHINESE_STOPWORDS, ...ENGLISH_STOPWORDS, ...extraStopwords]);
  const queryStopwords = new Set([...documentStopwords, ...QUERY_BOILERPLATE]);
  // Bounded by the vocabulary actually seen (≈ 200k words for 58k statutes); saves one native
  // call per word occurrence.
  const subwordCache = new Map<string, readonly string[]>();
  // Options that change terms are part of the name, so an index built with bigrams cannot be
  // queried by an analyzer without them; the user dictionary is content, hashed into the name.
  const name = [
    DEFAULT_ANALYZER_NAME,
    characterBigrams ? 'bigrams' : 'words',
    characterUnigrams ? 'unigrams' : '',
    userDictionary.length + extraStopwords.size > 0 ? `custom-${hashWords([...userDictionary, '\u0000', ...extraStopwords])}` : '',
  ]
    .filter((part) => part.length > 0)
    .join('+');

  /** Search-mode sub-words of one jieba word, e.g. `权益保护法` → `权益`, `保护`, `护法`, `保护法`. */
  const subwords = (word: string): readonly string[] => {
    let cached = subwordCache.get(word);
    if (cached === undefined) {
      cached = getJieba(userDictionary).cutForSearch(word, false).filter((part) => part !== word && part.length > 1);
      subwordCache.set(word, cached);
    }
    return cached;
  };

  // The words of the last text analyzed: an index that learns topic vectors asks for a record's
  // words right after its terms, and segmenting once instead of twice saves 40 % of the build's
  // analysis time (docs/design.md).
  let lastWords: { text: string; stopwords: ReadonlySet<string>; words: string[] } | undefined;

  const run = (text: string, stopwords: ReadonlySet<string>): string[] => {
    const terms: string[] = [];
    const words: string[] = [];
    for (const match of normalizeText(text).matchAll(RUN_PATTERN)) {
      if (match[1] !== undefined) {
        analyzeHan(match[1], stopwords, terms, words);
      } else if (match[2] !== undefined) {
        analyzeAlphanumeric(match[2], stopwords, terms, words);
      }
    }
    lastWords = { text, stopwords, words };
    return terms;
  };

  const wordsOf = (text: string, stopwords: ReadonlySet<string>): string[] => {
    if (lastWords?.text !== text || lastWords.stopwords !== stopwords) run(text, stopwords);
    return lastWords!.words;
  };

  const analyzeHan = (han: string, stopwords: ReadonlySet<string>, terms: string[], words: string[]): void => {
    let span = '';
    const flushSpan = (): void => {
      if (characterUnigrams) {
        for (const character of span) terms.push(UNIGRAM_PREFIX + character);
      }
      if (characterBigrams) {
        for (let index = 0; index + 1 < span.length; index++) {
          terms.push(BIGRAM_PREFIX + span.slice(index, index + 2));
        }
      }
      span = '';
    };
    for (const word of getJieba(userDictionary).cut(han, true)) {
      if (stopwords.has(word)) {
        flushSpan();
        continue;
      }
      terms.push(word);
      words.push(word);
      if (word.length > 2) {
        terms.push(...subwords(word));
      }
      span += word;
    }
    flushSpan();
  };

  const analyzeAlphanumeric = (token: string, stopwords: ReadonlySet<string>, terms: string[], words: string[]): void => {
    if (ONLY_LETTERS.test(token)) {
      if (!stopwords.has(token)) {
        const stem = stemEnglish(token);
        terms.push(stem);
        words.push(stem);
      }
      return;
    }
    words.push(token);
    // Mixed or joined tokens (`iphone15`, `xr-5400`, `3.5`): the whole token, its letter and digit
    // parts (so `iphone 15` finds `iphone15`), and the parts glued together (so `xr5400` finds
    // `xr-5400`).
    terms.push(token);
    const parts = token.match(LETTERS_OR_DIGITS) ?? [];
    if (parts.length > 1) {
      for (const part of parts) {
        if (!stopwords.has(part)) {
          terms.push(part);
        }
      }
      const glued = parts.join('');
      if (glued !== token) {
        terms.push(glued);
      }
    }
  };

  return {
    name,
    version: DEFAULT_ANALYZER_VERSION,
    analyze: (text) => run(text, documentStopwords),
    analyzeQuery: (text) => run(text, queryStopwords),
    words: (text, options) => wordsOf(text, options?.query ? queryStopwords : documentStopwords),
    recipe: { module: import.meta.url, factory: 'createAnalyzer', options },
  };
}

/** FNV-1a over the words, as 8 hex digits: short, stable across machines, no crypto needed. */
function hashWords(words: readonly string[]): string {
  let hash = 0x811c9dc5;
  for (const word of words) {
    for (let index = 0; index < word.length; index++) {
      hash ^= word.charCodeAt(index);
      hash = Math.imul(hash, 0x01000193);
    }
    hash ^= 0x0a;
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}
