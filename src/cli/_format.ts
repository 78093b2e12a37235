import { snippet } from '../support/index.js';

// `search` and the commands that print passages take these from here, beside the terminal-only helpers.
export { hitToJson } from '../answer/index.js';
export { snippet };

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

/**
 * The matched terms worth showing a reader: whole words and English terms, heaviest first, without
 * the analyzer's character n-grams (`~合同`, `^合`), which only say the same at a finer grain.
 */
export function readableMatchedTerms(matchedTerms: readonly string[], limit = 8): string[] {
  return matchedTerms.filter((term) => !term.startsWith('~') && !term.startsWith('^')).slice(0, limit);
}

/**
 * A snippet of `text` that shows where it matched: from the start when the heaviest matched word
 * is in the first third of the window, else starting a little before that word (marked `…`).
 */
export function snippetAround(text: string, words: readonly string[], width = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const lower = flat.toLowerCase();
  const at = words.map((word) => lower.indexOf(word.toLowerCase())).find((index) => index >= 0) ?? -1;
  if (at < width / 3 || flat.length <= width) return snippet(flat, width);
  // Start at the sentence that holds the word if it began shortly before, else at a word break.
  const earliest = Math.max(0, at - Math.floor(width / 3));
  const before = flat.slice(earliest, at);
  const sentenceEnd = Math.max(...[...'。！？；.!?;'].map((mark) => before.lastIndexOf(mark)));
  const space = before.lastIndexOf(' ', before.length - Math.floor(width / 12));
  const start = sentenceEnd >= 0 ? earliest + sentenceEnd + 1 : space >= 0 ? earliest + space + 1 : Math.max(0, at - Math.floor(width / 6));
  return `…${snippet(flat.slice(start).trimStart(), width - 1)}`;
}

/** Where a hit or citation comes from: the file, and the row for a csv/jsonl source. */
export function sourceLocation(source: { documentPath: string; documentRowKey?: string }): string {
  return source.documentRowKey === undefined ? source.documentPath : `${source.documentPath} row ${source.documentRowKey}`;
}
