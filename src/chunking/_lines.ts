import type { TextSpan } from './text-span.js';

/** One line of a text: `end` excludes the line break (LF, or CRLF for text that skipped normalisation). */
export interface Line extends TextSpan {
  text: string;
}

/** The lines of `text[start, end)`, with offsets into `text`. */
export function splitLines(text: string, start = 0, end = text.length): Line[] {
  const lines: Line[] = [];
  let lineStart = start;
  while (lineStart < end) {
    const newline = text.indexOf('\n', lineStart);
    const lineBreak = newline === -1 || newline >= end ? end : newline;
    const lineEnd = lineBreak > lineStart && text[lineBreak - 1] === '\r' ? lineBreak - 1 : lineBreak;
    lines.push({ start: lineStart, end: lineEnd, text: text.slice(lineStart, lineEnd) });
    lineStart = lineBreak + 1;
  }
  return lines;
}
