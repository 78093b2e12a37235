import { describe, expect, it } from 'vitest';
import { writeDocx } from '../../../test/fixtures/office-writers.js';
import { readFixture } from '../../../test/fixtures/source-fixture.js';
import { HangjiaError } from '../../errors/index.js';

describe('docx adapter', () => {
  it('keeps headings and tables as Markdown and titles the document by its first heading', async () => {
    const docx = await writeDocx([
      { kind: 'paragraph', text: '内部资料' },
      { kind: 'heading', level: 1, text: '报销管理办法' },
      { kind: 'heading', level: 2, text: '第一章 总则' },
      { kind: 'paragraph', text: '第一条　差旅费按标准报销。' },
      { kind: 'table', rows: [['城市', '住宿标准'], ['北京', '500元/晚']] },
    ]);
    const { documents, warnings } = await readFixture('expenses.docx', docx);
    expect(warnings).toEqual([]);
    expect(documents[0]).toMatchObject({
      format: 'docx',
      title: '报销管理办法',
      text: '内部资料\n\n# 报销管理办法\n\n## 第一章 总则\n\n第一条　差旅费按标准报销。\n\n| 城市 | 住宿标准 |\n| --- | --- |\n| 北京 | 500元/晚 |',
    });
  });

  it('fails with E_SOURCE_CORRUPT on a file that is not a zip', async () => {
    const error = await readFixture('old.docx', 'not a zip file').catch((caught: unknown) => caught);
    expect(HangjiaError.is(error, 'E_SOURCE_CORRUPT')).toBe(true);
    expect((error as HangjiaError).details.path).toMatch(/old\.docx$/);
  });
});
