import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { HangjiaError } from '../errors/index.js';
import { decodeText } from './_decode-text.js';

const SAMPLE = '第一条 为规范管理，制定本手册。Wi-Fi 6 router.';

function utf16be(text: string): Buffer {
  return Buffer.from(text, 'utf16le').swap16();
}

describe('decodeText', () => {
  it('reads UTF-8 without a BOM', () => {
    expect(decodeText(Buffer.from(SAMPLE, 'utf8'), 'a.txt')).toEqual({ text: SAMPLE, encoding: 'utf-8' });
  });

  it('reads UTF-8 with a BOM and drops the BOM', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(SAMPLE, 'utf8')]);
    expect(decodeText(bytes, 'a.txt')).toEqual({ text: SAMPLE, encoding: 'utf-8' });
  });

  it('reads UTF-16 LE with a BOM', () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(SAMPLE, 'utf16le')]);
    expect(decodeText(bytes, 'a.txt')).toEqual({ text: SAMPLE, encoding: 'utf-16le' });
  });

  it('reads UTF-16 BE with a BOM', () => {
    const bytes = Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(SAMPLE)]);
    expect(decodeText(bytes, 'a.txt')).toEqual({ text: SAMPLE, encoding: 'utf-16be' });
  });

  it('detects BOM-less UTF-16 LE and BE from where the NUL bytes are', () => {
    const text = 'Router manual: press reset for 10 seconds. 复位';
    expect(decodeText(Buffer.from(text, 'utf16le'), 'a.txt')).toEqual({ text, encoding: 'utf-16le' });
    expect(decodeText(utf16be(text), 'a.txt')).toEqual({ text, encoding: 'utf-16be' });
  });

  it('falls back to GB18030 for GBK bytes, which are not valid UTF-8', () => {
    const bytes = iconv.encode(SAMPLE, 'gbk');
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    expect(decodeText(bytes, 'a.txt')).toEqual({ text: SAMPLE, encoding: 'gb18030' });
  });

  it('reads characters only GB18030 (not GBK) can encode: 𠮷 U+20BB7 and € U+20AC', () => {
    const text = '吉野家的𠮷，价格€5';
    const bytes = iconv.encode(text, 'gb18030');
    expect(iconv.decode(iconv.encode('𠮷', 'gbk'), 'gbk')).not.toBe('𠮷'); // GBK cannot hold it
    expect(decodeText(bytes, 'a.txt')).toEqual({ text, encoding: 'gb18030' });
  });

  it('rejects binary bytes with E_SOURCE_ENCODING naming the file', () => {
    const bytes = Buffer.from([0x00, 0x01, 0x02, 0x03, 0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48]);
    try {
      decodeText(bytes, '/data/image.txt');
      expect.unreachable();
    } catch (error) {
      expect(HangjiaError.is(error, 'E_SOURCE_ENCODING')).toBe(true);
      expect((error as HangjiaError).details.path).toBe('/data/image.txt');
      expect((error as HangjiaError).message).toContain('/data/image.txt');
    }
  });
});
