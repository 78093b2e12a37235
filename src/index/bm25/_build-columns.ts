import type { Analyzer } from '../../analysis/index.js';
import { HangjiaError } from '../../errors/index.js';
import { TitleCitations } from '../citations/index.js';
import { TopicModel, WordSequences, type TopicModelOptions } from '../topics/index.js';
import { GrowableUint32Array } from '../_growable-array.js';
import { LEXICAL_FIELDS, TOPIC_MIN_RECORDS, type Bm25ParamsInput } from './bm25-params.js';
import type { IndexColumns } from './_index-format.js';
import type { LexicalRecord } from './lexical-record.js';

const FIELD_COUNT = LEXICAL_FIELDS.length;
/** Per-field term frequencies are stored as uint16; more repeats than this count as this many. */
export const MAX_FREQUENCY = 0xffff;

/** Progress of {@link Bm25Index.build}: records analyzed so far out of all records; `topics` is reported at its start (0) and end. */
export interface Bm25BuildProgress {
  phase: 'analyze' | 'invert' | 'topics';
  done: number;
  total: number;
}

export interface Bm25BuildOptions {
  /** Used for records now and for queries later; recorded by name and version when serialized. */
  analyzer: Analyzer;
  /** BM25F parameters, merged over the defaults (they are baked into per-posting impacts). */
  params?: Bm25ParamsInput;
  /**
   * Topic vectors (see `TopicModel`; topic evidence in `retrieval/`): learned from the records' `text` when
   * there are at least `minRecords` (default {@link TOPIC_MIN_RECORDS}) and the analyzer has
   * `words`; `false` never learns them. Default: on.
   */
  topics?: boolean | (Partial<TopicModelOptions> & { minRecords?: number });
  /**
   * Count, for each group, the other groups whose text names it by title (`TitleCitations`), for
   * citation evidence (in `retrieval/`); `false` counts none. Default: on.
   */
  citations?: boolean;
  /** Called every 1,000 records and once at the end of each phase. */
  onProgress?: (progress: Bm25BuildProgress) => void;
}

/**
 * Analyzes `records` into an index's columns (see `Bm25Index` for the layout); throws
 * `E_INDEX_DUPLICATE_ID` if two share an id.
 */
export function buildColumns(records: readonly LexicalRecord[], options: Bm25BuildOptions): IndexColumns {
  const documentIds = new Array<string>(records.length);
  const seen = new Set<string>();
  const termIds = new Map<string, number>();
  const terms: string[] = [];
  const fieldLengths = new Uint32Array(records.length * FIELD_COUNT);
  const documentGroups = new Uint32Array(records.length);
  const groupNumbers = new Map<string, number>();
  let groupCount = 0;
  const postingTerms = new GrowableUint32Array(1 << 16);
  const postingDocuments = new GrowableUint32Array(1 << 16);
  // Three entries per posting (title, headings, text tf); narrowed to uint16 after sorting.
  const postingFrequencies = new GrowableUint32Array(1 << 16);
  const slotOfTerm = new Map<number, number>();
  const slotTerms: number[] = [];
  const slotFrequencies: number[] = [];
  const topicSettings = options.topics === false ? undefined : options.topics === true || options.topics === undefined ? {} : options.topics;
  const learnTopics = topicSettings !== undefined && options.analyzer.words !== undefined && records.length >= (topicSettings.minRecords ?? TOPIC_MIN_RECORDS);
  const wordSequences = new WordSequences();
  const citations = options.citations === false ? undefined : new TitleCitations();

  for (let document = 0; document < records.length; document++) {
    const record = records[document]!;
    if (seen.has(record.id)) {
      throw new HangjiaError(
        'E_INDEX_DUPLICATE_ID',
        `Record id "${record.id}" occurs more than once (again at position ${document}). Each record needs a unique id; derive chunk ids from document id and chunk position.`,
        { details: { id: record.id, position: document } },
      );
    }
    seen.add(record.id);
    documentIds[document] = record.id;
    if (record.group === undefined) {
      documentGroups[document] = groupCount++;
    } else {
      let group = groupNumbers.get(record.group);
      if (group === undefined) {
        group = groupCount++;
        groupNumbers.set(record.group, group);
      }
      documentGroups[document] = group;
    }
    citations?.addTitle(documentGroups[document]!, record.title);
    for (const alias of record.aliases ?? []) citations?.addTitle(documentGroups[document]!, alias);
    if (record.citing !== false) citations?.addText(documentGroups[document]!, record.text);
    slotOfTerm.clear();
    slotTerms.length = 0;
    slotFrequencies.length = 0;
    for (let field = 0; field < FIELD_COUNT; field++) {
      const fieldTerms = options.analyzer.analyze(record[LEXICAL_FIELDS[field]!]);
      fieldLengths[document * FIELD_COUNT + field] = fieldTerms.length;
      for (const term of fieldTerms) {
        let termId = termIds.get(term);
        if (termId === undefined) {
          termId = terms.length;
          termIds.set(term, termId);
          terms.push(term);
        }
        let slot = slotOfTerm.get(termId);
        if (slot === undefined) {
          slot = slotTerms.length;
          slotOfTerm.set(termId, slot);
          slotTerms.push(termId);
          slotFrequencies.push(0, 0, 0);
        }
        const position = slot * FIELD_COUNT + field;
        slotFrequencies[position] = Math.min(MAX_FREQUENCY, slotFrequencies[position]! + 1);
      }
    }
    if (learnTopics) wordSequences.add(options.analyzer.words!(record.text));
    for (let slot = 0; slot < slotTerms.length; slot++) {
      postingTerms.push(slotTerms[slot]!);
      postingDocuments.push(document);
      for (let field = 0; field < FIELD_COUNT; field++) {
        postingFrequencies.push(slotFrequencies[slot * FIELD_COUNT + field]!);
      }
    }
    if ((document + 1) % 1000 === 0) {
      options.onProgress?.({ phase: 'analyze', done: document + 1, total: records.length });
    }
  }
  options.onProgress?.({ phase: 'analyze', done: records.length, total: records.length });

  // Counting sort by term: postings were appended in document order, so each term's postings
  // come out with ascending documents, which `matchedTerms` relies on for binary search.
  const postingCount = postingTerms.length;
  const termOffsets = new Uint32Array(terms.length + 1);
  for (let posting = 0; posting < postingCount; posting++) {
    termOffsets[postingTerms.get(posting) + 1]!++;
  }
  for (let term = 0; term < terms.length; term++) {
    termOffsets[term + 1]! += termOffsets[term]!;
  }
  const cursor = termOffsets.slice(0, terms.length);
  const sortedDocuments = new Uint32Array(postingCount);
  const sortedFrequencies = new Uint16Array(postingCount * FIELD_COUNT);
  for (let posting = 0; posting < postingCount; posting++) {
    const target = cursor[postingTerms.get(posting)]!++;
    sortedDocuments[target] = postingDocuments.get(posting);
    for (let field = 0; field < FIELD_COUNT; field++) {
      sortedFrequencies[target * FIELD_COUNT + field] = postingFrequencies.get(posting * FIELD_COUNT + field);
    }
  }
  options.onProgress?.({ phase: 'invert', done: records.length, total: records.length });
  // Learning topic vectors takes seconds with no natural steps to count: said when it starts and ends.
  if (learnTopics) options.onProgress?.({ phase: 'topics', done: 0, total: records.length });
  const topics = learnTopics ? learnTopicVectors(wordSequences, topicSettings) : undefined;
  if (learnTopics) options.onProgress?.({ phase: 'topics', done: records.length, total: records.length });
  const groupCitations = citations?.counts(groupCount);

  return {
    documentIds,
    terms,
    termOffsets,
    postingDocuments: sortedDocuments,
    postingFrequencies: sortedFrequencies,
    fieldLengths,
    documentGroups,
    ...(topics ? { topics } : {}),
    ...(groupCitations ? { groupCitations } : {}),
  };
}

/** A topic model of the records' word sequences, and each record's text vector (zeros when it has no known word). */
function learnTopicVectors(sequences: WordSequences, options: Partial<TopicModelOptions>): IndexColumns['topics'] {
  const model = TopicModel.train(sequences, options);
  if (model === undefined) return undefined;
  return {
    vocabulary: [...model.vocabulary],
    sequences: model.sequences,
    documentFrequencies: model.documentFrequencies,
    wordVectors: model.vectors,
    textVectors: model.embedAll(sequences),
  };
}
