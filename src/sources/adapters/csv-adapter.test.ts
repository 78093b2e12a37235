import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { readFixture } from '../../../test/fixtures/source-fixture.js';
import { documentId } from '../../documents/index.js';
import { HangjiaError } from '../../errors/index.js';

describe('csv adapter', () => {
  it('makes one document per row: id and title fields, other columns as `column: value` lines', async () => {
    const csv = 'id,title,question,answer\nq1,重置密码,忘记密码怎么办？,"长按 RESET 10 秒,\n然后重新设置。"\nq2,,信号弱怎么办？,\n';
    const { documents, warnings } = await readFixture('faq.csv', csv);
    expect(warnings).toEqual([]);
    expect(documents.map((document) => [document.id, document.rowKey, document.title, document.text, document.metadata.row])).toEqual([
      [documentId('faq.csv', 'q1'), 'q1', '重置密码', 'question: 忘记密码怎么办？\nanswer: 长按 RESET 10 秒,\n然后重新设置。', 2],
      // No title: file name and key. Empty cells are left out of the text.
      [documentId('faq.csv', 'q2'), 'q2', 'faq #q2', 'question: 信号弱怎么办？', 3],
    ]);
  });

  it('keys rows by spreadsheet row number (header = row 1) without an id column, and honours field options', async () => {
    const csv = '型号,说明,价格\nXH-1,入门款,199\nXH-2,旗舰款,599\n';
    const { documents } = await readFixture('products.csv', csv, { rows: { titleField: '型号', textFields: ['说明'] } });
    expect(documents.map((document) => [document.rowKey, document.title, document.text])).toEqual([
      ['2', 'XH-1', '入门款'],
      ['3', 'XH-2', '旗舰款'],
    ]);
  });

  it('reads GBK-encoded CSV, as exported by Chinese Excel', async () => {
    const { documents } = await readFixture('gbk.csv', iconv.encode('id,text\n1,年假天数\n', 'gbk'));
    expect([documents[0]!.text, documents[0]!.encoding]).toEqual(['年假天数', 'gb18030']);
  });

  it('warns about ragged rows, empty rows and repeated keys, and reads the rest', async () => {
    const csv = 'id,text\n1,甲\n2,乙,多余\n3,\n1,重复\n4,丁\n';
    const { documents, warnings } = await readFixture('ragged.csv', csv);
    expect(documents.map((document) => document.rowKey)).toEqual(['1', '2', '4']);
    expect(warnings.map((warning) => [warning.reason, warning.line])).toEqual([
      ['column-count', 3],
      ['empty-row', 4],
      ['duplicate-row-key', 5],
    ]);
    expect(warnings[2]!.message).toBe('row 5 repeats key "1" of row 2; it was skipped. Make the "id" values unique.');
  });

  it('fails with E_SOURCE_CORRUPT on broken quoting, and E_SOURCE_EMPTY with only a header', async () => {
    const corrupt = await readFixture('bad.csv', 'id,text\n1,"未闭合\n').catch((caught: unknown) => caught);
    expect(HangjiaError.is(corrupt, 'E_SOURCE_CORRUPT')).toBe(true);
    expect((corrupt as HangjiaError).details.path).toMatch(/bad\.csv$/);
    const empty = await readFixture('header.csv', 'id,text\n').catch((caught: unknown) => caught);
    expect(HangjiaError.is(empty, 'E_SOURCE_EMPTY')).toBe(true);
  });
});
