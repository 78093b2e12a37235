import { describe, expect, it } from 'vitest';
import { writePdf, type OfficeBlock } from '../../../test/fixtures/office-writers.js';
import { readFixture } from '../../../test/fixtures/source-fixture.js';
import { HangjiaError } from '../../errors/index.js';

describe('pdf adapter', () => {
  it('extracts the text layer and normalises radicals PDFs emit (⼤ U+2F24 → 大, ⺠ U+2EA0 → 民)', async () => {
    const blocks: OfficeBlock[] = [
      { kind: 'heading', level: 1, text: '星河路由器⽤户⼿册' },
      { kind: 'paragraph', text: '⼈⺠⼤会堂 Wi-Fi 6 ready.' },
    ];
    const { documents, warnings } = await readFixture('manual.pdf', writePdf(blocks, { title: 'Microsoft Word - manual.docx' }));
    expect(warnings).toEqual([]);
    expect(documents).toHaveLength(1);
    expect(documents[0]).toMatchObject({
      format: 'pdf',
      title: '星河路由器用户手册',
      text: '# 星河路由器用户手册\n\n人民大会堂 Wi-Fi 6 ready.',
      metadata: { relativePath: 'manual.pdf', pageCount: 1, pdfTitle: 'Microsoft Word - manual.docx' },
    });
    expect(documents[0]!.encoding).toBeUndefined();
  });

  it('joins pages with a blank line and counts them', async () => {
    // 60 headings do not fit on one A4 page at 20pt, so the writer starts new pages.
    const blocks: OfficeBlock[] = Array.from({ length: 60 }, (_, index) => ({ kind: 'heading', level: 1, text: `第${index + 1}条` }));
    const { documents } = await readFixture('long.pdf', writePdf(blocks));
    const pageCount = documents[0]!.metadata.pageCount as number;
    expect(pageCount).toBeGreaterThan(1);
    expect(documents[0]!.text.split('\n\n')).toHaveLength(pageCount);
    expect(documents[0]!.text.replace(/\n+/g, ' ')).toBe(blocks.map((block) => (block as { text: string }).text).join(' '));
  });

  it('fails with E_SOURCE_EMPTY on a PDF without a text layer (a scan)', async () => {
    const error = await readFixture('scan.pdf', writePdf([])).catch((caught: unknown) => caught);
    expect(HangjiaError.is(error, 'E_SOURCE_EMPTY')).toBe(true);
    expect((error as HangjiaError).message).toContain('OCR');
    expect((error as HangjiaError).details.path).toMatch(/scan\.pdf$/);
  });

  it('fails with E_SOURCE_CORRUPT on bytes that are not a PDF', async () => {
    const error = await readFixture('broken.pdf', 'this is not a pdf at all').catch((caught: unknown) => caught);
    expect(HangjiaError.is(error, 'E_SOURCE_CORRUPT')).toBe(true);
    expect((error as HangjiaError).message).toMatch(/broken\.pdf/);
    expect((error as HangjiaError).details.path).toMatch(/broken\.pdf$/);
  });
});
