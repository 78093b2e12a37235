import type { Analyzer } from '../../analysis/index.js';
import { HangjiaError } from '../../errors/index.js';
import { TitleCitations } from '../citations/index.js';
import { TopicModel, WordSequences, type TopicModelOptions } from '../topics/index.js';
import type { AnalyzedRecords } from './_analyze-records.js';
import { Bm25Index } from './bm25-index.js';
import { LEXICAL_FIELDS, TOPIC_MIN_RECORDS, type Bm25ParamsInput } from './bm25-params.js';
import type { IndexColumns } from './_index-format.js';
import type { LexicalRecord } from './lexical-record.js';

const FIELD_COUNT = LEXICAL_FIELDS.length;

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
 * Builds a {@link Bm25Index} from records given in order, in two streams: each record's identity
 * (id, group, titles and citations: cheap, on the calling thread) through {@link addRecords}, and
 * its analyzed fields through {@link addAnalyzed}, which may come from worker threads. Nothing of a
 * record's text is kept once it is added, so the caller can stream records from the store.
 * Term numbers are given in order of first occurrence over all records, and postings are sorted
 * by term with a stable counting sort, so the index is the same however the records were split.
 *
 * @example
 * const builder = new Bm25IndexBuilder({ analyzer });
 * builder.addRecords(records);
 * builder.addAnalyzed(analyzeRecords(records, analyzer, { words: builder.collectsWords }));
 * const index = builder.build();
 */
export class Bm25IndexBuilder {
  /** Whether {@link addAnalyzed} needs each part's `words` (the index will learn topic vectors). */
  readonly collectsWords: boolean;

  private readonly options: Bm25BuildOptions;
  private readonly documentIds: string[] = [];
  private readonly seen = new Set<string>();
  private readonly documentGroups: number[] = [];
  private readonly groupNumbers = new Map<string, number>();
  private groupCount = 0;
  private readonly citations: TitleCitations | undefined;
  private readonly termNumbers = new Map<string, number>();
  private readonly terms: string[] = [];
  /** Analyzed parts, their term numbers already made global, with the position of their first record. */
  private readonly parts: Array<{ first: number; analyzed: AnalyzedRecords }> = [];
  private analyzedRecords = 0;
  private readonly wordSequences = new WordSequences();

  /** `expectedRecords`, when known, lets a small index skip collecting words for topic vectors it will not learn. */
  constructor(options: Bm25BuildOptions, expectedRecords?: number) {
    this.options = options;
    const topics = options.topics;
    const minRecords = typeof topics === 'object' ? (topics.minRecords ?? TOPIC_MIN_RECORDS) : TOPIC_MIN_RECORDS;
    this.collectsWords = topics !== false && options.analyzer.words !== undefined && (expectedRecords === undefined || expectedRecords >= minRecords);
    this.citations = options.citations === false ? undefined : new TitleCitations();
  }

  /** Records (in order) the records' ids, groups and titles; throws `E_INDEX_DUPLICATE_ID` if two share an id. */
  addRecords(records: readonly LexicalRecord[]): void {
    for (const record of records) {
      const document = this.documentIds.length;
      if (this.seen.has(record.id)) {
        throw new HangjiaError(
          'E_INDEX_DUPLICATE_ID',
          `Record id "${record.id}" occurs more than once (again at position ${document}). Each record needs a unique id; derive chunk ids from document id and chunk position.`,
          { details: { id: record.id, position: document } },
        );
      }
      this.seen.add(record.id);
      this.documentIds.push(record.id);
      let group: number;
      if (record.group === undefined) {
        group = this.groupCount++;
      } else {
        group = this.groupNumbers.get(record.group) ?? this.groupCount++;
        this.groupNumbers.set(record.group, group);
      }
      this.documentGroups.push(group);
      this.citations?.addTitle(group, record.title);
      for (const alias of record.aliases ?? []) this.citations?.addTitle(group, alias);
      if (record.citing !== false) this.citations?.addText(group, record.text);
    }
  }

  /** The next records' analysis, in the order of {@link addRecords}; renumbers its terms in place. */
  addAnalyzed(analyzed: AnalyzedRecords): void {
    const global = new Uint32Array(analyzed.terms.length);
    for (let local = 0; local < analyzed.terms.length; local++) {
      const term = analyzed.terms[local]!;
      let number = this.termNumbers.get(term);
      if (number === undefined) {
        number = this.terms.length;
        this.termNumbers.set(term, number);
        this.terms.push(term);
      }
      global[local] = number;
    }
    const { postingTerms } = analyzed;
    for (let posting = 0; posting < postingTerms.length; posting++) postingTerms[posting] = global[postingTerms[posting]!]!;
    if (this.collectsWords) {
      if (!analyzed.words) throw new HangjiaError('E_INDEX_BUILD', 'Analyzed records lack the words the topic vectors are learned from.');
      this.wordSequences.addNumbered(analyzed.words.vocabulary, analyzed.words.tokens, analyzed.words.offsets);
    }
    this.parts.push({ first: this.analyzedRecords, analyzed: { ...analyzed, terms: [] } });
    this.analyzedRecords += analyzed.records;
  }

  get recordCount(): number {
    return this.documentIds.length;
  }

  /** Sorts the postings by term, learns topic vectors and counts citations; the builder is spent afterwards. */
  build(): Bm25Index {
    const records = this.documentIds.length;
    if (this.analyzedRecords !== records) {
      throw new HangjiaError('E_INDEX_BUILD', `${records} records were added but ${this.analyzedRecords} analyzed: the two streams must carry the same records.`);
    }
    const { onProgress } = this.options;
    const fieldLengths = new Uint32Array(records * FIELD_COUNT);
    let postingCount = 0;
    const termOffsets = new Uint32Array(this.terms.length + 1);
    for (const { first, analyzed } of this.parts) {
      fieldLengths.set(analyzed.fieldLengths, first * FIELD_COUNT);
      postingCount += analyzed.postingTerms.length;
      for (const term of analyzed.postingTerms) termOffsets[term + 1]!++;
    }
    for (let term = 0; term < this.terms.length; term++) termOffsets[term + 1]! += termOffsets[term]!;
    // Counting sort by term over the parts in record order: each term's postings come out with
    // ascending documents, which `matchedTerms` relies on for binary search.
    const cursor = termOffsets.slice(0, this.terms.length);
    const postingDocuments = new Uint32Array(postingCount);
    const postingFrequencies = new Uint16Array(postingCount * FIELD_COUNT);
    // Each part is let go once placed, so the unsorted and sorted postings are not all held at once.
    for (const { first, analyzed } of this.parts.splice(0)) {
      const { postingTerms, postingRecords, postingFrequencies: frequencies } = analyzed;
      for (let posting = 0; posting < postingTerms.length; posting++) {
        const target = cursor[postingTerms[posting]!]!++;
        postingDocuments[target] = first + postingRecords[posting]!;
        for (let field = 0; field < FIELD_COUNT; field++) postingFrequencies[target * FIELD_COUNT + field] = frequencies[posting * FIELD_COUNT + field]!;
      }
    }
    onProgress?.({ phase: 'invert', done: records, total: records });

    const topicSettings = typeof this.options.topics === 'object' ? this.options.topics : {};
    const learnTopics = this.collectsWords && records >= (topicSettings.minRecords ?? TOPIC_MIN_RECORDS);
    // Learning topic vectors takes seconds with no natural steps to count: said when it starts and ends.
    if (learnTopics) onProgress?.({ phase: 'topics', done: 0, total: records });
    const topics = learnTopics ? learnTopicVectors(this.wordSequences, topicSettings) : undefined;
    if (learnTopics) onProgress?.({ phase: 'topics', done: records, total: records });
    const groupCitations = this.citations?.counts(this.groupCount);
    return Bm25Index.fromColumns(this.options.analyzer, this.options.params, {
      documentIds: this.documentIds,
      terms: this.terms,
      termOffsets,
      postingDocuments,
      postingFrequencies,
      fieldLengths,
      documentGroups: Uint32Array.from(this.documentGroups),
      ...(topics ? { topics } : {}),
      ...(groupCitations ? { groupCitations } : {}),
    });
  }
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
