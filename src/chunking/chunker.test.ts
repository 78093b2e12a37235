import { describe, expect, it } from 'vitest';
import { runChunkerConformance } from '../../test/conformance/chunker.case.js';
import type { Document } from '../documents/index.js';
import { HangjiaError } from '../errors/index.js';
import { chunkDocument, createChunker } from './index.js';

runChunkerConformance('structured (defaults)', () => createChunker());
runChunkerConformance('structured (small bounds)', () => createChunker({ maxChars: 120, maxTokens: 60, overlapChars: 40, minChars: 20 }), {
  maxChars: 120,
  maxTokens: 60,
});

function makeDocument(text: string, title = '', format: Document['format'] = 'txt'): Document {
  return { id: 'doc', sourcePath: '/kb/doc.txt', format, title, text, contentHash: '', metadata: {} };
}

/** Heading path and text of each chunk: what a reader of the citations sees. */
function outline(document: Document, options: Parameters<typeof chunkDocument>[1] = {}): Array<[string[], string]> {
  return chunkDocument(document, options).map((chunk) => [chunk.headingPath, chunk.text]);
}

describe('createChunker', () => {
  it('is named structured and checks its options up front', () => {
    expect(createChunker().name).toBe('structured');
    expect(() => createChunker({ overlapChars: 900 })).toThrow(HangjiaError);
  });

  it('returns [] for an empty or whitespace-only document', () => {
    expect(chunkDocument(makeDocument('', '标题'))).toEqual([]);
    expect(chunkDocument(makeDocument('\n\u3000 \n', '标题'))).toEqual([]);
  });

  it('gives an unstructured document one chunk under its title, with exact offsets and ids', () => {
    const document = makeDocument('  路由器默认密码是 admin。\n', '路由器说明');
    // Tokens: 8 ideographs + admin (ceil(5 / 4) = 2) + 。 (1) = 11.
    expect(chunkDocument(document)).toEqual([
      { id: 'doc#0', documentId: 'doc', index: 0, text: '路由器默认密码是 admin。', headingPath: ['路由器说明'], start: 2, end: 17, tokenCount: 11 },
    ]);
    expect(chunkDocument(makeDocument('没有标题。'))[0]?.headingPath).toEqual([]);
  });
});

describe('statutes', () => {
  // The table of contents (bare 第X章 lines) disappears: its titles reappear in the heading paths.
  const statute = [
    '中华人民共和国示范法',
    '目　　录',
    '第一编　总则',
    '第一章　一般规定',
    '第二章　劳动合同的订立',
    '第一编　总则',
    '第一章　一般规定',
    '第一条　为了规范示范行为，制定本法。',
    '第二条　本法适用于境内。',
    '依照第一条规定办理的，从其规定。',
    '第二章　劳动合同的订立',
    '第一节　一般规定',
    '第十九条　劳动合同期限三个月以上不满一年的，试用期不得超过一个月。',
    '第二节 特别规定',
    '第 二十 条 短。',
    '第二编　分则',
    '第１２条 全角数字的条。',
    '第一〇二条 用〇的条。',
    '第两百条 用两的条。',
  ].join('\n');

  it('gives every article its own chunk with the path title › 编 › 章 › 节 › 条', () => {
    expect(outline(makeDocument(statute, '示范法'))).toEqual([
      [['示范法'], '中华人民共和国示范法\n目　　录'],
      [['示范法', '第一编　总则', '第一章　一般规定', '第一条'], '第一条　为了规范示范行为，制定本法。'],
      [['示范法', '第一编　总则', '第一章　一般规定', '第二条'], '第二条　本法适用于境内。\n依照第一条规定办理的，从其规定。'],
      [['示范法', '第一编　总则', '第二章　劳动合同的订立', '第一节　一般规定', '第十九条'], '第十九条　劳动合同期限三个月以上不满一年的，试用期不得超过一个月。'],
      // Tiny articles are not merged: each is a citation unit.
      [['示范法', '第一编　总则', '第二章　劳动合同的订立', '第二节 特别规定', '第二十条'], '第 二十 条 短。'],
      [['示范法', '第二编　分则', '第１２条'], '第１２条 全角数字的条。'],
      [['示范法', '第二编　分则', '第一〇二条'], '第一〇二条 用〇的条。'],
      [['示范法', '第二编　分则', '第两百条'], '第两百条 用两的条。'],
    ]);
  });

  it('splits a long article by sentences, keeping its heading path on every piece', () => {
    const article = '第三条　' + Array.from({ length: 6 }, (_, clause) => `第${clause + 1}项应当遵守。`).join('');
    const chunks = chunkDocument(makeDocument(`第一章　总则\n${article}`, '法'), { maxChars: 24, overlapChars: 0, minChars: 0 });
    expect(chunks.map((chunk) => [chunk.headingPath, chunk.text, chunk.start, chunk.end])).toEqual([
      // 20 characters: one more 8-character clause would pass maxChars = 24.
      [['法', '第一章　总则', '第三条'], '第三条　第1项应当遵守。第2项应当遵守。', 7, 27],
      [['法', '第一章　总则', '第三条'], '第3项应当遵守。第4项应当遵守。第5项应当遵守。', 27, 51],
      [['法', '第一章　总则', '第三条'], '第6项应当遵守。', 51, 59],
    ]);
  });

  it('recognises 章 and 条 in Markdown headings', () => {
    const text = ['# 示范法', '## 第一章 总则', '### 第一条', '为了规范示范行为，制定本法。', '## 附录', '附录正文，说明示范法的来源与修订情况，供读者参考使用。'].join('\n');
    expect(outline(makeDocument(text, '示范法', 'md'))).toEqual([
      [['示范法', '第一章 总则', '第一条'], '### 第一条\n为了规范示范行为，制定本法。'],
      [['示范法', '附录'], '## 附录\n附录正文，说明示范法的来源与修订情况，供读者参考使用。'],
    ]);
  });
});

describe('Markdown', () => {
  const manual = [
    '# 员工手册',
    '',
    '员工手册适用于全体员工，请在入职第一周内读完。',
    '',
    '## 入职',
    '',
    '### 材料',
    '',
    '身份证、学历证明、离职证明和一寸照片各一份。',
    '',
    '### 流程',
    '',
    '签订劳动合同，领取工牌。',
    '',
    '```md',
    '# 代码块里的井号不是标题',
    '```',
    '',
    '## 离职',
    '',
    '提前三十日以书面形式通知用人单位。',
  ].join('\n');

  it('nests headings, drops a first heading equal to the title, and ignores # inside fenced code', () => {
    expect(outline(makeDocument(manual, '员工手册', 'md'), { minChars: 0 })).toEqual([
      [['员工手册'], '# 员工手册\n\n员工手册适用于全体员工，请在入职第一周内读完。'],
      [['员工手册', '入职', '材料'], '### 材料\n\n身份证、学历证明、离职证明和一寸照片各一份。'],
      [['员工手册', '入职', '流程'], '### 流程\n\n签订劳动合同，领取工牌。\n\n```md\n# 代码块里的井号不是标题\n```'],
      [['员工手册', '离职'], '## 离职\n\n提前三十日以书面形式通知用人单位。'],
    ]);
  });

  it('merges tiny sections into the next under the same top-level heading, with their shared path', () => {
    const text = ['# 甲', '## 一', '短。', '## 二', '也短。', '## 三', '这一节足够长，不需要和别的小节合并在一起。', '# 乙', '短。'].join('\n');
    expect(outline(makeDocument(text, '文档', 'md'), { minChars: 20 })).toEqual([
      // 一 (8 chars) absorbs 二; together (17) still under 20, so they absorb 三 too.
      [['文档', '甲'], '## 一\n短。\n## 二\n也短。\n## 三\n这一节足够长，不需要和别的小节合并在一起。'],
      // 乙 is another top-level heading: never merged across.
      [['文档', '乙'], '# 乙\n短。'],
    ]);
  });

  it('gives a short introduction merged into its first subsection the subsection path', () => {
    const text = ['# 甲', '引言。', '## 一', '这一节足够长，不需要和别的小节合并在一起。', '## 二', '第二节也足够长，同样不需要和别的小节合并。'].join('\n');
    expect(outline(makeDocument(text, '文档', 'md'), { minChars: 20 })).toEqual([
      // 甲 only introduces 一, so the merged chunk sits under [甲, 一] rather than [甲].
      [['文档', '甲', '一'], '# 甲\n引言。\n## 一\n这一节足够长，不需要和别的小节合并在一起。'],
      [['文档', '甲', '二'], '## 二\n第二节也足够长，同样不需要和别的小节合并。'],
    ]);
  });
});

describe('tables', () => {
  const table = ['| 型号 | 功率 |', '| --- | --- |', '| A1 | 10W |', '| A2 | 20W |', '| A3 | 30W |', '| A4 | 40W |', '| A5 | 50W |'].join('\n');

  it('splits a long table by rows and repeats the header on every later slice', () => {
    const chunks = chunkDocument(makeDocument(`价格表如下。\n\n${table}`, '参数'), { maxChars: 55, overlapChars: 10, minChars: 0 });
    const header = '| 型号 | 功率 |\n| --- | --- |';
    expect(chunks.map((chunk) => [chunk.text, chunk.start, chunk.end])).toEqual([
      // The first slice starts at the header in the source, so its text is the plain span.
      [`价格表如下。\n\n${header}\n| A1 | 10W |`, 0, 46],
      // Later slices: text = header + rows; offsets cover only the rows. No prose overlap into a table.
      // Header (25) + 2 rows (12 each) + 2 line breaks = 51; a third row would make 64 > 55.
      [`${header}\n| A2 | 20W |\n| A3 | 30W |`, 47, 72],
      [`${header}\n| A4 | 40W |\n| A5 | 50W |`, 73, 98],
    ]);
  });

  it('hard-splits a row longer than the bound, repeating the header before every piece', () => {
    const text = '| 键 | 值 |\n|---|---|\n| 说明 | 这一格的内容非常长，长到一行放不下 |';
    const chunks = chunkDocument(makeDocument(text), { maxChars: 30, overlapChars: 0, minChars: 0 });
    expect(chunks.map((chunk) => [chunk.text, chunk.start, chunk.end])).toEqual([
      ['| 键 | 值 |\n|---|---|\n| 说明 | 这一格', 0, 30],
      ['| 键 | 值 |\n|---|---|\n的内容非常长，长到一', 30, 40],
      ['| 键 | 值 |\n|---|---|\n行放不下 |', 40, 46],
    ]);
  });

  it('keeps a table that fits in one chunk whole', () => {
    expect(outline(makeDocument(table, '参数'))).toEqual([[['参数'], table]]);
  });
});

describe('bounds', () => {
  it('starts the next piece of a split section with whole sentences totalling at most overlapChars', () => {
    const text = '第一句话很短。第二句话也不长。第三句话在这里。第四句话收尾了。第五句。';
    expect(outline(makeDocument(text), { maxChars: 20, overlapChars: 8, minChars: 0 })).toEqual([
      [[], '第一句话很短。第二句话也不长。'],
      [[], '第二句话也不长。第三句话在这里。'],
      [[], '第三句话在这里。第四句话收尾了。第五句。'],
    ]);
  });

  it('does not overlap when overlapChars is 0', () => {
    const text = 'One short line. Another short line. A third line.';
    expect(outline(makeDocument(text), { maxChars: 36, overlapChars: 0, minChars: 0 })).toEqual([
      [[], 'One short line. Another short line.'],
      [[], 'A third line.'],
    ]);
  });

  it('hard-splits a single sentence longer than maxChars at the bound', () => {
    const sentence = '没有标点的超长句子'.repeat(3);
    expect(chunkDocument(makeDocument(sentence), { maxChars: 10, overlapChars: 0 }).map((chunk) => [chunk.text, chunk.start, chunk.end])).toEqual([
      ['没有标点的超长句子没', 0, 10],
      ['有标点的超长句子没有', 10, 20],
      ['标点的超长句子', 20, 27],
    ]);
  });

  it('hard-splits at the token bound too', () => {
    // The 1 + quick 2 = 3 tokens; adding "b" would make 4.
    expect(outline(makeDocument('The quick brown fox jumps'), { maxChars: 100, maxTokens: 3, overlapChars: 0 })).toEqual([
      [[], 'The quick'],
      [[], 'brown fox'],
      [[], 'jumps'],
    ]);
  });

  it('never cuts a surrogate pair when hard-splitting', () => {
    const chunks = chunkDocument(makeDocument('a😀😀😀'), { maxChars: 4, overlapChars: 0, minChars: 0 });
    expect(chunks.map((chunk) => [chunk.text, chunk.start, chunk.end])).toEqual([
      ['a😀', 0, 3],
      ['😀😀', 3, 7],
    ]);
  });
});
