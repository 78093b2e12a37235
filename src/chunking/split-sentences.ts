import { trimSpan } from './_trim-span.js';
import type { TextSpan } from './text-span.js';

// Chinese terminators end a sentence wherever they stand; `…` runs cover both … and ……
const CHINESE_TERMINATORS = new Set(['。', '！', '？', '；', '…']);
// ASCII terminators end a sentence only before whitespace or the end of the text (see isAsciiBoundary).
const ASCII_TERMINATORS = new Set(['.', '!', '?']);
// Closing quotes and brackets belong to the sentence they close: 他说：“好。”然后…… splits after ”.
const CLOSERS = new Set(['”', '’', '」', '』', '）', '》', '】', '〉', '"', "'", ')', ']']);
// Words that end in a period without ending the sentence. Kept short on purpose: `etc.` and `Inc.`
// end sentences as often as not, so they stay boundaries.
const ABBREVIATIONS = new Set(['mr', 'mrs', 'ms', 'dr', 'prof', 'sr', 'jr', 'st', 'vs', 'cf', 'fig', 'vol', 'approx', 'dept', 'viz']);
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const WHITESPACE = /\s/u;
// A line that starts a Markdown block (heading, list item, quote, table row) starts a new sentence
// even after a single newline; other single newlines are soft wraps (common in PDF text).
const BLOCK_START = /[ \t]*(?:#{1,6}[ \t]|[-*+][ \t]|\d+[.)][ \t]|>|\|)/y;

/**
 * Splits text into sentences, returned as spans into `text` with surrounding whitespace excluded.
 * Every non-whitespace character of `text` belongs to exactly one span, in order.
 *
 * Boundaries:
 * - after 。！？； and runs of …, always (Chinese writes no space after them);
 * - after . ! ? followed by whitespace or the end of the text; ! and ? also before a CJK character.
 *   A period is not a boundary after a listed abbreviation (Mr., Dr., vs.), a dotted acronym
 *   (e.g., i.e., U.S.), a single capital initial (J. K. Rowling), `No.` before a number, or a
 *   list number opening a sentence (`1. `); decimals (3.14) never have whitespace after the dot;
 * - closing quotes and brackets right after a terminator stay with its sentence;
 * - a blank line, always; a single newline only when the next line starts a Markdown block.
 *
 * @example
 * splitSentences('你好。Hi Mr. Li! Bye') // → [{ start: 0, end: 3 }, { start: 3, end: 13 }, { start: 14, end: 17 }]
 */
export function splitSentences(text: string): TextSpan[] {
  const spans: TextSpan[] = [];
  let sentenceStart = 0;
  const close = (end: number): void => {
    const span = trimSpan(text, sentenceStart, end);
    if (span.end > span.start) spans.push(span);
    sentenceStart = end;
  };

  let index = 0;
  while (index < text.length) {
    const character = text[index] ?? '';
    if (character === '\n') {
      const nextLine = index + 1;
      if (isBlankLineAhead(text, nextLine) || startsBlock(text, nextLine)) close(index);
      index = nextLine;
      continue;
    }
    if (!CHINESE_TERMINATORS.has(character) && !ASCII_TERMINATORS.has(character)) {
      index += 1;
      continue;
    }
    let runEnd = index;
    let hasChineseTerminator = false;
    while (runEnd < text.length) {
      const runCharacter = text[runEnd] ?? '';
      if (CHINESE_TERMINATORS.has(runCharacter)) hasChineseTerminator = true;
      else if (!ASCII_TERMINATORS.has(runCharacter)) break;
      runEnd += 1;
    }
    let end = runEnd;
    while (end < text.length && CLOSERS.has(text[end] ?? '')) end += 1;
    if (hasChineseTerminator || isAsciiBoundary(text, sentenceStart, index, runEnd, end)) close(end);
    index = end;
  }
  close(text.length);
  return spans;
}

function isBlankLineAhead(text: string, lineStart: number): boolean {
  let index = lineStart;
  while (index < text.length && text[index] !== '\n' && WHITESPACE.test(text[index] ?? '')) index += 1;
  return text[index] === '\n';
}

function startsBlock(text: string, lineStart: number): boolean {
  BLOCK_START.lastIndex = lineStart;
  return BLOCK_START.test(text);
}

/** Whether the ASCII terminator run `[runStart, runEnd)`, followed by closers up to `end`, ends a sentence. */
function isAsciiBoundary(text: string, sentenceStart: number, runStart: number, runEnd: number, end: number): boolean {
  const next = text[end];
  if (next === undefined) return true;
  const run = text.slice(runStart, runEnd);
  if (!WHITESPACE.test(next)) return CJK.test(next) && /[!?]/.test(run);
  // Closers or a run like `...` or `?!` mean the writer meant an ending, whatever the word was.
  if (run !== '.' || end !== runEnd) return true;
  return !isAbbreviationBefore(text, sentenceStart, runStart, end);
}

function isAbbreviationBefore(text: string, sentenceStart: number, periodIndex: number, end: number): boolean {
  let wordStart = periodIndex;
  while (wordStart > 0 && /[A-Za-z0-9.]/.test(text[wordStart - 1] ?? '')) wordStart -= 1;
  const word = text.slice(wordStart, periodIndex);
  if (ABBREVIATIONS.has(word.toLowerCase())) return true;
  if (/^[A-Z]$/.test(word)) return true;
  if (/^(?:[A-Za-z]\.)+[A-Za-z]$/.test(word)) return true;
  if (word === 'No' && /^\s*\d/.test(text.slice(end, end + 8))) return true;
  // A number opening a sentence is a list marker (`1. Install it. 2. Run it.`), never a sentence.
  return /^\d+$/.test(word) && text.slice(sentenceStart, wordStart).trim() === '';
}
