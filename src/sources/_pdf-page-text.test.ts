import { describe, expect, it } from 'vitest';
import { pdfPageText, type PdfTextItem } from './_pdf-page-text.js';

/** An item at 11pt on the left margin, 11pt per character unless a width is given. A4 is 595pt wide. */
function item(str: string, y: number, options: { x?: number; width?: number; fontSize?: number } = {}): PdfTextItem {
  return { str, x: options.x ?? 56, y, width: options.width ?? 11 * [...str].length, fontSize: options.fontSize ?? 11 };
}

describe('pdfPageText', () => {
  it('joins wrapped Chinese lines without a space, and keeps headings and paragraphs apart', () => {
    const text = pdfPageText([
      item('安装快速指南', 760, { fontSize: 20 }),
      item('感谢您购买星河路由器，按照本指南，您可以在十分钟内完成全部安装和上网设', 730), // full width: wrapped
      item('置。', 713.5),
      item('如有缺失请联系客服。', 690), // larger gap than 16.5: new paragraph
    ], 595);
    expect(text).toBe('# 安装快速指南\n\n感谢您购买星河路由器，按照本指南，您可以在十分钟内完成全部安装和上网设置。\n\n如有缺失请联系客服。');
  });

  it('joins wrapped Latin lines with a space, and after a hyphen with nothing', () => {
    const full = 'x'.repeat(30);
    const text = pdfPageText([
      item(`${full} signed`, 700, { width: 400 }),
      item('with ECDSA P-256, hotline 400-', 684, { width: 400 }),
      item('8899.', 668, { width: 40 }),
    ], 595);
    expect(text).toBe(`${full} signed with ECDSA P-256, hotline 400-8899.`);
  });

  it('keeps short lines (table rows, list items) on their own lines', () => {
    const text = pdfPageText([
      item('物品', 700, { width: 22 }),
      item('数量', 700, { x: 89, width: 22 }),
      item('路由器', 683.5, { width: 33 }),
      item('1 台', 683.5, { x: 100, width: 33 }),
      item('第一步：检查包装清单，确认以下物品齐全，缺少任何物品请联系我们', 667),
    ], 595);
    expect(text).toBe('物品 数量\n路由器 1 台\n第一步：检查包装清单，确认以下物品齐全，缺少任何物品请联系我们');
  });

  it('does not join an indented line to a full one: indentation starts a paragraph', () => {
    const text = pdfPageText([
      item('第一条为规范管理制定本手册本手册适用于全体员工包括试用期员工', 700),
      item('第二条员工应当遵守。', 683.5, { x: 78 }),
      item('第三条公司依法保护。', 667, { x: 78 }),
    ], 595);
    expect(text).toBe('第一条为规范管理制定本手册本手册适用于全体员工包括试用期员工\n第二条员工应当遵守。\n第三条公司依法保护。');
  });

  it('keeps line breaks between lines narrower than 60% of the page, even if all are equally long', () => {
    // A list of short headings or a narrow column: every line "reaches" the right edge of the text.
    const text = pdfPageText([item('第1条', 700), item('第2条', 683.5), item('第3条', 667)], 595);
    expect(text).toBe('第1条\n第2条\n第3条');
  });

  it('is empty for a page without text items', () => {
    expect(pdfPageText([item('', 700)], 595)).toBe('');
  });
});
