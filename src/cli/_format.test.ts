import { describe, expect, it } from 'vitest';
import { readableMatchedTerms, snippetAround } from './_format.js';

describe('search hit formatting', () => {
  it('shows whole matched words, heaviest first, without character n-grams', () => {
    expect(readableMatchedTerms(['试用期', '~试用', '^试', '工资', 'reset', '~工资'])).toEqual(['试用期', '工资', 'reset']);
    expect(readableMatchedTerms(['~试用', '^试'])).toEqual([]);
    expect(readableMatchedTerms(['a', 'b', 'c'], 2)).toEqual(['a', 'b']);
  });

  it('starts a snippet at the sentence holding the heaviest matched word when that word is far in', () => {
    const text = `${'前言部分的说明文字，'.repeat(12)}与此无关。员工试用期的工资不得低于转正工资的百分之八十。${'后文。'.repeat(40)}`;
    const shown = snippetAround(text, ['试用期']);
    expect(shown.startsWith('…员工试用期的工资')).toBe(true);
    expect(shown.length).toBeLessThanOrEqual(161);
  });

  it('keeps the start of the text when the word is near it, or the text is short', () => {
    const text = `试用期最长六个月。${'其余条款。'.repeat(60)}`;
    expect(snippetAround(text, ['试用期'])).toBe(`${text.slice(0, 159)}…`);
    expect(snippetAround('短文本，试用期。', ['试用期'])).toBe('短文本，试用期。');
    expect(snippetAround(`${'x '.repeat(200)}`, ['missing'])).toBe(`${'x '.repeat(80).trim().slice(0, 159)}…`);
  });

  it('starts at a word break in English when no sentence starts shortly before the word', () => {
    const text = `${'alpha beta gamma delta '.repeat(6)}the factory reset erases all settings ${'omega '.repeat(40)}`;
    const shown = snippetAround(text, ['reset']);
    expect(shown).toMatch(/^…[a-z]+ /);
    expect(shown).toContain('factory reset erases');
    expect(text.replace(/\s+/g, ' ').includes(shown.slice(1, 40))).toBe(true);
  });
});
