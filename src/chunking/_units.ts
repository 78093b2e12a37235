import type { ChunkingOptions } from './chunk.js';
import { estimateTokens } from './estimate-tokens.js';
import { closesFence, openingFence } from './_fence.js';
import { fitsBounds } from './_fits-bounds.js';
import { splitLines, type Line } from './_lines.js';
import { trimSpan } from './_trim-span.js';
import { splitSentences } from './split-sentences.js';
import type { TextSpan } from './text-span.js';

/** The header row and separator row of a pipe table, repeated in front of every later slice of it. */
export interface TableHeader extends TextSpan {
  /** Header row, line break, separator row, as in the source. */
  text: string;
  /** False when the header is so large that header plus one row character would break a bound. */
  repeatable: boolean;
}

/**
 * The smallest pieces a section is packed from: prose sentences, code lines, table headers and
 * table rows. Only sentences are repeated as overlap; a table row is never cut from its header.
 */
export interface Unit extends TextSpan {
  kind: 'sentence' | 'code-line' | 'table-header' | 'table-row';
  table?: TableHeader;
}

// A GFM delimiter row: cells of dashes with optional alignment colons, separated by pipes.
const TABLE_SEPARATOR = /^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$/;

/**
 * Cuts `text[span]` into units, each of which fits the bounds on its own: a unit that does not
 * (a sentence longer than `maxChars`, a huge table row) is hard-split at the bound.
 */
export function buildUnits(text: string, span: TextSpan, options: ChunkingOptions): Unit[] {
  const lines = splitLines(text, span.start, span.end);
  const units: Unit[] = [];
  let proseStart: number | undefined;
  const flushProse = (endLine: number): void => {
    const firstLine = proseStart === undefined ? undefined : lines[proseStart];
    const lastLine = lines[endLine - 1];
    proseStart = undefined;
    if (firstLine === undefined || lastLine === undefined) return;
    for (const sentence of splitSentences(text.slice(firstLine.start, lastLine.end))) {
      units.push({ start: firstLine.start + sentence.start, end: firstLine.start + sentence.end, kind: 'sentence' });
    }
  };

  let index = 0;
  while (index < lines.length) {
    const line = lines[index] as Line;
    const fence = openingFence(line.text);
    if (fence !== undefined) {
      flushProse(index);
      let closing = index + 1;
      while (closing < lines.length && !closesFence((lines[closing] as Line).text, fence)) closing += 1;
      const lastLine = Math.min(closing, lines.length - 1);
      for (const codeLine of lines.slice(index, lastLine + 1)) pushTrimmed(units, text, codeLine, 'code-line');
      index = lastLine + 1;
      continue;
    }
    const separator = lines[index + 1];
    if (line.text.includes('|') && separator !== undefined && separator.text.includes('|') && TABLE_SEPARATOR.test(separator.text)) {
      flushProse(index);
      const headerSpan = trimSpan(text, line.start, separator.end);
      const headerText = text.slice(headerSpan.start, headerSpan.end);
      const table: TableHeader = {
        ...headerSpan,
        text: headerText,
        // Header, a line break and one character (at most 2 code units and 1 token).
        repeatable: headerText.length + 3 <= options.maxChars && estimateTokens(headerText) + 1 <= options.maxTokens,
      };
      units.push({ ...headerSpan, kind: 'table-header', table });
      let row = index + 2;
      while (row < lines.length && (lines[row] as Line).text.includes('|') && (lines[row] as Line).text.trim() !== '') {
        pushTrimmed(units, text, lines[row] as Line, 'table-row', table);
        row += 1;
      }
      index = row;
      continue;
    }
    proseStart ??= index;
    index += 1;
  }
  flushProse(lines.length);
  return units.flatMap((unit) => fitUnit(text, unit, options));
}

function pushTrimmed(units: Unit[], text: string, line: Line, kind: Unit['kind'], table?: TableHeader): void {
  const span = trimSpan(text, line.start, line.end);
  if (span.end > span.start) units.push(table === undefined ? { ...span, kind } : { ...span, kind, table });
}

/**
 * Hard-splits a unit that breaks a bound into the longest pieces that fit, cutting at the bound
 * (never inside a surrogate pair). Row pieces keep their table, so each still gets the header.
 * Cut points are found by binary search: both the length and `estimateTokens` only grow as text
 * is appended, so "fits" is monotone in the cut position.
 */
function fitUnit(text: string, unit: Unit, options: ChunkingOptions): Unit[] {
  const repeatsHeader = unit.kind === 'table-row' && unit.table?.repeatable === true;
  const prefix = repeatsHeader && unit.table !== undefined ? `${unit.table.text}\n` : '';
  if (fitsBounds(prefix + text.slice(unit.start, unit.end), options)) return [unit];
  // A header too large to fit on its own cannot be repeated either: its pieces are plain text.
  const pieceKind = unit.kind === 'table-header' ? 'sentence' : unit.kind;
  const pieces: Unit[] = [];
  let position = unit.start;
  while (position < unit.end) {
    let low = 1;
    let high = unit.end - position;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (fitsBounds(prefix + text.slice(position, position + middle), options)) low = middle;
      else high = middle - 1;
    }
    let cut = position + low;
    if (cut < unit.end && isHighSurrogate(text.charCodeAt(cut - 1))) {
      // Cut before the surrogate pair, or after it when the pair alone is the piece.
      cut = cut - 1 > position ? cut - 1 : cut + 1;
    }
    const piece = trimSpan(text, position, cut);
    if (piece.end > piece.start) {
      const keepsTable = pieceKind === 'table-row' && unit.table !== undefined;
      pieces.push(keepsTable ? { ...piece, kind: pieceKind, table: unit.table } : { ...piece, kind: pieceKind });
    }
    position = cut;
  }
  return pieces;
}

function isHighSurrogate(codeUnit: number): boolean {
  return codeUnit >= 0xd800 && codeUnit <= 0xdbff;
}
