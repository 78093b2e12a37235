import type { Hit } from '../retrieval/index.js';

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** One line of a chunk for terminals: whitespace collapsed, cut to `width` characters. */
export function snippet(text: string, width = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat;
}

/** A hit as the CLI's --json prints it: everything a script needs to cite it. */
export function hitToJson(hit: Hit, rank: number): Record<string, unknown> {
  return {
    rank,
    score: hit.score,
    chunkId: hit.chunk.id,
    documentId: hit.chunk.documentId,
    documentPath: hit.documentPath,
    documentTitle: hit.documentTitle,
    headingPath: hit.chunk.headingPath,
    start: hit.chunk.start,
    end: hit.chunk.end,
    matchedTerms: hit.matchedTerms,
    scores: hit.scores,
    text: hit.chunk.text,
  };
}
