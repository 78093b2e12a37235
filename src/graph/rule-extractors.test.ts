import { describe, expect, it } from 'vitest';
import { formatChineseNumber, parseChineseNumber } from './chinese-number.js';
import { normalizeEntityName, EntityNames } from './entity-names.js';
import { extractRuleFacts } from './rule-extractors.js';

describe('Chinese numerals', () => {
  it('reads positional numerals, digit strings, full-width and mixed forms', () => {
    expect(['一百零二', '十九', '二十', '一千二百万', '二〇二四', '１２', '1.5万', '两', '一百一十'].map(parseChineseNumber)).toEqual([102, 19, 20, 12_000_000, 2024, 12, 15_000, 2, 110]);
    expect(parseChineseNumber('试用期')).toBeUndefined();
  });

  it('writes article numbers the way statutes do', () => {
    expect([9, 10, 19, 20, 102, 110, 1001].map(formatChineseNumber)).toEqual(['九', '十', '十九', '二十', '一百零二', '一百一十', '一千零一']);
  });

  it('round-trips every article number up to 9999', () => {
    for (let value = 0; value < 10_000; value++) expect(parseChineseNumber(formatChineseNumber(value))).toBe(value);
  });
});

describe('extractRuleFacts', () => {
  const summary = (text: string, headingPath: string[] = []) =>
    extractRuleFacts(text, headingPath).map((fact) => [
      fact.kind,
      `${fact.subject.type}:${fact.subject.name}`,
      fact.predicate ?? '',
      fact.object ? `${fact.object.type}:${fact.object.name}` : (fact.normalized ?? ''),
      text.slice(fact.evidence.start, fact.evidence.end),
    ]);

  it('turns statute references into article nodes, numerals normalised, with the law they belong to', () => {
    expect(summary('第一条 根据《中华人民共和国劳动合同法》第十九条、第二十一条和《劳动法》，制定本手册。')).toEqual([
      ['entity', '法律:中华人民共和国劳动合同法', '', '', '《中华人民共和国劳动合同法》'],
      ['entity', '条款:中华人民共和国劳动合同法第十九条', '', '', '《中华人民共和国劳动合同法》第十九条'],
      ['relation', '@document:第1条', '引用', '条款:中华人民共和国劳动合同法第十九条', '《中华人民共和国劳动合同法》第十九条'],
      ['relation', '条款:中华人民共和国劳动合同法第十九条', '属于', '法律:中华人民共和国劳动合同法', '《中华人民共和国劳动合同法》第十九条'],
      ['entity', '条款:中华人民共和国劳动合同法第二十一条', '', '', '《中华人民共和国劳动合同法》第十九条、第二十一条'],
      ['relation', '@document:第1条', '引用', '条款:中华人民共和国劳动合同法第二十一条', '《中华人民共和国劳动合同法》第十九条、第二十一条'],
      ['relation', '条款:中华人民共和国劳动合同法第二十一条', '属于', '法律:中华人民共和国劳动合同法', '《中华人民共和国劳动合同法》第十九条、第二十一条'],
      ['entity', '法律:劳动法', '', '', '《劳动法》'],
      ['relation', '@document:第1条', '引用', '法律:劳动法', '《劳动法》'],
    ]);
  });

  it('reads a reference to an article of the same document, and a title that is no statute as a document', () => {
    expect(summary('考核不合格的，依照本手册第五十三条处理，并签订《保密协议》。', ['员工手册', '第十三条'])).toEqual([
      ['relation', '@document:第13条', '引用', '@document:第53条', '本手册第五十三条'],
      ['entity', '文档:保密协议', '', '', '《保密协议》'],
      ['relation', '@document:第13条', '引用', '文档:保密协议', '《保密协议》'],
    ]);
  });

  it('finds amounts with currency, durations, dates and percentages, each attributed to the article it sits in', () => {
    const text = '**第十条** 试用期最长不得超过六个月。\n**第十一条** 生效日期：2024年3月1日。每月15日发工资；费用发生之日起30日内报销，超过5000元不超过2万元的由总监审批，加班费不低于工资的百分之一百五十，费率0.5%，限额 ¥1,200，为期两天，次年3月31日前。';
    expect(summary(text)).toEqual([
      ['attribute', '@document:第10条', '期限', '6 month', '六个月'],
      ['attribute', '@document:第11条', '日期', '2024-03-01', '2024年3月1日'],
      ['attribute', '@document:第11条', '期限', '30 day', '30日'],
      ['attribute', '@document:第11条', '金额', '5000 CNY', '5000元'],
      ['attribute', '@document:第11条', '金额', '20000 CNY', '2万元'],
      ['attribute', '@document:第11条', '比例', '150%', '百分之一百五十'],
      ['attribute', '@document:第11条', '比例', '0.5%', '0.5%'],
      ['attribute', '@document:第11条', '金额', '1200 CNY', '¥1,200'],
      ['attribute', '@document:第11条', '期限', '2 day', '两天'],
      ['attribute', '@document:第11条', '日期', '--03-31', '3月31日'],
    ]);
  });

  it('reads English durations and leaves years and days of the month alone', () => {
    expect(summary('A 24-month limited warranty; logs are kept 180 days. 2024年修订，每月15日。')).toEqual([
      ['attribute', '@document:', '期限', '24 month', '24-month'],
      ['attribute', '@document:', '期限', '180 day', '180 days'],
    ]);
  });

  it('reads articles numbered in traditional characters', () => {
    expect(summary('依《勞動基準法》第十九條規定。')).toEqual([
      ['entity', '法律:勞動基準法', '', '', '《勞動基準法》'],
      ['entity', '条款:勞動基準法第十九条', '', '', '《勞動基準法》第十九條'],
      ['relation', '@document:', '引用', '条款:勞動基準法第十九条', '《勞動基準法》第十九條'],
      ['relation', '条款:勞動基準法第十九条', '属于', '法律:勞動基準法', '《勞動基準法》第十九條'],
    ]);
  });

  it('finds nothing in text with no references or quantities', () => {
    expect(extractRuleFacts('员工应当遵守公司的规章制度。')).toEqual([]);
  });
});

describe('entity names', () => {
  it('normalises full-width forms, title marks, the 中华人民共和国 prefix and article numerals', () => {
    expect(normalizeEntityName('《中华人民共和国劳动合同法》第十九条')).toBe('劳动合同法第19条');
    expect(normalizeEntityName('ＸＲ－５４００ 路由器')).toBe('xr-5400路由器');
    expect(normalizeEntityName('中华人民共和国')).toBe('中华人民共和国');
  });

  it('resolves aliases, also inside article names', () => {
    const names = new EntityNames({ aliases: { 法律: { 个人信息保护法: ['个保法'] } }, stripPrefixes: ['中华人民共和国'] });
    expect(names.resolve('法律', '个保法')).toEqual({ key: '个人信息保护法', canonical: '个人信息保护法' });
    expect(names.resolve('条款', '个保法第十条').key).toBe(names.resolve('条款', '《中华人民共和国个人信息保护法》第10条').key);
    expect(names.resolve('药物', '个保法')).toEqual({ key: '个保法' });
  });

  it('folds the characters a schema configures (traditional to simplified), prefixes included', () => {
    const names = new EntityNames({ aliases: {}, stripPrefixes: ['中华人民共和国'], foldCharacters: { 華: '华', 國: '国', 勞: '劳', 動: '动', 約: '约', 條: '条' } });
    expect(names.resolve('条款', '《中華人民共和國勞動合同法》第十九條').key).toBe('劳动合同法第19条');
    expect(normalizeEntityName('勞動合同法')).toBe('勞動合同法');
  });
});
