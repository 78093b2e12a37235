/**
 * Decontamination: drop training items that share a long n-gram with an evaluation item, so a
 * benchmark does not measure memorisation. Following GPT-3 (Brown et al. 2020, appendix C: 13-gram
 * overlap) the unit is a word for English; for Chinese, where there are no spaces, a unit is one
 * character (textUnits), so the default n = 13 means 13 English words or 13 Chinese characters.
 * Punctuation and whitespace are not units, so re-punctuated copies still match.
 *
 * An evaluation item is a list of segments (the string fields of a JSONL object: question,
 * choices, …); n-grams never span two segments, so ids and answer letters do not glue onto
 * questions. A segment shorter than n units but at least `minShortUnits` (8) is indexed whole, and
 * a training item matches if it contains that sequence — short exam questions are exactly the ones
 * most likely to be copied verbatim; shorter segments ("A", "正确") are ignored.
 */
import fs from 'node:fs';
import { HangjiaError } from '../../errors/index.js';
import { hashString32, textUnits } from '../_text.js';

export interface ContaminationIndex {
  ngramSize: number;
  /** n-gram hash → "file:line" of the first evaluation item that has it. */
  grams: Map<number, string>;
  /** Whole-item hashes of evaluation items shorter than n units, by their length in units. */
  shortItems: Map<number, Map<number, string>>;
  items: number;
}

export interface EvaluationItem {
  /** Where it came from, e.g. `ceval/val.jsonl:12`. */
  id: string;
  /** Texts n-grams are taken from, separately. */
  segments: string[];
}

/** Segments shorter than this many units are not indexed (see the module comment). */
const MIN_SHORT_UNITS = 8;

/** Default n-gram size in units (13: GPT-3's choice). */
export const DEFAULT_DECONTAMINATION_NGRAM = 13;

/** Combines unit hashes [start, start+length) into a 52-bit key. */
function gramKey(unitHashes: Uint32Array, start: number, length: number): number {
  let high = 0x811c9dc5;
  let low = 0x9747b28c;
  for (let index = start; index < start + length; index += 1) {
    high = Math.imul(high ^ unitHashes[index]!, 0x01000193);
    low = Math.imul(low ^ unitHashes[index]!, 0x5bd1e995);
    low ^= low >>> 13;
  }
  return ((high >>> 0) & 0xfffff) * 0x100000000 + (low >>> 0);
}

function unitHashes(text: string): Uint32Array {
  const units = textUnits(text);
  const hashes = new Uint32Array(units.length);
  for (let index = 0; index < units.length; index += 1) hashes[index] = hashString32(units[index]!);
  return hashes;
}

/** Indexes the n-grams of evaluation items. */
export function buildContaminationIndex(items: Iterable<EvaluationItem>, ngramSize = DEFAULT_DECONTAMINATION_NGRAM): ContaminationIndex {
  const index: ContaminationIndex = { ngramSize, grams: new Map(), shortItems: new Map(), items: 0 };
  for (const item of items) {
    index.items += 1;
    for (const segment of item.segments) addSegment(index, item.id, segment);
  }
  return index;
}

function addSegment(index: ContaminationIndex, id: string, segment: string): void {
  const ngramSize = index.ngramSize;
  const hashes = unitHashes(segment);
  if (hashes.length < ngramSize) {
    if (hashes.length < MIN_SHORT_UNITS) return;
    let byLength = index.shortItems.get(hashes.length);
    if (!byLength) index.shortItems.set(hashes.length, (byLength = new Map()));
    const key = gramKey(hashes, 0, hashes.length);
    if (!byLength.has(key)) byLength.set(key, id);
    return;
  }
  for (let start = 0; start + ngramSize <= hashes.length; start += 1) {
    const key = gramKey(hashes, start, ngramSize);
    if (!index.grams.has(key)) index.grams.set(key, id);
  }
}

/** The evaluation item `text` overlaps, or undefined. */
export function findContamination(text: string, index: ContaminationIndex): { evaluationItem: string } | undefined {
  const hashes = unitHashes(text);
  for (let start = 0; start + index.ngramSize <= hashes.length; start += 1) {
    const hit = index.grams.get(gramKey(hashes, start, index.ngramSize));
    if (hit !== undefined) return { evaluationItem: hit };
  }
  for (const [length, byLength] of index.shortItems) {
    for (let start = 0; start + length <= hashes.length; start += 1) {
      const hit = byLength.get(gramKey(hashes, start, length));
      if (hit !== undefined) return { evaluationItem: hit };
    }
  }
  return undefined;
}

/**
 * Reads evaluation items from a file in any layout: JSON Lines objects contribute all their string
 * values (question, choices, answer, …) joined by newlines; other files contribute one item per
 * non-empty line. Lines that are not JSON in a `.jsonl` file are taken as plain text.
 */
export function readEvaluationItems(file: string): EvaluationItem[] {
  let content: string;
  try {
    content = fs.readFileSync(file, 'utf8');
  } catch (cause) {
    throw new HangjiaError('E_PATH_NOT_FOUND', `Cannot read evaluation file ${file}: ${(cause as Error).message}`, { details: { path: file }, cause });
  }
  const items: EvaluationItem[] = [];
  const lines = content.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index]!.trim();
    if (line === '') continue;
    let segments = [line];
    if (line.startsWith('{')) {
      try {
        segments = collectStrings(JSON.parse(line) as unknown);
      } catch {
        // Keep the raw line: a broken evaluation line still should not leak into training data.
      }
    }
    items.push({ id: `${file}:${index + 1}`, segments });
  }
  return items;
}

function collectStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(collectStrings);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(collectStrings);
  return [];
}
