import { CJK_RADICALS_SUPPLEMENT } from './cjk-radicals-supplement.js';

// Zero-width space, non-joiner and joiner, plus U+FEFF (a BOM, or a zero-width no-break space mid-text).
const ZERO_WIDTH = /[\u200B-\u200D\uFEFF]/g;
const KANGXI_RADICAL = /[\u2F00-\u2FD5]/g;
const RADICAL_SUPPLEMENT = /[\u2E80-\u2EF3]/g;
// Full-width digits, upper-case and lower-case Latin letters (U+FF10–FF19, FF21–FF3A, FF41–FF5A).
const FULL_WIDTH_ALPHANUMERIC = /[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]/g;
const FULL_WIDTH_OFFSET = 0xfee0;

/**
 * Normalises document text so that the same words always have the same code points, while keeping
 * what a reader sees. Every document's `text` goes through here before it is hashed or chunked.
 *
 * - strips zero-width characters (U+200B–U+200D) and BOMs (U+FEFF);
 * - line endings CRLF and CR become LF;
 * - NBSP (U+00A0) becomes a plain space;
 * - Kangxi radicals (U+2F00–U+2FD5) and CJK Radicals Supplement (U+2E80–U+2EF3) become the unified
 *   ideographs they stand for — PDF text layers emit them for ordinary characters (`⼤` for `大`);
 * - full-width ASCII letters and digits (`ＡＢＣ１２３`) become half-width, so `Ｗｉ-Ｆｉ６` and `Wi-Fi6`
 *   are the same term to the index;
 * - NFC composition (`é` as one code point; CJK compatibility ideographs to their unified forms).
 *
 * It deliberately does not apply NFKC to the whole text: NFKC also turns Chinese punctuation
 * (，；：？！（）) into ASCII, and document text is shown to users as it was written. Full-width
 * spaces (U+3000), used for indentation in Chinese documents, are kept for the same reason.
 *
 * @example
 * normalizeText('\uFEFF人⺠⼤会\r\nＷｉ-Ｆｉ６') // → '人民大会\nWi-Fi6'
 */
export function normalizeText(text: string): string {
  return text
    .replace(ZERO_WIDTH, '')
    .replace(/\r\n?/g, '\n')
    .replace(/\u00A0/g, ' ')
    .replace(KANGXI_RADICAL, (radical) => radical.normalize('NFKC'))
    .replace(RADICAL_SUPPLEMENT, (radical) => CJK_RADICALS_SUPPLEMENT.get(radical) ?? radical)
    .replace(FULL_WIDTH_ALPHANUMERIC, (character) =>
      String.fromCharCode(character.charCodeAt(0) - FULL_WIDTH_OFFSET),
    )
    .normalize('NFC');
}
