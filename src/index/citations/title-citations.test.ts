import { describe, expect, it } from 'vitest';
import { TitleCitations, normalizeTitle, titleReferences } from './title-citations.js';

function countsOf(titles: string[], texts: Array<[number, string]>): number[] | undefined {
  const citations = new TitleCitations();
  titles.forEach((title, group) => citations.addTitle(group, title));
  for (const [group, text] of texts) citations.addText(group, text);
  const counts = citations.counts(titles.length);
  return counts === undefined ? undefined : [...counts];
}

describe('titleReferences', () => {
  it('finds every pair of title marks, nested ones included, normalised', () => {
    expect(titleReferences('依照《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》和《 公司法 》处理')).toEqual([
      '中华人民共和国民事诉讼法',
      '最高人民法院关于适用《中华人民共和国民事诉讼法》的解释',
      '公司法',
    ]);
  });

  it('ignores unclosed marks, marks across a line end and empty marks', () => {
    expect(titleReferences('《未闭合的书名\n另一行》与《》以及》多余')).toEqual([]);
  });

  it('reads full-width and spaced spellings as one title', () => {
    expect(normalizeTitle('ＸＹＺ 条例')).toBe('XYZ条例');
  });
});

describe('TitleCitations', () => {
  it('counts the other groups that name a title, not the citations', () => {
    const counts = countsOf(
      ['劳动合同法', '劳动合同法实施条例', '工资支付暂行规定'],
      [
        [1, '根据《劳动合同法》制定本条例。'],
        [1, '依照《劳动合同法》第八十二条的规定。'],
        [2, '用人单位违反《劳动合同法》的，依法处理。'],
      ],
    );
    expect(counts).toEqual([2, 0, 0]);
  });

  it('does not count a group naming itself', () => {
    expect(countsOf(['民法典', '公司法'], [[0, '《民法典》所称的民事主体'], [1, '本法未规定的，适用《民法典》。']])).toEqual([1, 0]);
  });

  it('matches a fuller reference to the longest title it ends with', () => {
    const counts = countsOf(['民法典', '共和国民法典', '合伙企业法'], [[2, '适用《中华人民共和国民法典》的规定']]);
    expect(counts).toEqual([0, 1, 0]);
  });

  it('matches an abbreviated reference to the one title that ends with it, and not to two', () => {
    expect(countsOf(['中华人民共和国民法典', '公司法'], [[1, '依照《民法典》的规定']])).toEqual([1, 0]);
    expect(countsOf(['中华人民共和国合同法', '技术合同法', '公司法'], [[2, '参照《合同法》']])).toBeUndefined();
  });

  it('names neither of two groups with the same title', () => {
    expect(countsOf(['用户手册', '用户手册', '安装指南'], [[2, '详见《用户手册》。']])).toBeUndefined();
  });

  it('leaves titles shorter than three characters unmatched', () => {
    expect(countsOf(['条例', '某某法'], [[1, '依照《条例》执行。']])).toBeUndefined();
  });

  it('is undefined when no group is named by another', () => {
    expect(countsOf(['红楼梦', '西游记'], [[0, '《三国演义》与《水浒传》']])).toBeUndefined();
  });
});
