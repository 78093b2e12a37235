import { describe, expect, it } from 'vitest';
import { createAnalyzer } from './default-analyzer.js';

describe('createAnalyzer', () => {
  // Unigrams off keeps the expected lists readable; they have their own test.
  const analyzer = createAnalyzer({ characterUnigrams: false });

  it('folds full-width forms and case, and splits joined model numbers into parts', () => {
    // NFKC turns ＸＲ－５４００ into xr-5400; the whole token, its parts and the glued form are all
    // emitted so "XR5400", "xr 5400" and "XR-5400" find each other.
    expect(analyzer.analyze('ＸＲ－５４００路由器')).toEqual(['xr-5400', 'xr', '5400', 'xr5400', '路由器', '路由', '~路由', '~由器']);
  });

  it('splits mixed scripts at the script boundary', () => {
    expect(analyzer.analyze('5G路由器')).toEqual(['5g', '5', 'g', '路由器', '路由', '~路由', '~由器']);
    expect(analyzer.analyze('iPhone15手机')).toEqual(['iphone15', 'iphone', '15', '手机', '~手机']);
    expect(analyzer.analyze('第12条')).toEqual(['第', '12', '条']);
  });

  it('emits words, search-mode sub-words and bigrams, never bridging a dropped stopword', () => {
    // 的 is a stopword: no bigram ~照的 or ~的经 is formed across it.
    expect(analyzer.analyze('营业执照的经营者')).toEqual([
      '营业执照', '营业', '执照', '~营业', '~业执', '~执照',
      '经营者', '经营', '~经营', '~营者',
    ]);
  });

  it('adds character unigrams of kept spans by default, and records the choice in its name', () => {
    const defaults = createAnalyzer();
    expect(defaults.analyze('弄伤的')).toEqual(['弄伤', '^弄', '^伤', '~弄伤']);
    expect(defaults.name).toBe('hangjia-default+bigrams+unigrams');
  });

  it('drops question framing from queries but not from documents', () => {
    expect(analyzer.analyzeQuery!('请问个体工商户怎么办？')).toEqual(['个体', '工商户', '工商', '商户', '~个体', '~体工', '~工商', '~商户']);
    expect(analyzer.analyze('请问个体工商户怎么办？')).toContain('请问');
  });

  it('gives the words alone, in order, for word statistics: no sub-words or n-grams, framing dropped from queries', () => {
    expect(analyzer.words!('营业执照的经营者')).toEqual(['营业执照', '经营者']);
    expect(analyzer.words!('The routers were failing ＸＲ－５４００')).toEqual(['router', 'fail', 'xr-5400']);
    expect(analyzer.words!('请问个体工商户怎么办？', { query: true })).toEqual(['个体', '工商户']);
    expect(analyzer.words!('请问个体工商户怎么办？')).toContain('请问');
    // The words of the text analyzed last are remembered, not segmented again; another text is.
    analyzer.analyze('营业执照的经营者');
    expect(analyzer.words!('营业执照的经营者')).toEqual(['营业执照', '经营者']);
    expect(analyzer.words!('经营者', { query: true })).toEqual(['经营者']);
  });

  it('removes English stopwords and stems inflections', () => {
    expect(analyzer.analyze('The routers were failing')).toEqual(['router', 'fail']);
  });

  it('keeps user dictionary terms whole and records custom options in its name', () => {
    const custom = createAnalyzer({ userDictionary: ['营业执照上登记'], characterBigrams: false });
    expect(custom.analyze('营业执照上登记的经营者')).toEqual([
      '营业执照上登记', '营业', '执照', '照上', '登记', '^营', '^业', '^执', '^照', '^上', '^登', '^记',
      '经营者', '经营', '^经', '^营', '^者',
    ]);
    expect(analyzer.name).toBe('hangjia-default+bigrams');
    expect(custom.name).toMatch(/^hangjia-default\+words\+unigrams\+custom-[0-9a-f]{8}$/);
    // The default analyzer's segmentation is untouched by another analyzer's user dictionary.
    expect(analyzer.analyze('营业执照上登记')).toContain('营业执照');
    expect(createAnalyzer({ userDictionary: ['营业执照上登记'], characterBigrams: false }).name).toBe(custom.name);
  });
});
