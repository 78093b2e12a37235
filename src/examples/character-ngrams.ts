import { normalizeText } from '../analysis/index.js';

const WORD_RUN = /[\p{L}\p{N}]+/gu;

/**
 * Overlapping character n-grams of `text` for each size in `sizes`, after the analyzer's
 * normalisation (NFKC, lower case). N-grams never cross punctuation or spaces, and a run shorter
 * than n gives none of that size. Sizes are counted in code points, so a Han character is one.
 *
 * N-grams need no segmenter, which makes them robust where jieba splits a question and an example
 * differently (`试用期` vs `试用` + `期限`): both still share `试用`.
 *
 * @example
 * characterNgrams('试用期，多久', [2, 3]); // ['试用', '用期', '试用期', '多久']
 */
export function characterNgrams(text: string, sizes: readonly number[]): string[] {
  const ngrams: string[] = [];
  for (const match of normalizeText(text).matchAll(WORD_RUN)) {
    const characters = Array.from(match[0]);
    for (const size of sizes) {
      for (let start = 0; start + size <= characters.length; start += 1) {
        ngrams.push(characters.slice(start, start + size).join(''));
      }
    }
  }
  return ngrams;
}
