import type { TextSpan } from './text-span.js';

const WHITESPACE = /\s/u;

/** `[start, end)` narrowed to exclude whitespace at both ends; empty when it is all whitespace. */
export function trimSpan(text: string, start: number, end: number): TextSpan {
  let trimmedStart = start;
  let trimmedEnd = end;
  while (trimmedStart < trimmedEnd && WHITESPACE.test(text[trimmedStart] ?? '')) trimmedStart += 1;
  while (trimmedEnd > trimmedStart && WHITESPACE.test(text[trimmedEnd - 1] ?? '')) trimmedEnd -= 1;
  return { start: trimmedStart, end: trimmedEnd };
}
