import { describe, expect, it } from 'vitest';
import { estimateTokens } from './estimate-tokens.js';

describe('estimateTokens', () => {
  it.each<[string, number]>([
    ['', 0],
    [' \n\u3000', 0],
    // One per ideograph.
    ['劳动合同', 4],
    // ceil(length / 4) per word: the 1, signed 2, internationalization (20 letters) 5.
    ['the', 1],
    ['signed', 2],
    ['internationalization', 5],
    // One per punctuation mark, ASCII or full-width.
    ['，。！', 3],
    ['a.b', 3],
    // 3 (1) + . (1) + 14 (1).
    ['3.14', 3],
    // 4 ideographs + is (1) + signed (2) + . (1).
    ['劳动合同 is signed.', 8],
    // A Han character ends an ASCII word: abc (1) + 中 (1) + def (1).
    ['abc中def', 3],
    // Kana and hangul count like ideographs; an emoji is one symbol.
    ['カナ한글😀', 5],
    // Accented letters are word characters: café (4 letters, one token).
    ['café', 1],
  ])('%j → %d', (text, expected) => {
    expect(estimateTokens(text)).toBe(expected);
  });

  it('never decreases as text is appended (the chunker binary-searches on it)', () => {
    const text = 'Hello 世界, internationalization ok。😀 3.14 end';
    let previous = 0;
    for (let length = 0; length <= text.length; length += 1) {
      const tokens = estimateTokens(text.slice(0, length));
      expect(tokens).toBeGreaterThanOrEqual(previous);
      previous = tokens;
    }
    // Hello 2, 世界 2, ',' 1, internationalization 5, ok 1, 。1, 😀 1, 3.14 3, end 1.
    expect(previous).toBe(17);
  });
});
