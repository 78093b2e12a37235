const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const WORD_CHARACTER = /[\p{L}\p{N}\p{M}]/u;
const WHITESPACE = /\s/u;
// English BPE vocabularies average about four characters per token (OpenAI's rule of thumb).
const CHARACTERS_PER_WORD_TOKEN = 4;

/**
 * Estimates how many tokens a model tokenizer will produce for `text`, without loading one.
 *
 * The rule, applied per code point:
 * - a CJK ideograph, kana or hangul syllable counts 1 — BERT-style embedders (bge, m3e) give every
 *   Han character its own token, and Qwen/Llama-3 BPE vocabularies give about 0.7–1.0 per character;
 * - a run of other letters and digits (an English word, `v2`, `3`) counts ceil(length / 4);
 * - any other visible character (punctuation, symbols, emoji) counts 1;
 * - whitespace counts 0.
 *
 * It errs high for long English words and for Chinese under large BPE vocabularies, which is the
 * safe side for a bound: a chunk under `maxTokens` by this count fits the model's window. It only
 * grows as text is appended, which lets the chunker binary-search cut points.
 *
 * @example
 * estimateTokens('劳动合同 is signed.') // → 4 (劳动合同) + 1 (is) + 2 (signed) + 1 (.) = 8
 */
export function estimateTokens(text: string): number {
  let tokens = 0;
  let wordLength = 0;
  for (const character of text) {
    if (isWordCharacter(character)) {
      wordLength += 1;
      continue;
    }
    tokens += Math.ceil(wordLength / CHARACTERS_PER_WORD_TOKEN);
    wordLength = 0;
    if (!isWhitespace(character)) tokens += 1;
  }
  return tokens + Math.ceil(wordLength / CHARACTERS_PER_WORD_TOKEN);
}

// The chunker calls estimateTokens on every candidate chunk, so ASCII and the common CJK block
// take a fast path; everything else goes through the Unicode property regexes.
function isWordCharacter(character: string): boolean {
  const code = character.charCodeAt(0);
  if (code < 0x80) return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
  if (code >= 0x4e00 && code <= 0x9fff) return false;
  return !CJK.test(character) && WORD_CHARACTER.test(character);
}

function isWhitespace(character: string): boolean {
  const code = character.charCodeAt(0);
  if (code < 0x80) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  if (code >= 0x4e00 && code <= 0x9fff) return false;
  return WHITESPACE.test(character);
}
