import { HangjiaError } from '../errors/index.js';

/** Text and the encoding it was decoded from (`utf-8`, `utf-16le`, `utf-16be` or `gb18030`). */
export interface DecodedText {
  text: string;
  encoding: 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030';
}

const SAMPLE_BYTES = 4096;
// C0 controls other than tab, LF, VT, FF, CR, plus DEL and the U+FFFD replacement character.
const SUSPICIOUS = /[\u0000-\u0008\u000E-\u001F\u007F\uFFFD]/g;

/**
 * Guesses where a UTF-16 file without a BOM has its zero bytes. Text that is mostly ASCII,
 * Latin or punctuation has a NUL as the high byte of nearly every code unit: at odd offsets in
 * little-endian, even offsets in big-endian. UTF-8 and GB18030 text never contains NUL. Purely
 * CJK UTF-16 without a BOM has no NULs and is not detected — editors that write UTF-16 add a BOM.
 */
function utf16WithoutBom(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  const length = Math.min(bytes.length, SAMPLE_BYTES) & ~1;
  if (length < 2) return undefined;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let index = 0; index < length; index += 2) {
    if (bytes[index] === 0) evenZeros += 1;
    if (bytes[index + 1] === 0) oddZeros += 1;
  }
  const pairs = length / 2;
  if (oddZeros > pairs * 0.3 && evenZeros < pairs * 0.05) return 'utf-16le';
  if (evenZeros > pairs * 0.3 && oddZeros < pairs * 0.05) return 'utf-16be';
  return undefined;
}

function tryDecode(encoding: string, bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder(encoding, { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Decodes a text file's bytes, in this order:
 * 1. a BOM decides: UTF-8 (EF BB BF), UTF-16 LE (FF FE), UTF-16 BE (FE FF);
 * 2. a NUL-byte pattern reveals BOM-less UTF-16 (see `utf16WithoutBom`);
 * 3. strict UTF-8 — GBK text is almost never valid UTF-8, because GBK lead bytes 0x81–0xFE
 *    followed by trail bytes 0x40–0x7E cannot form UTF-8 sequences;
 * 4. strict GB18030, a superset of GBK and GB2312, which is what Chinese Windows saves as "ANSI".
 *
 * The result is then sanity-checked: more than 1% control characters means the bytes are not
 * text in any of these encodings (a binary file with a text extension, or Big5, Shift-JIS…).
 * The BOM is removed from the text.
 *
 * @throws HangjiaError `E_SOURCE_ENCODING` (details.path) when no encoding gives plausible text.
 */
export function decodeText(bytes: Uint8Array, path: string): DecodedText {
  const decoded = detect(bytes);
  if (decoded !== undefined) {
    const suspicious = decoded.text.match(SUSPICIOUS)?.length ?? 0;
    if (suspicious <= decoded.text.length * 0.01) return decoded;
  }
  throw new HangjiaError(
    'E_SOURCE_ENCODING',
    `Cannot decode ${path}: it is not text in UTF-8, UTF-16 or GBK/GB18030${decoded ? ` (decoding as ${decoded.encoding} gives control characters)` : ''}. Save it as UTF-8 and try again.`,
    { details: { path, triedEncoding: decoded?.encoding } },
  );
}

function detect(bytes: Uint8Array): DecodedText | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    const text = tryDecode('utf-8', bytes);
    return text === undefined ? undefined : { text, encoding: 'utf-8' };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    const text = tryDecode('utf-16le', bytes);
    return text === undefined ? undefined : { text, encoding: 'utf-16le' };
  }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    const text = tryDecode('utf-16be', bytes);
    return text === undefined ? undefined : { text, encoding: 'utf-16be' };
  }
  const utf16 = utf16WithoutBom(bytes);
  if (utf16 !== undefined) {
    const text = tryDecode(utf16, bytes);
    if (text !== undefined) return { text, encoding: utf16 };
  }
  const utf8 = tryDecode('utf-8', bytes);
  if (utf8 !== undefined) return { text: utf8, encoding: 'utf-8' };
  const gb18030 = tryDecode('gb18030', bytes);
  if (gb18030 !== undefined) return { text: gb18030, encoding: 'gb18030' };
  return undefined;
}
