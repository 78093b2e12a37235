import { idf as idfTable } from '@node-rs/jieba/dict.js';

/**
 * jieba's general-Chinese IDF table (`idf.txt`, 270k words, from the jieba project's news and web
 * corpus), parsed on first use (~100 ms). It is independent of any knowledge base, which is the
 * point: a weight from a fixed table makes evidence scores comparable across queries and across
 * knowledge bases, where an index's own IDF shifts with every sync.
 */
let table: Map<string, number> | undefined;
let median = 0;

function load(): Map<string, number> {
  if (table) return table;
  table = new Map();
  const values: number[] = [];
  for (const line of Buffer.from(idfTable).toString('utf8').split('\n')) {
    const space = line.lastIndexOf(' ');
    if (space <= 0) continue;
    const value = Number(line.slice(space + 1));
    if (!Number.isFinite(value)) continue;
    table.set(line.slice(0, space), value);
    values.push(value);
  }
  values.sort((a, b) => a - b);
  // jieba's own convention: words missing from the table get the median IDF.
  median = values[Math.floor(values.length / 2)] ?? 10;
  return table;
}

/** The general IDF of `word`, or the table's median for unknown words (jieba's convention). */
export function generalIdf(word: string): number {
  const loaded = load();
  return loaded.get(word) ?? median;
}
