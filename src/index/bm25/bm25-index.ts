import type { Analyzer } from '../../analysis/index.js';
import { HangjiaError } from '../../errors/index.js';
import { TopicModel } from '../topics/index.js';
import { LEXICAL_FIELDS, resolveBm25Params, type Bm25Params, type Bm25ParamsInput } from './bm25-params.js';
import { analyzeRecords } from './_analyze-records.js';
import { decodeIndex, encodeIndex, encodeIndexParts, type IndexColumns, type IndexHeader } from './_index-format.js';
import { computeImpacts, invertPostings, type ForwardIndex } from './_postings.js';
import { scoreTermAtATime, type ScoringBuffers } from './_score-terms.js';
import { selectTopK } from './_top-k.js';
import { Bm25IndexBuilder, type Bm25BuildOptions } from './bm25-index-builder.js';
import type { LexicalMatch, LexicalRecord } from './lexical-record.js';

export type { Bm25BuildOptions, Bm25BuildProgress } from './bm25-index-builder.js';
export type { ForwardIndex } from './_postings.js';

/** What a plain BM25F search takes; evidence and feedback are rescoring stages in `retrieval/`. */
export interface Bm25SearchOptions {
  /** Number of matches to return, ≥ 1. Default 10. */
  k?: number;
  /** Keep only records whose id passes; applied before ranking, so k matches still come back. */
  filter?: (id: string) => boolean;
}

/**
 * An analyzed query: the index's term ids and each one's query weight qw(t) (1 per distinct term,
 * or a feedback weight; see bm25-params.ts). Unknown terms are left out.
 */
export interface QueryTerms {
  readonly termIds: readonly number[];
  readonly weights: readonly number[];
}

/** The first pass: document numbers best first (ties: lower number first) and their BM25F scores. */
export interface ScoredDocuments {
  documents: number[];
  scores: number[];
}

/** Counts and sizes for logs and `hangjia kb stats`. */
export interface Bm25IndexStats {
  documents: number;
  /** Documents that produced no terms in any field: indexed, but no query can match them. */
  emptyDocuments: number;
  /** Distinct terms. */
  terms: number;
  /** (term, document) pairs. */
  postings: number;
  /** Words with a topic vector (0 when the index has none). */
  topicWords: number;
  /** Groups (documents, statutes) that another group's text names by title: they get citation evidence. */
  citedGroups: number;
  /** Memory held by the index's typed arrays. */
  bytes: number;
}

/**
 * Bumped whenever the byte layout written by {@link Bm25Index.serialize} changes; an index
 * written by another version is refused with `E_INDEX_VERSION` rather than misread.
 */
export const BM25_SERIALIZATION_VERSION = 4;

const FIELD_COUNT = LEXICAL_FIELDS.length;

/**
 * A field-aware BM25F index over {@link LexicalRecord}s, in flat typed arrays: scoring, exact
 * top-k with early termination, and serialization. Group, topic and citation evidence and RM3
 * feedback re-score its first pass in `retrieval/` (a rescoring cascade); the index keeps the data
 * they read (groups, topic vectors, citation counts, the forward index).
 *
 * Layout (P postings, N documents, T terms), postings grouped by term, documents ascending:
 *
 *   termOffsets[t] … termOffsets[t+1]   → range of term t's postings
 *   postingDocuments[p]                 → document index of posting p
 *   postingFrequencies[3p + f]          → tf of the term in field f (title, headings, text)
 *   fieldLengths[3d + f]                → number of terms in field f of document d
 *   documentGroups[d]                   → group number of document d
 *
 * From these, construction derives each posting's impact, its saturated BM25F term frequency,
 * so scoring a posting is one multiply-add; parameters are therefore fixed per index, as in
 * Lucene. A query accumulates scores into one dense array reused across searches, remembers
 * which documents it touched, and takes the top k from those with a heap.
 *
 * Search is synchronous and not re-entrant (the score buffer is shared), which is fine on one
 * JS thread; use one index per worker.
 *
 * @example
 * const index = Bm25Index.build(records, { analyzer: createAnalyzer() });
 * index.search('试用期最长多久', { k: 5 }); // [{ id, score, matchedTerms: ['试用期', …] }, …]
 * const copy = Bm25Index.deserialize(index.serialize(), { analyzer: createAnalyzer() });
 */
export class Bm25Index {
  readonly analyzer: Analyzer;
  readonly params: Readonly<Bm25Params>;
  /** The learned topic model and each document's text vector; absent for small indexes. */
  readonly topics: { readonly model: TopicModel; readonly textVectors: Float32Array } | undefined;
  /** Whether some group has two or more records; if not, group evidence cannot change a ranking. */
  readonly hasSharedGroups: boolean;

  private readonly columns: IndexColumns;
  private readonly termIndex: Map<string, number>;
  private readonly buffers: ScoringBuffers;
  /** Document → term ids and total tf, for feedback only; built on first use (P × 6 bytes). */
  private forward: ForwardIndex | undefined;

  private constructor(analyzer: Analyzer, params: Bm25Params, columns: IndexColumns) {
    this.analyzer = analyzer;
    this.params = params;
    this.columns = columns;
    this.termIndex = new Map(columns.terms.map((term, index) => [term, index]));
    const postingImpacts = computeImpacts(columns, params);
    const maxImpacts = new Float32Array(columns.terms.length);
    for (let term = 0; term < columns.terms.length; term++) {
      for (let posting = columns.termOffsets[term]!; posting < columns.termOffsets[term + 1]!; posting++) {
        if (postingImpacts[posting]! > maxImpacts[term]!) maxImpacts[term] = postingImpacts[posting]!;
      }
    }
    const documents = columns.documentIds.length;
    this.buffers = { termOffsets: columns.termOffsets, postingDocuments: columns.postingDocuments, postingImpacts, maxImpacts, scores: new Float64Array(documents), touched: new Uint32Array(documents), survivors: new Uint32Array(documents), marks: new Uint8Array(documents) };
    const groupSizes = new Uint32Array(documents);
    this.hasSharedGroups = columns.documentGroups.some((group) => ++groupSizes[group]! === 2);
    const { topics } = columns;
    this.topics = topics
      ? {
          model: TopicModel.fromParts({ vocabulary: topics.vocabulary, vectors: topics.wordVectors, documentFrequencies: topics.documentFrequencies, sequences: topics.sequences }),
          textVectors: topics.textVectors,
        }
      : undefined;
  }

  /** Analyzes and indexes `records`; throws `E_INDEX_DUPLICATE_ID` if two share an id. */
  static build(records: readonly LexicalRecord[], options: Bm25BuildOptions): Bm25Index {
    const builder = new Bm25IndexBuilder(options, records.length);
    builder.addRecords(records);
    const onRecord = (done: number): void => {
      if (done % 1000 === 0 || done === records.length) options.onProgress?.({ phase: 'analyze', done, total: records.length });
    };
    builder.addAnalyzed(analyzeRecords(records, options.analyzer, { words: builder.collectsWords, onRecord }));
    return builder.build();
  }

  /** An index over columns `Bm25IndexBuilder` assembled (or a test made by hand). */
  static fromColumns(analyzer: Analyzer, params: Bm25ParamsInput | undefined, columns: IndexColumns): Bm25Index {
    return new Bm25Index(analyzer, resolveBm25Params(params), columns);
  }

  /**
   * Reads an index written by {@link serialize}. `analyzer` must be the one it was built with:
   * a different name or version throws `E_INDEX_VERSION`, as does a different serialization
   * version; bytes that are not an index throw `E_INDEX_CORRUPT`.
   */
  static deserialize(bytes: Uint8Array, options: { analyzer: Analyzer }): Bm25Index {
    const { header, columns } = decodeIndex(bytes, BM25_SERIALIZATION_VERSION);
    const { analyzer } = options;
    if (header.analyzer.name !== analyzer.name || header.analyzer.version !== analyzer.version) {
      throw new HangjiaError(
        'E_INDEX_VERSION',
        `The index was built with analyzer ${header.analyzer.name}@${header.analyzer.version}, but ${analyzer.name}@${analyzer.version} was given. Query terms would not match indexed terms; rebuild the index (hangjia kb rebuild) or pass the original analyzer options.`,
        { details: { expected: header.analyzer, found: { name: analyzer.name, version: analyzer.version } } },
      );
    }
    return new Bm25Index(analyzer, header.params, columns);
  }

  /**
   * This index scored with other BM25F parameters (field weights, b, k1), in memory. Postings keep
   * their per-field frequencies, so only the impacts are recomputed — one pass over the postings,
   * nothing re-analysed — and the result ranks exactly as an index built with `params` would. A
   * per-run setting (`--set search.titleWeight=0`) uses this instead of rebuilding and rewriting
   * a stored index. Returns this index when `params` change nothing.
   *
   * @example
   * const titlesOff = index.withParams({ weights: { title: 0 } });
   */
  withParams(params: Bm25ParamsInput): Bm25Index {
    const resolved = resolveBm25Params({ k1: params.k1 ?? this.params.k1, b: { ...this.params.b, ...params.b }, weights: { ...this.params.weights, ...params.weights } });
    if (JSON.stringify(resolved) === JSON.stringify(this.params)) return this;
    return new Bm25Index(this.analyzer, resolved, this.columns);
  }

  /** Number of indexed records. */
  get size(): number {
    return this.columns.documentIds.length;
  }

  /** The index as bytes: a versioned header (analyzer, parameters) and the typed arrays. */
  serialize(): Uint8Array {
    return encodeIndex(this.header(), this.columns);
  }

  /** {@link serialize}'s bytes in consecutive pieces, most of them views of the index's own arrays: for writing a large index without copying it. */
  serializedParts(): Uint8Array[] {
    return encodeIndexParts(this.header(), this.columns);
  }

  private header(): IndexHeader {
    return { serializationVersion: BM25_SERIALIZATION_VERSION, analyzer: { name: this.analyzer.name, version: this.analyzer.version }, params: this.params };
  }

  stats(): Bm25IndexStats {
    const { fieldLengths, documentGroups, terms, termOffsets, postingDocuments, postingFrequencies } = this.columns;
    let emptyDocuments = 0;
    for (let document = 0; document < this.size; document++) {
      const base = document * FIELD_COUNT;
      if (fieldLengths[base]! + fieldLengths[base + 1]! + fieldLengths[base + 2]! === 0) emptyDocuments++;
    }
    const { postingImpacts, maxImpacts, scores, touched, survivors } = this.buffers;
    const arrays = [
      fieldLengths,
      documentGroups,
      termOffsets,
      postingDocuments,
      postingFrequencies,
      postingImpacts,
      maxImpacts,
      ...(this.forward === undefined ? [] : [this.forward.offsets, this.forward.terms, this.forward.frequencies]),
      scores,
      touched,
      survivors,
      ...(this.columns.topics ? [this.columns.topics.documentFrequencies, this.columns.topics.wordVectors, this.columns.topics.textVectors] : []),
      ...(this.columns.groupCitations ? [this.columns.groupCitations] : []),
    ];
    return {
      documents: this.size,
      emptyDocuments,
      terms: terms.length,
      postings: postingDocuments.length,
      topicWords: this.columns.topics?.vocabulary.length ?? 0,
      citedGroups: this.columns.groupCitations?.reduce((cited, count) => cited + (count > 0 ? 1 : 0), 0) ?? 0,
      bytes: arrays.reduce((total, array) => total + array.byteLength, 0),
    };
  }

  /**
   * The groups other groups name most (citation evidence), most named first, at most `limit`:
   * each as the id of its first record and the number of groups naming it. Empty when no group is
   * named by another.
   */
  mostCited(limit: number): Array<{ id: string; citedBy: number }> {
    const { groupCitations, documentGroups, documentIds } = this.columns;
    if (groupCitations === undefined) return [];
    const seen = new Set<number>();
    const cited: Array<{ id: string; citedBy: number }> = [];
    for (let document = 0; document < this.size; document++) {
      const group = documentGroups[document]!;
      if (seen.has(group)) continue;
      seen.add(group);
      if (groupCitations[group]! > 0) cited.push({ id: documentIds[document]!, citedBy: groupCitations[group]! });
    }
    // Stable sort: ties keep the order the records were indexed in.
    return cited.sort((a, b) => b.citedBy - a.citedBy).slice(0, limit);
  }

  /**
   * Plain BM25F: records for `query`, best first. The query goes through the analyzer's
   * `analyzeQuery` (or `analyze`); a query with no known terms returns `[]`. What a knowledge base
   * searches adds the rescoring stages of `retrieval/` to this first pass.
   */
  search(query: string, options: Bm25SearchOptions = {}): LexicalMatch[] {
    const k = options.k ?? 10;
    checkDepth(k);
    const terms = this.queryTerms(query);
    const { documents, scores } = this.score(terms, k, options.filter);
    return documents.map((document, rank) => this.match(document, scores[rank]!, terms));
  }

  /**
   * Query term ids with weight 1 per distinct term of the analyzed query, not its count (see
   * bm25-params.ts). Unknown terms are dropped.
   */
  queryTerms(query: string): QueryTerms {
    const analyze = this.analyzer.analyzeQuery ?? this.analyzer.analyze;
    const termIds = new Set<number>();
    for (const term of analyze.call(this.analyzer, query)) {
      const termId = this.termIndex.get(term);
      if (termId !== undefined) termIds.add(termId);
    }
    return { termIds: [...termIds], weights: new Array<number>(termIds.size).fill(1) };
  }

  /**
   * The exact top `depth` documents for `terms` by BM25F (see `scoreTermAtATime`), those `filter`
   * rejects left out; ties rank the lower document number first.
   */
  score(terms: QueryTerms, depth: number, filter?: (id: string) => boolean): ScoredDocuments {
    checkDepth(depth);
    if (terms.termIds.length === 0) return { documents: [], scores: [] };
    const { documentIds } = this.columns;
    const accept = filter === undefined ? undefined : (document: number) => filter(documentIds[document]!);
    const weights = terms.termIds.map((termId, position) => terms.weights[position]! * this.idf(termId));
    const { touchedCount, candidates } = scoreTermAtATime(this.buffers, terms.termIds, weights, depth, accept);
    const { scores, touched } = this.buffers;
    // After early termination the top k lies among the survivors; the rest hold partial scores below it.
    const documents = candidates === undefined ? selectTopK(touched, touchedCount, scores, depth, accept) : selectTopK(candidates, candidates.length, scores, depth, accept);
    const topScores = documents.map((document) => scores[document]!);
    for (let position = 0; position < touchedCount; position++) scores[touched[position]!] = 0;
    return { documents, scores: topScores };
  }

  /** A match for `document` whose `matchedTerms` are worked out when first read (evaluation runs read none). */
  match(document: number, score: number, terms: QueryTerms, citedBy?: number, stages?: LexicalMatch['stages']): LexicalMatch {
    let matchedTerms: string[] | undefined;
    const explain = (): string[] => (matchedTerms ??= this.matchedTerms(document, terms));
    // One literal of fixed shape (undefined fields are left out of JSON and equality): building
    // it by spreads made every match a slow dictionary object, a tenth of a query's time.
    return {
      id: this.columns.documentIds[document]!,
      score,
      citedBy,
      stages,
      get matchedTerms(): string[] {
        return explain();
      },
    };
  }

  /** The id of document number `document`. */
  documentId(document: number): string {
    return this.columns.documentIds[document]!;
  }

  /** The group number of `document` (a record without a group has one of its own). */
  groupOf(document: number): number {
    return this.columns.documentGroups[document]!;
  }

  /** How many other groups name `document`'s group by title (0 when none, or the index counted none). */
  citingGroups(document: number): number {
    return this.columns.groupCitations?.[this.columns.documentGroups[document]!] ?? 0;
  }

  /** Whether some group is named by another's text (else citation evidence changes nothing). */
  get hasCitations(): boolean {
    return this.columns.groupCitations !== undefined;
  }

  /** The term with id `termId`. */
  term(termId: number): string {
    return this.columns.terms[termId]!;
  }

  /** Document → term ids and total tf, for pseudo-relevance feedback; built on first use. */
  forwardIndex(): ForwardIndex {
    return (this.forward ??= invertPostings(this.columns));
  }

  private idf(termId: number): number {
    const { termOffsets } = this.columns;
    const documentFrequency = termOffsets[termId + 1]! - termOffsets[termId]!;
    return Math.log(1 + (this.size - documentFrequency + 0.5) / (documentFrequency + 0.5));
  }

  /** Query terms present in `document`, by descending contribution (binary search per term). */
  private matchedTerms(document: number, query: QueryTerms): string[] {
    const { termOffsets, postingDocuments, postingImpacts } = this.buffers;
    const matched: Array<{ termId: number; contribution: number }> = [];
    query.termIds.forEach((termId, position) => {
      const end = termOffsets[termId + 1]!;
      let low = termOffsets[termId]!;
      let high = end;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if (postingDocuments[middle]! < document) low = middle + 1;
        else high = middle;
      }
      if (low === end || postingDocuments[low] !== document || postingImpacts[low] === 0) return;
      matched.push({ termId, contribution: query.weights[position]! * this.idf(termId) * postingImpacts[low]! });
    });
    return matched.sort((a, b) => b.contribution - a.contribution).map(({ termId }) => this.columns.terms[termId]!);
  }
}

function checkDepth(k: number): void {
  if (!Number.isInteger(k) || k < 1) {
    throw new HangjiaError('E_USAGE', `Search option k must be a whole number ≥ 1, got ${k}.`, { details: { setting: 'k', value: k } });
  }
}
