/**
 * The answer normalisation and tokenisation shared by the reference-based metrics
 * ({@link exactMatch}, {@link characterF1}, {@link rougeL}).
 *
 * Normalisation follows the SQuAD v1.1 evaluation script (`normalize_answer` in
 * https://rajpurkar.github.io/SQuAD-explorer/, Rajpurkar et al. 2016) without its English-only
 * article removal, plus NFKC so that full-width forms (`１２３`, `ＡＢＣ`, `，`) equal their
 * ASCII forms: NFKC → lower case → punctuation and symbols (Unicode P* and S*) deleted →
 * whitespace collapsed. Deleting rather than spacing out punctuation is SQuAD's choice (`don't`
 * → `dont`, `covid-19` → `covid19`).
 *
 * Tokenisation is the "mixed segmentation" of the CMRC 2018 evaluation script (Cui et al. 2019,
 * https://github.com/ymcui/cmrc2018/blob/master/squad-style-data/cmrc2018_evaluate.py): every
 * CJK character (Han, kana, Hangul) is a token of its own, and each run of other letters and
 * digits is one word, so mixed text such as `iPhone 15售价5999元` gives
 * `iphone 15 售 价 5999 元`. Characters rather than jieba words keep the metric independent of a
 * segmenter's dictionary, which is why Chinese reading-comprehension benchmarks score this way.
 */

const PUNCTUATION_OR_SYMBOL = /[\p{P}\p{S}]/gu;
const WHITESPACE_RUN = /\s+/gu;
const CJK = String.raw`[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]`;
const TOKEN = new RegExp(String.raw`${CJK}|(?:(?!${CJK})[\p{L}\p{N}\p{M}])+`, 'gu');

/**
 * NFKC, lower case, punctuation and symbols deleted, whitespace collapsed to one space and trimmed.
 *
 * @example
 * normalizeAnswerText('  “六个月”。 ') // '六个月'
 * normalizeAnswerText('Ｔｈｅ  COVID-19!') // 'the covid19'
 */
export function normalizeAnswerText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(PUNCTUATION_OR_SYMBOL, '').replace(WHITESPACE_RUN, ' ').trim();
}

/**
 * The tokens of normalised text: one per CJK character, one per run of other letters and digits.
 *
 * @example
 * answerTokens('iPhone 15售价5999元。') // ['iphone', '15', '售', '价', '5999', '元']
 */
export function answerTokens(text: string): string[] {
  return normalizeAnswerText(text).match(TOKEN) ?? [];
}

/** The best score of `prediction` against any of `references` (SQuAD: max over ground truths); 0 for no references. */
export function bestOverReferences(references: string | readonly string[], score: (reference: string) => number): number {
  const list = typeof references === 'string' ? [references] : references;
  return list.reduce((best, reference) => Math.max(best, score(reference)), 0);
}
