import type { ChunkingOptions } from './chunk.js';
import { fitsBounds } from './_fits-bounds.js';
import type { Unit } from './_units.js';
import type { TextSpan } from './text-span.js';

/** A chunk before it gets its id and heading path. */
export interface PackedChunk extends TextSpan {
  text: string;
}

/**
 * Packs units greedily into chunks within the bounds, in order.
 *
 * When the units do not fit in one chunk, the next chunk starts with the whole sentences at the
 * end of the previous one that total at most `overlapChars` (from the first repeated sentence to
 * the end of the previous chunk) and still leave room for one new unit. Table rows and code lines
 * are not repeated: a table slice already repeats its header for context.
 *
 * A chunk that starts at a table row (not at its header) gets the table header in front of its
 * text, so `text` is then header + '\n' + the source span while `start`/`end` still cover only the
 * rows: offsets always point at source text, never at the repeated header.
 */
export function packUnits(text: string, units: readonly Unit[], options: ChunkingOptions): PackedChunk[] {
  const chunks: PackedChunk[] = [];
  let first = 0;
  while (first < units.length) {
    let last = first;
    while (last + 1 < units.length && fitsBounds(renderUnits(text, units, first, last + 1), options)) last += 1;
    // A table header ending a chunk would be separated from its first row: start the next chunk with it.
    const lastUnit = units[last] as Unit;
    if (last > first && lastUnit.kind === 'table-header' && units[last + 1]?.table === lastUnit.table) last -= 1;
    chunks.push({ start: (units[first] as Unit).start, end: (units[last] as Unit).end, text: renderUnits(text, units, first, last) });
    if (last + 1 >= units.length) break;
    first = overlapStart(text, units, first, last, options);
  }
  return chunks;
}

function overlapStart(text: string, units: readonly Unit[], previousFirst: number, previousLast: number, options: ChunkingOptions): number {
  const next = previousLast + 1;
  // Overlapping into a table slice would put prose between the repeated header and the rows.
  if (units[next]?.kind !== 'sentence') return next;
  const previousEnd = (units[previousLast] as Unit).end;
  let start = next;
  // `start - 1 > previousFirst` keeps at least one new unit per chunk, so packing always advances.
  while (start - 1 > previousFirst) {
    const candidate = units[start - 1] as Unit;
    if (candidate.kind !== 'sentence' || previousEnd - candidate.start > options.overlapChars) break;
    if (!fitsBounds(renderUnits(text, units, start - 1, next), options)) break;
    start -= 1;
  }
  return start;
}

function renderUnits(text: string, units: readonly Unit[], first: number, last: number): string {
  const head = units[first] as Unit;
  const source = text.slice(head.start, (units[last] as Unit).end);
  return head.kind === 'table-row' && head.table?.repeatable === true ? `${head.table.text}\n${source}` : source;
}
