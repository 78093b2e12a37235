import { describe, expect, it } from 'vitest';
import { answerTokens, characterF1, exactMatch, longestCommonSubsequence, normalizeAnswerText, rougeL } from '../index.js';

describe('answer normalisation and tokens', () => {
  it('folds NFKC, case, punctuation and whitespace; one token per CJK character, one per Latin/digit run', () => {
    expect(normalizeAnswerText('  “六个月”。 ')).toBe('六个月');
    expect(normalizeAnswerText('Ｔｈｅ  COVID-19!')).toBe('the covid19'); // full-width folded; '-' and '!' deleted (SQuAD)
    expect(answerTokens('iPhone 15售价5999元。')).toEqual(['iphone', '15', '售', '价', '5999', '元']);
    expect(answerTokens('。！')).toEqual([]);
  });
});

describe('exactMatch', () => {
  it('ignores punctuation, width, case and spaces between Chinese characters', () => {
    expect(exactMatch('六个月。', '六 个 月')).toBe(1);
    expect(exactMatch('ＡＢＣ', 'abc')).toBe(1);
    expect(exactMatch('Six months', ['6 months', 'six months'])).toBe(1); // best reference counts
    expect(exactMatch('六个月', '6个月')).toBe(0); // 六 and 6 are different tokens
    expect(exactMatch('New York', 'NewYork')).toBe(0); // English words stay words
  });
});

describe('characterF1', () => {
  it('is the SQuAD multiset-overlap F1 on characters', () => {
    // pred 最 长 六 个 月 (5), ref 六 个 月 (3): common 3, P 3/5, R 1 → 2·0.6·1/1.6 = 0.75
    expect(characterF1('最长六个月', '六个月')).toBe(0.75);
    // repeated characters count once per occurrence: common min(3, 1) = 1, P 1/3, R 1 → (2/3)/(4/3) = 0.5
    expect(characterF1('哈哈哈', '哈')).toBe(0.5);
    // order does not matter for F1
    expect(characterF1('月个六', '六个月')).toBe(1);
  });

  it('handles mixed Chinese and English', () => {
    // pred iphone 15 售 价 5999 元 (6), ref iphone 售 价 6999 元 (5): common iphone 售 价 元 = 4
    // P 4/6, R 4/5 → 2·(2/3)·(4/5) / (2/3 + 4/5) = (16/15) / (22/15) = 8/11 (= 2·4 / (6 + 5))
    expect(characterF1('iPhone 15 售价 5999 元', 'iPhone售价6999元')).toBe(8 / 11);
  });

  it('scores empty answers by the SQuAD 2.0 rule, and takes the best reference', () => {
    expect(characterF1('', '。')).toBe(1); // both empty after normalisation
    expect(characterF1('。', '答')).toBe(0);
    expect(characterF1('六个月', ['一年', '六个月'])).toBe(1);
  });
});

describe('rougeL', () => {
  it('is the F1 of LCS precision and recall on characters', () => {
    // pred 试用期最长六个月 (8), ref 试用期不得超过六个月 (10), LCS 试用期六个月 = 6
    // P 6/8, R 6/10 → 2·0.75·0.6 / 1.35 = 2/3
    expect(rougeL('试用期最长六个月', '试用期不得超过六个月')).toBe(2 / 3);
    // order matters: LCS(月个六, 六个月) = 1 → P = R = 1/3
    expect(rougeL('月个六', '六个月')).toBe(1 / 3);
  });

  it('uses words for English and honours beta', () => {
    // the cat sat on the mat / the cat is on the mat: LCS "the cat on the mat" = 5 of 6 each → 5/6
    expect(rougeL('The cat sat on the mat.', 'the cat is on the mat')).toBe(5 / 6);
    // β = 2 on P 0.75, R 0.6: (1 + 4)·0.45 / (0.6 + 4·0.75) = 2.25 / 3.6 = 0.625
    expect(rougeL('试用期最长六个月', '试用期不得超过六个月', { beta: 2 })).toBe(0.625);
    expect(rougeL('', '')).toBe(1);
    expect(rougeL('答', '')).toBe(0);
  });

  it('computes the LCS like a naive recursive oracle on generated inputs', () => {
    const oracle = (left: string[], right: string[]): number => {
      const memo = new Map<string, number>();
      const go = (i: number, j: number): number => {
        if (i === left.length || j === right.length) return 0;
        const key = `${i},${j}`;
        if (!memo.has(key)) memo.set(key, left[i] === right[j] ? 1 + go(i + 1, j + 1) : Math.max(go(i + 1, j), go(i, j + 1)));
        return memo.get(key)!;
      };
      return go(0, 0);
    };
    let state = 7;
    const next = (): number => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let round = 0; round < 200; round += 1) {
      const make = (): string[] => Array.from({ length: Math.floor(next() * 12) }, () => 'abcd'[Math.floor(next() * 4)]!);
      const left = make();
      const right = make();
      expect(longestCommonSubsequence(left, right)).toBe(oracle(left, right));
    }
  });
});
