import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';

/**
 * The Chinese tokenizer handed to peers that do not segment Chinese themselves: jieba's
 * search-engine mode (`cutForSearch`, HMM on, so 劳动合同 also yields 劳动 and 合同), lower-cased,
 * with tokens that hold no letter or digit (punctuation, spaces) dropped.
 */
export function createJiebaTokenizer(): (text: string) => string[] {
  // Jieba.withDict loads the shipped dictionary (about 250 ms); `new Jieba()` would be empty.
  const jieba = Jieba.withDict(dict);
  return (text: string) => {
    const tokens: string[] = [];
    for (const token of jieba.cutForSearch(text, true)) {
      if (/[\p{L}\p{N}]/u.test(token)) tokens.push(token.toLowerCase());
    }
    return tokens;
  };
}
