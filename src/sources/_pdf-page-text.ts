/** The parts of a pdf.js text item that layout needs (unpdf's `extractTextItems` gives these). */
export interface PdfTextItem {
  str: string;
  /** Left edge and baseline, in PDF units, y growing upwards. */
  x: number;
  y: number;
  width: number;
  fontSize: number;
}

interface Line {
  text: string;
  x: number;
  y: number;
  right: number;
  fontSize: number;
}

// Han, kana, CJK punctuation, full-width forms and curly quotes: scripts written without spaces.
const CJK = /[\u2018-\u201D\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF]/u;
/** A wrapped line spans at least this share of the page width (A4 body text with margins: ~80%). */
const FULL_LINE_SHARE = 0.6;
/** A gap this much larger than the page's usual line gap starts a new paragraph. */
const PARAGRAPH_GAP_RATIO = 1.35;

function groupLines(items: PdfTextItem[]): Line[] {
  const lines: Line[] = [];
  for (const item of items) {
    if (item.str === '') continue;
    const line = lines[lines.length - 1];
    if (line !== undefined && Math.abs(item.y - line.y) <= 0.4 * Math.max(item.fontSize, line.fontSize)) {
      const gap = item.x - line.right;
      const needsSpace = gap > 0.2 * item.fontSize && !/\s$/.test(line.text) && !/^\s/.test(item.str);
      line.text += (needsSpace ? ' ' : '') + item.str;
      line.right = Math.max(line.right, item.x + item.width);
      line.fontSize = Math.max(line.fontSize, item.fontSize);
    } else {
      lines.push({ text: item.str, x: item.x, y: item.y, right: item.x + item.width, fontSize: item.fontSize });
    }
  }
  return lines.map((line) => ({ ...line, text: line.text.trim() })).filter((line) => line.text !== '');
}

/**
 * Roughly how wide the line's first word is, plus a space: if it would have fitted at the end of
 * the previous line, that line was ended on purpose rather than wrapped. A CJK "word" is one
 * character, since CJK text wraps anywhere. Widths are estimated from the line's average.
 */
function firstWordWidth(line: Line): number {
  const characters = [...line.text];
  const averageWidth = (line.right - line.x) / characters.length;
  const word = CJK.test(characters[0]!) ? 1 : (/^[^\s\u2E80-\u9FFF\uFF00-\uFFEF]+/u.exec(line.text)?.[0].length ?? 1);
  return (word + 1) * averageWidth;
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.floor((sorted.length - 1) / 2)]; // the lower middle: paragraph gaps are the larger ones
}

/** A short line in a font at least this much larger than the body's is a heading. */
const HEADING_SIZE_RATIO = 1.15;
const HEADING_MAX_CHARACTERS = 80;

/**
 * Turns heading lines into Markdown headings, so the chunker gives PDF chunks heading paths as it
 * does for Markdown, HTML and DOCX. The body size is the size covering the most characters on the
 * page; the level follows the size ratio to it (≥ 1.6 × `#`, ≥ 1.3 × `##`, else `###`), not the
 * page's own ranking, so the same heading style gets the same level on every page.
 */
function markHeadings(lines: Line[]): Line[] {
  const charactersBySize = new Map<number, number>();
  for (const line of lines) {
    const size = Math.round(line.fontSize * 2) / 2;
    charactersBySize.set(size, (charactersBySize.get(size) ?? 0) + line.text.length);
  }
  const bodySize = [...charactersBySize.entries()].sort((left, right) => right[1] - left[1] || left[0] - right[0])[0]?.[0];
  if (bodySize === undefined) return lines;
  return lines.map((line) => {
    const ratio = line.fontSize / bodySize;
    if (ratio < HEADING_SIZE_RATIO || [...line.text].length > HEADING_MAX_CHARACTERS) return line;
    const level = ratio >= 1.6 ? 1 : ratio >= 1.3 ? 2 : 3;
    return { ...line, text: `${'#'.repeat(level)} ${line.text}` };
  });
}

/**
 * Rebuilds one page's text from positioned items: lines by baseline, lines joined into paragraphs,
 * paragraphs separated by blank lines.
 *
 * Why: a PDF has no paragraphs, only glyphs at positions, and pdf.js' own text puts a line break
 * wherever the producer wrapped a line — in Chinese that is mid-word (`上网设\n置`), which splits
 * the word for the analyzer and breaks phrase matches. So:
 *
 * - items whose baselines are within 0.4 × font size form one line (a space is added where the
 *   horizontal gap is wider than 0.2 × font size and neither side has one);
 * - a line continues the previous one when both have the same font size, the vertical gap is not
 *   more than 1.35 × the page's (lower) median line gap, the next line's first word would not have
 *   fitted between the previous line's end and the page's right text edge, the previous line
 *   spans at least 60% of the page width — so it was wrapped, not ended — and the next line is
 *   not indented. Continuations are joined with nothing when either side is CJK, else with a space
 *   (nothing after a hyphen);
 * - a font size change, a larger gap, or a jump upwards (a new column) starts a new paragraph;
 * - anything else keeps its line break (table rows, list items, short lines);
 * - a short line in a larger font becomes a Markdown heading (see `markHeadings`).
 *
 * Single-column body text is the target; in multi-column layouts lines are narrower than 60% of
 * the page, so they keep their line breaks and come out column by column as pdf.js orders them.
 */
export function pdfPageText(items: PdfTextItem[], pageWidth: number): string {
  const lines = markHeadings(groupLines(items));
  if (lines.length === 0) return '';
  const lineGaps = lines
    .slice(1)
    .map((line, index) => [lines[index]!, line] as const)
    .filter(([above, below]) => Math.abs(above.fontSize - below.fontSize) < 0.5 && above.y > below.y)
    .map(([above, below]) => above.y - below.y);
  const usualGap = median(lineGaps);
  const rightEdge = Math.max(...lines.map((line) => line.right));

  let text = lines[0]!.text;
  for (let index = 1; index < lines.length; index += 1) {
    const above = lines[index - 1]!;
    const below = lines[index]!;
    const gap = above.y - below.y;
    const sameSize = Math.abs(above.fontSize - below.fontSize) < 0.5;
    if (!sameSize || gap <= 0 || usualGap === undefined || gap > usualGap * PARAGRAPH_GAP_RATIO) {
      text += `\n\n${below.text}`;
      continue;
    }
    const wrapped =
      rightEdge - above.right < firstWordWidth(below) &&
      above.right - above.x >= FULL_LINE_SHARE * pageWidth &&
      below.x <= above.x + 0.5 * below.fontSize;
    if (!wrapped) {
      text += `\n${below.text}`;
      continue;
    }
    const last = above.text.at(-1)!;
    const first = below.text[0]!;
    text += CJK.test(last) || CJK.test(first) || last === '-' ? below.text : ` ${below.text}`;
  }
  return text;
}
