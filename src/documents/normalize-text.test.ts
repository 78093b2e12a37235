import { describe, expect, it } from 'vitest';
import { normalizeText } from './normalize-text.js';

describe('normalizeText', () => {
  it('strips a leading BOM and zero-width characters anywhere', () => {
    expect(normalizeText('\uFEFF行\u200B家\u200C的\u200D书\uFEFF')).toBe('行家的书');
  });

  it('turns CRLF and lone CR into LF', () => {
    expect(normalizeText('一\r\n二\r三\n四')).toBe('一\n二\n三\n四');
  });

  it('turns NBSP into a plain space', () => {
    expect(normalizeText('Wi-Fi\u00A06')).toBe('Wi-Fi 6');
  });

  it('maps Kangxi radicals to unified ideographs (⼤ U+2F24 → 大)', () => {
    expect(normalizeText('\u2F24\u2F08\u2F42')).toBe('大人文');
  });

  it('maps CJK Radicals Supplement forms NFKC misses (⺠ U+2EA0 → 民, ⻓ U+2ED3 → 长, ⻔ U+2ED4 → 门)', () => {
    expect('\u2EA0'.normalize('NFKC')).toBe('\u2EA0'); // the reason the map exists
    expect(normalizeText('人\u2EA0\u2ED3城\u2ED4')).toBe('人民长城门');
  });

  it('leaves radicals without a Unicode equivalent as they are (U+2E80, U+2E9A)', () => {
    expect(normalizeText('\u2E80\u2E9A')).toBe('\u2E80\u2E9A');
  });

  it('maps supplement radicals whose equivalent lies outside the BMP (⺇ U+2E87 → U+20628)', () => {
    expect(normalizeText('\u2E87')).toBe('\u{20628}');
  });

  it('turns full-width letters and digits into half-width', () => {
    expect(normalizeText('ＴＰ－Ｌｉｎｋ ＡＸ３０００')).toBe('TP－Link AX3000');
  });

  it('keeps Chinese punctuation and full-width spaces as written', () => {
    const text = '　　第一条，总则。注意：是否？是！（见附件）；';
    expect(normalizeText(text)).toBe(text);
  });

  it('composes to NFC', () => {
    expect(normalizeText('e\u0301')).toBe('\u00E9');
  });

  it('is idempotent', () => {
    const once = normalizeText('\uFEFF⼤⺠\r\nＡ１\u00A0x');
    expect(normalizeText(once)).toBe(once);
    expect(once).toBe('大民\nA1 x');
  });
});
