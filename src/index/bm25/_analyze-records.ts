import type { Analyzer } from '../../analysis/index.js';
import { HangjiaError } from '../../errors/index.js';
import { GrowableUint32Array } from '../_growable-array.js';
import { LEXICAL_FIELDS } from './bm25-params.js';
import type { LexicalRecord } from './lexical-record.js';

const FIELD_COUNT = LEXICAL_FIELDS.length;
/** Per-field term frequencies are stored as uint16; more repeats than this count as this many. */
export const MAX_FREQUENCY = 0xffff;

/** The fields of a record that analysis reads (the rest stays with the caller). */
export type AnalyzableRecord = Pick<LexicalRecord, 'id' | 'title' | 'headings' | 'text'>;

/**
 * A run of records turned into postings, with term and word numbers local to the run: what a
 * worker thread sends back (typed arrays transfer without copying) and `Bm25IndexBuilder` merges.
 * Numbers are given in order of first occurrence, so merging runs in record order numbers terms
 * exactly as analyzing all records in one run would.
 */
export interface AnalyzedRecords {
  records: number;
  /** Local term number → term. */
  terms: string[];
  /** Per posting, in record order (each record's terms in order of first occurrence): local term number. */
  postingTerms: Uint32Array;
  /** Per posting: the record's position in the run. */
  postingRecords: Uint32Array;
  /** Per posting, one count per field (title, headings, text), capped at 65,535. */
  postingFrequencies: Uint16Array;
  /** Per record, the number of terms in each field. */
  fieldLengths: Uint32Array;
  /** The texts' words (stopwords dropped) for topic vectors, when asked for: vocabulary, word numbers, and where each record's start. */
  words?: { vocabulary: string[]; tokens: Uint32Array; offsets: Uint32Array };
}

/**
 * Analyzes each record's fields once, counting each term's frequency per field. The per-record
 * bookkeeping uses typed arrays indexed by term number (the record a term was last seen in and its
 * slot there) instead of a map per record: at millions of term occurrences, the maps were most of
 * the index build.
 */
export function analyzeRecords(records: readonly AnalyzableRecord[], analyzer: Analyzer, options: { words: boolean; onRecord?: (done: number) => void }): AnalyzedRecords {
  const termNumbers = new Map<string, number>();
  const terms: string[] = [];
  let lastRecordOfTerm = new Int32Array(1 << 12).fill(-1);
  let slotOfTerm = new Uint32Array(1 << 12);
  const postingTerms = new GrowableUint32Array(1 << 14);
  const postingRecords = new GrowableUint32Array(1 << 14);
  const postingFrequencies = new GrowableUint32Array(1 << 14);
  const fieldLengths = new Uint32Array(records.length * FIELD_COUNT);
  const slotTerms: number[] = [];
  const slotFrequencies: number[] = [];
  const wordNumbers = new Map<string, number>();
  const vocabulary: string[] = [];
  const wordTokens = new GrowableUint32Array(options.words ? 1 << 14 : 1);
  const wordOffsets = new GrowableUint32Array(options.words ? records.length + 1 : 1);
  if (options.words) wordOffsets.push(0);

  for (let position = 0; position < records.length; position++) {
    const record = records[position]!;
    slotTerms.length = 0;
    slotFrequencies.length = 0;
    for (let field = 0; field < FIELD_COUNT; field++) {
      const fieldTerms = analyzeField(analyzer, record, LEXICAL_FIELDS[field]!);
      fieldLengths[position * FIELD_COUNT + field] = fieldTerms.length;
      for (const term of fieldTerms) {
        let number = termNumbers.get(term);
        if (number === undefined) {
          number = terms.length;
          termNumbers.set(term, number);
          terms.push(term);
          if (number === lastRecordOfTerm.length) {
            lastRecordOfTerm = grow(lastRecordOfTerm, -1);
            slotOfTerm = grow(slotOfTerm, 0);
          }
        }
        if (lastRecordOfTerm[number] !== position) {
          lastRecordOfTerm[number] = position;
          slotOfTerm[number] = slotTerms.length;
          slotTerms.push(number);
          slotFrequencies.push(0, 0, 0);
        }
        const at = slotOfTerm[number]! * FIELD_COUNT + field;
        if (slotFrequencies[at]! < MAX_FREQUENCY) slotFrequencies[at]!++;
      }
    }
    if (options.words) {
      // The default analyzer keeps the words of the text it analyzed last: no second segmentation.
      for (const word of analyzer.words!(record.text)) {
        let number = wordNumbers.get(word);
        if (number === undefined) {
          number = vocabulary.length;
          wordNumbers.set(word, number);
          vocabulary.push(word);
        }
        wordTokens.push(number);
      }
      wordOffsets.push(wordTokens.length);
    }
    for (let slot = 0; slot < slotTerms.length; slot++) {
      postingTerms.push(slotTerms[slot]!);
      postingRecords.push(position);
      for (let field = 0; field < FIELD_COUNT; field++) postingFrequencies.push(slotFrequencies[slot * FIELD_COUNT + field]!);
    }
    options.onRecord?.(position + 1);
  }
  return {
    records: records.length,
    terms,
    postingTerms: postingTerms.view().slice(),
    postingRecords: postingRecords.view().slice(),
    postingFrequencies: Uint16Array.from(postingFrequencies.view()),
    fieldLengths,
    ...(options.words ? { words: { vocabulary, tokens: wordTokens.view().slice(), offsets: wordOffsets.view().slice() } } : {}),
  };
}

/** The typed arrays of `analyzed`, to transfer to another thread instead of copying them. */
export function transferablesOf(analyzed: AnalyzedRecords): ArrayBuffer[] {
  const arrays = [analyzed.postingTerms, analyzed.postingRecords, analyzed.postingFrequencies, analyzed.fieldLengths, ...(analyzed.words ? [analyzed.words.tokens, analyzed.words.offsets] : [])];
  return arrays.map((array) => array.buffer as ArrayBuffer);
}

/** One field's terms; an analyzer that throws fails the build, naming the record. */
function analyzeField(analyzer: Analyzer, record: AnalyzableRecord, field: (typeof LEXICAL_FIELDS)[number]): string[] {
  try {
    return analyzer.analyze(record[field]);
  } catch (error) {
    throw new HangjiaError('E_INDEX_ANALYZE', `Analyzer ${analyzer.name} failed on the ${field} of record ${record.id}: ${(error as Error).message}`, {
      details: { id: record.id, field },
      cause: error,
    });
  }
}

function grow<T extends Int32Array | Uint32Array>(array: T, fill: number): T {
  const larger = new (array.constructor as new (length: number) => T)(array.length * 2);
  larger.set(array);
  larger.fill(fill, array.length);
  return larger;
}
