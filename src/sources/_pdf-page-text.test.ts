import { describe, expect, it } from 'vitest';
import { pdfPageText, type PdfTextItem } from './_pdf-page-text.js';

/** A line of body text at 11pt, 40 characters wide when `full`, starting at the left margin. */
function item(str: string, y: number, options: { x?: number; width?: number; fontSize?: number } = {}): PdfTextItem {
  return { str, x: options.x ?? 56, y, width: options.width ?? 11 * [...str].length, fontSize: options.fontSize ?? 11 };
}

describe('pdfPageText', () => {
  it('joins wrapped Chinese lines without a space, and keeps headings and paragraphs apart', () => {
    const text = pdfPageText([
      item('安装快速指南', 760, { fontSize: 20 }),
      item('感谢您购买星河路由器按照本指南您可以在十分钟内完成安装和上网设', 730), // full width: wrapped
      item('置。', 713.5),
      item('如有缺失请联系客服。', 690), // larger gap than 16.5: new paragraph
    ]);
    expect(text).toBe('安装快速指南\n\n感谢您购买星河路由器按照本指南您可以在十分钟内完成安装和上网设置。\n\n如有缺失请联系客服。');
  });

  it('joins wrapped Latin lines with a space, and after a hyphen with nothing', () => {
    const full = 'x'.repeat(30);
    const text = pdfPageText([
      item(`${full} signed`, 700, { width: 400 }),
      item('with ECDSA P-256, hotline 400-', 684, { width: 400 }),
      item('8899.', 668, { width: 40 }),
    ]);
    expect(text).toBe(`${full} signed with ECDSA P-256, hotline 400-8899.`);
  });

  it('keeps short lines (table rows, list items) on their own lines', () => {
    const text = pdfPageText([
      item('物品', 700, { width: 22 }),
      item('数量', 700, { x: 89, width: 22 }),
      item('路由器', 683.5, { width: 33 }),
      item('1 台', 683.5, { x: 89, width: 33 }),
      item('第一步：检查包装清单，确认以下物品齐全，缺少任何物品请联系我们', 667),
    ]);
    expect(text).toBe('物品 数量\n路由器 1 台\n第一步：检查包装清单，确认以下物品齐全，缺少任何物品请联系我们');
  });

  it('does not join an indented line to a full one: indentation starts a paragraph', () => {
    const text = pdfPageText([
      item('第一条为规范管理制定本手册本手册适用于全体员工包括试用期员工', 700),
      item('第二条员工应当遵守。', 683.5, { x: 78 }),
      item('第三条公司依法保护。', 667, { x: 78 }),
    ]);
    expect(text).toBe('第一条为规范管理制定本手册本手册适用于全体员工包括试用期员工\n第二条员工应当遵守。\n第三条公司依法保护。');
  });

  it('is empty for a page without text items', () => {
    expect(pdfPageText([item('', 700)])).toBe('');
  });
});
