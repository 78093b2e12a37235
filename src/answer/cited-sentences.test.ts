import { describe, expect, it } from 'vitest';
import { citedSentenceSpans, findMarkers, stripMarkers } from './index.js';

describe('the cited-sentence parser', () => {
  it('reads every marker form models write, with its offset and numbers', () => {
    expect(findMarkers('甲[1]乙［2］丙[3, 4]丁[5，6、7]')).toEqual([
      { marker: '[1]', offset: 1, numbers: [1] },
      { marker: '［2］', offset: 5, numbers: [2] },
      { marker: '[3, 4]', offset: 9, numbers: [3, 4] },
      { marker: '[5，6、7]', offset: 16, numbers: [5, 6, 7] },
    ]);
  });

  it('gives markers that open a sentence to the sentence before, each number once, those moved first', () => {
    // Models put `[1]` after the full stop: it cites the first sentence, which also cites [2] itself.
    const text = '试用期最长六个月[2]。[1]工资不低于八成[3][3]。';
    const spans = citedSentenceSpans(text);
    expect(spans.map((span) => [text.slice(span.start, span.end), span.cited])).toEqual([
      ['试用期最长六个月[2]。', [1, 2]],
      ['工资不低于八成[3][3]。', [3]],
    ]);
  });

  it('leaves a marker opening the first sentence with that sentence, there being none before', () => {
    const text = '[1]试用期最长六个月。';
    expect(citedSentenceSpans(text).map((span) => [text.slice(span.start, span.end), span.cited])).toEqual([['[1]试用期最长六个月。', [1]]]);
  });

  it('strips markers without leaving a space before punctuation', () => {
    expect(stripMarkers(' Probation lasts six months [1]. Pay is 80 % [2, 3]! ')).toBe('Probation lasts six months. Pay is 80 %!');
  });
});
