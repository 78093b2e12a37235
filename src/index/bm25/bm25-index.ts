import type { Analyzer } from '../../analysis/index.js';
import { HangjiaError } from '../../errors/index.js';
import { TopicModel, type TopicModelOptions } from '../topics/index.js';
import { analyzeRecords } from './_analyze-records.js';
import { Bm25IndexBuilder } from './bm25-index-builder.js';
import {
  DEFAULT_BM25_PARAMS,
  DEFAULT_CITATION_PARAMS,
  DEFAULT_FEEDBACK_PARAMS,
  DEFAULT_GROUP_PARAMS,
  DEFAULT_TOPIC_PARAMS,
  LEXICAL_FIELDS,
  TOPIC_MIN_RECORDS,
  type Bm25Params,
  type CitationParams,
  type FeedbackParams,
  type FieldValues,
  type GroupParams,
  type TopicParams,
} from './bm25-params.js';
import { decodeIndex, encodeIndex, encodeIndexParts, type IndexColumns } from './_index-format.js';
import { selectTopK } from './_top-k.js';
import type { LexicalMatch, LexicalRecord } from './lexical-record.js';

/** BM25 parameters as callers pass them: any subset, merged over {@link DEFAULT_BM25_PARAMS}. */
export interface Bm25ParamsInput {
  k1?: number;
  b?: Partial<FieldValues>;
  weights?: Partial<FieldValues>;
}

/** Progress of {@link Bm25Index.build}: records analyzed so far out of all records; `topics` is reported at its start (0) and end. */
export interface Bm25BuildProgress {
  phase: 'analyze' | 'invert' | 'topics';
  done: number;
  total: number;
}

export interface Bm25BuildOptions {
  /** Used for records now and for queries later; recorded by name and version when serialized. */
  analyzer: Analyzer;
  params?: Bm25ParamsInput;
  /**
   * Topic vectors (see `TopicModel`, {@link TopicParams}): learned from the records' `text` when
   * there are at least `minRecords` (default {@link TOPIC_MIN_RECORDS}) and the analyzer has
   * `words`; `false` never learns them. Default: on.
   */
  topics?: boolean | (Partial<TopicModelOptions> & { minRecords?: number });
  /**
   * Count, for each group, the other groups whose text names it by title (`TitleCitations`), for
   * citation evidence ({@link CitationParams}); `false` counts none. Default: on.
   */
  citations?: boolean;
  /** Called every 1,000 records and once at the end of each phase. */
  onProgress?: (progress: Bm25BuildProgress) => void;
}

export interface Bm25SearchOptions {
  /** Number of matches to return, ≥ 1. Default 10. */
  k?: number;
  /** Keep only records whose id passes; applied before ranking, so k matches still come back. */
  filter?: (id: string) => boolean;
  /**
   * Pseudo-relevance feedback: `true` for {@link DEFAULT_FEEDBACK_PARAMS}, or settings merged
   * over them. Default: off, because on stard-legal it lowered nDCG@10 for every setting tried
   * (docs/design.md, "Lexical engine"); it is kept for collections whose queries are short
   * keyword lists, where RM3 is known to help.
   */
  feedback?: boolean | Partial<FeedbackParams>;
  /**
   * Group evidence ({@link GroupParams}): `true` (default) for {@link DEFAULT_GROUP_PARAMS},
   * settings merged over them, or `false` for plain BM25F. Has no effect on an index whose
   * records carry no `group`.
   */
  groups?: boolean | Partial<GroupParams>;
  /**
   * Topic evidence ({@link TopicParams}): `true` (default) for {@link DEFAULT_TOPIC_PARAMS},
   * settings merged over them, or `false` for none. Has no effect on an index without topic
   * vectors (fewer than {@link TOPIC_MIN_RECORDS} records, or too few frequent words).
   */
  topics?: boolean | Partial<TopicParams>;
  /**
   * Citation evidence ({@link CitationParams}): `true` (default) for {@link DEFAULT_CITATION_PARAMS},
   * settings merged over them, or `false` for none. Has no effect on an index where no group is
   * named by another's text.
   */
  citations?: boolean | Partial<CitationParams>;
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
 * A check for early termination costs a pass over the touched documents (tens of thousands for
 * a long question at 58k records), so it is made only before lists at least this long: at least
 * 1,024 postings, and at k = 100 an eighth of the records, less in proportion for a smaller k.
 * The larger k, the lower the k-th score the remaining bound must fall under, so the later a check
 * can succeed. (At 58k records and k = 100, the 1,024 floor alone made 4.6 checks per query, 2.3
 * of them useless, and cost 15 % more time; at 100k records and k = 3, an eighth of the records
 * as the floor doubled the time of the few-shot selectors.)
 */
const PRUNING_MIN_POSTINGS = 1024;
const PRUNING_MIN_LIST_SHARE = 1 / 8;
const MAX_FREQUENCY = 0xffff;

/**
 * A field-aware BM25F index over {@link LexicalRecord}s, in flat typed arrays.
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
 * Lucene. The first search with feedback also builds a forward index (document → terms). A
 * query accumulates scores into one dense array reused across searches, remembers which
 * documents it touched, and takes the top k from those with a heap; nothing is allocated per
 * posting.
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

  private readonly columns: IndexColumns;
  private readonly termIndex: Map<string, number>;
  /** tf̃·(k1+1)/(k1+tf̃) per posting: everything but idf and query weight, computed once. */
  private readonly postingImpacts: Float32Array;
  /** The highest impact in each term's postings: its score upper bound before idf. */
  private readonly maxImpacts: Float32Array;
  /** Document → term ids and total tf, for feedback only; built on first use (P × 6 bytes). */
  private forwardIndex: ForwardIndex | undefined;
  private readonly scores: Float64Array;
  private readonly touched: Uint32Array;
  /** Whether some group has two or more records; if not, group evidence cannot change a ranking. */
  private readonly grouped: boolean;
  private readonly topicModel: TopicModel | undefined;

  private constructor(analyzer: Analyzer, params: Bm25Params, columns: IndexColumns) {
    this.analyzer = analyzer;
    this.params = params;
    this.columns = columns;
    this.termIndex = new Map(columns.terms.map((term, index) => [term, index]));
    this.postingImpacts = computeImpacts(columns, params);
    this.maxImpacts = new Float32Array(columns.terms.length);
    for (let term = 0; term < columns.terms.length; term++) {
      for (let posting = columns.termOffsets[term]!; posting < columns.termOffsets[term + 1]!; posting++) {
        this.maxImpacts[term] = Math.max(this.maxImpacts[term]!, this.postingImpacts[posting]!);
      }
    }
    this.scores = new Float64Array(columns.documentIds.length);
    this.touched = new Uint32Array(columns.documentIds.length);
    const groupSizes = new Uint32Array(columns.documentIds.length);
    this.grouped = columns.documentGroups.some((group) => ++groupSizes[group]! === 2);
    const { topics } = columns;
    this.topicModel = topics
      ? TopicModel.fromParts({ vocabulary: topics.vocabulary, vectors: topics.wordVectors, documentFrequencies: topics.documentFrequencies, sequences: topics.sequences })
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
    return new Bm25Index(analyzer, resolveParams(params), columns);
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
    const resolved = resolveParams({ k1: params.k1 ?? this.params.k1, b: { ...this.params.b, ...params.b }, weights: { ...this.params.weights, ...params.weights } });
    if (JSON.stringify(resolved) === JSON.stringify(this.params)) return this;
    return new Bm25Index(this.analyzer, resolved, this.columns);
  }

  /** Number of indexed records. */
  get size(): number {
    return this.columns.documentIds.length;
  }

  /** The index as bytes: a versioned header (analyzer, parameters) and the typed arrays. */
  serialize(): Uint8Array {
    return encodeIndex(
      {
        serializationVersion: BM25_SERIALIZATION_VERSION,
        analyzer: { name: this.analyzer.name, version: this.analyzer.version },
        params: this.params,
      },
      this.columns,
    );
  }

  /** {@link serialize}'s bytes in consecutive pieces, most of them views of the index's own arrays: for writing a large index without copying it. */
  serializedParts(): Uint8Array[] {
    return encodeIndexParts({ serializationVersion: BM25_SERIALIZATION_VERSION, analyzer: { name: this.analyzer.name, version: this.analyzer.version }, params: this.params }, this.columns);
  }

  stats(): Bm25IndexStats {
    const { fieldLengths, documentGroups, terms, termOffsets, postingDocuments, postingFrequencies } = this.columns;
    let emptyDocuments = 0;
    for (let document = 0; document < this.size; document++) {
      const base = document * FIELD_COUNT;
      if (fieldLengths[base]! + fieldLengths[base + 1]! + fieldLengths[base + 2]! === 0) emptyDocuments++;
    }
    const arrays = [
      fieldLengths,
      documentGroups,
      termOffsets,
      postingDocuments,
      postingFrequencies,
      this.postingImpacts,
      this.maxImpacts,
      ...(this.forwardIndex === undefined ? [] : [this.forwardIndex.offsets, this.forwardIndex.terms, this.forwardIndex.frequencies]),
      this.scores,
      this.touched,
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
   * Ranks records for `query`, best first. The query goes through the analyzer's
   * `analyzeQuery` (or `analyze`); a query with no known terms returns `[]`.
   */
  search(query: string, options: Bm25SearchOptions = {}): LexicalMatch[] {
    const k = options.k ?? 10;
    if (!Number.isInteger(k) || k < 1) {
      throw new HangjiaError('E_USAGE', `Search option k must be a whole number ≥ 1, got ${k}.`, {
        details: { setting: 'k', value: k },
      });
    }
    const feedback =
      options.feedback === undefined || options.feedback === false
        ? undefined
        : { ...DEFAULT_FEEDBACK_PARAMS, ...(options.feedback === true ? {} : options.feedback) };
    const settings =
      options.groups === false || !this.grouped
        ? undefined
        : { ...DEFAULT_GROUP_PARAMS, ...(options.groups === undefined || options.groups === true ? {} : options.groups) };
    const groups = settings === undefined || settings.weight === 0 ? undefined : settings;
    const topicSettings =
      options.topics === false || this.topicModel === undefined || this.analyzer.words === undefined
        ? undefined
        : { ...DEFAULT_TOPIC_PARAMS, ...(options.topics === undefined || options.topics === true ? {} : options.topics) };
    const topics = topicSettings === undefined || topicSettings.weight === 0 ? undefined : topicSettings;
    const citationSettings =
      options.citations === false || this.columns.groupCitations === undefined
        ? undefined
        : { ...DEFAULT_CITATION_PARAMS, ...(options.citations === undefined || options.citations === true ? {} : options.citations) };
    const citations = citationSettings === undefined || citationSettings.weight === 0 ? undefined : citationSettings;
    // Topic, citation and group evidence re-score the first-pass top `candidates`, so those must be exact.
    const depth = Math.max(k, groups?.candidates ?? 0, topics?.candidates ?? 0, citations?.candidates ?? 0);
    const { documentIds } = this.columns;
    const filter = options.filter;
    const accept = filter === undefined ? undefined : (document: number) => filter(documentIds[document]!);

    let queryWeights = this.weighQuery(query);
    if (queryWeights.size === 0) return [];
    let touchedCount = this.accumulate(queryWeights, feedback === undefined ? depth : feedback.documents, accept);
    if (feedback !== undefined && feedback.terms > 0 && feedback.originalQueryWeight < 1) {
      const feedbackDocuments = selectTopK(this.touched, touchedCount, this.scores, feedback.documents, accept);
      queryWeights = this.expandQuery(queryWeights, feedbackDocuments, feedback);
      this.reset(touchedCount);
      touchedCount = this.accumulate(queryWeights, depth, accept);
    }
    let top = selectTopK(this.touched, touchedCount, this.scores, depth, accept);
    // Both kinds of evidence are scaled by the best first-pass score, so their weights mean the
    // same whatever the question's length.
    const firstPassBest = top.length === 0 ? 0 : this.scores[top[0]!]!;
    if (topics !== undefined) top = this.addTopicEvidence(query, top, topics, firstPassBest);
    if (citations !== undefined) top = this.addCitationEvidence(top, citations, firstPassBest);
    const ranked = (groups === undefined ? top.map((document) => ({ document, score: this.scores[document]! })) : this.addGroupEvidence(top, groups)).slice(0, k);
    const termIds = [...queryWeights.keys()];
    const termWeights = termIds.map((termId) => queryWeights.get(termId)! * this.idf(termId));
    // Explaining a hit costs a binary search per query term, so it waits until `matchedTerms` is
    // read: evaluation runs read none, a search page reads the ten it shows.
    const citedBy = (document: number): number => (citations === undefined ? 0 : this.columns.groupCitations![this.columns.documentGroups[document]!]!);
    const matches = ranked.map(({ document, score }) => {
      let matchedTerms: string[] | undefined;
      const cited = citedBy(document);
      return Object.defineProperty({ id: documentIds[document]!, score, ...(cited > 0 ? { citedBy: cited } : {}) }, 'matchedTerms', {
        enumerable: true,
        get: () => (matchedTerms ??= this.explain(document, termIds, termWeights)),
      }) as LexicalMatch;
    });
    this.reset(touchedCount);
    return matches;
  }

  /**
   * Query term id → weight: 1 per distinct term of the analyzed query, not its count (see
   * bm25-params.ts). Unknown terms are dropped.
   */
  private weighQuery(query: string): Map<number, number> {
    const analyze = this.analyzer.analyzeQuery ?? this.analyzer.analyze;
    const weights = new Map<number, number>();
    for (const term of analyze.call(this.analyzer, query)) {
      const termId = this.termIndex.get(term);
      if (termId !== undefined) weights.set(termId, 1);
    }
    return weights;
  }

  /**
   * Adds topic evidence ({@link TopicParams}) to the scores of `top` (first-pass order, best
   * first; at least `candidates` of them when there are) and returns them in their new order,
   * ties in their old. A query with no word the topic model knows leaves them as they are.
   */
  private addTopicEvidence(query: string, top: number[], topics: TopicParams, firstPassBest: number): number[] {
    const model = this.topicModel!;
    const queryVector = model.embed(this.analyzer.words!(query, { query: true }));
    if (queryVector === undefined || top.length === 0) return top;
    const { textVectors } = this.columns.topics!;
    const dimensions = queryVector.length;
    const scale = topics.weight * firstPassBest;
    for (const document of top) {
      let cosine = 0;
      const offset = document * dimensions;
      for (let k = 0; k < dimensions; k++) cosine += queryVector[k]! * textVectors[offset + k]!;
      this.scores[document]! += scale * cosine;
    }
    return this.reorder(top);
  }

  /**
   * Adds citation evidence ({@link CitationParams}) to the scores of `top` and returns them in
   * their new order, ties in their old: `weight` × the best first-pass score × c / (c + saturation)
   * for a record whose group c other groups name by title.
   */
  private addCitationEvidence(top: number[], citations: CitationParams, firstPassBest: number): number[] {
    const { documentGroups } = this.columns;
    const groupCitations = this.columns.groupCitations!;
    const scale = citations.weight * firstPassBest;
    for (const document of top) {
      const citing = groupCitations[documentGroups[document]!]!;
      if (citing > 0) this.scores[document]! += (scale * citing) / (citing + citations.saturation);
    }
    return this.reorder(top);
  }

  /** `top` sorted by the scores it now has, best first; ties keep their order in `top`. */
  private reorder(top: number[]): number[] {
    return top
      .map((document, rank) => ({ document, rank }))
      .sort((a, b) => this.scores[b.document]! - this.scores[a.document]! || a.rank - b.rank)
      .map(({ document }) => document);
  }

  /**
   * Re-scores `top` (first-pass order, best first) with group evidence ({@link GroupParams}):
   * each record gains `weight` × the summed scores of its group's best `members` among `top`.
   * Ties keep the first-pass order.
   */
  private addGroupEvidence(top: number[], groups: GroupParams): Array<{ document: number; score: number }> {
    const { documentGroups } = this.columns;
    const evidence = new Map<number, { members: number; sum: number }>();
    // `top` is best first, so the first `members` seen of a group are its best ones.
    for (const document of top) {
      const group = documentGroups[document]!;
      const entry = evidence.get(group) ?? { members: 0, sum: 0 };
      if (entry.members < groups.members) {
        entry.members++;
        entry.sum += this.scores[document]!;
      }
      evidence.set(group, entry);
    }
    return top
      .map((document, rank) => ({
        document,
        rank,
        score: this.scores[document]! + groups.weight * evidence.get(documentGroups[document]!)!.sum,
      }))
      .sort((a, b) => b.score - a.score || a.rank - b.rank)
      .map(({ document, score }) => ({ document, score }));
  }

  private idf(termId: number): number {
    const { termOffsets } = this.columns;
    const documentFrequency = termOffsets[termId + 1]! - termOffsets[termId]!;
    return Math.log(1 + (this.size - documentFrequency + 0.5) / (documentFrequency + 0.5));
  }

  /**
   * Adds every query term's BM25F contribution into `scores`, exactly for every document that
   * can still make the top k; returns how many documents it touched.
   *
   * Term-at-a-time with safe early termination: the "quit/continue" idea of Moffat & Zobel
   * (1996, "Self-indexing inverted files for fast text retrieval") with MaxScore's per-term upper
   * bounds (Turtle & Flood 1995, "Query evaluation: strategies and optimizations"). Terms run
   * shortest posting list first. Before each long list, let θ be the current k-th best score and
   * U the sum of the remaining terms' upper bounds (query weight × idf × highest impact):
   *
   *   U < θ  ⇒  an untouched document scores at most U and cannot reach the top k, and neither
   *            can a touched one whose score + U < θ (θ only grows).
   *
   * The remaining terms are then looked up by binary search for the surviving candidates only,
   * instead of scanning their lists. Documents left out keep partial scores below θ, so the
   * top k taken over all touched documents is the exact top k. This is what keeps very common
   * terms (single characters, `~规定`) from dominating query time.
   */
  private accumulate(queryWeights: Map<number, number>, k: number, accept: ((document: number) => boolean) | undefined): number {
    const { termOffsets, postingDocuments } = this.columns;
    const { scores, touched, postingImpacts } = this;
    const order = [...queryWeights.keys()].sort(
      (a, b) => termOffsets[a + 1]! - termOffsets[a]! - (termOffsets[b + 1]! - termOffsets[b]!) || a - b,
    );
    const weights = order.map((termId) => queryWeights.get(termId)! * this.idf(termId));
    const remainingBound = new Float64Array(order.length + 1);
    const remainingPostings = new Float64Array(order.length + 1);
    for (let position = order.length - 1; position >= 0; position--) {
      const termId = order[position]!;
      remainingBound[position] = remainingBound[position + 1]! + weights[position]! * this.maxImpacts[termId]!;
      remainingPostings[position] = remainingPostings[position + 1]! + termOffsets[termId + 1]! - termOffsets[termId]!;
    }
    const pruningMinPostings = Math.max(PRUNING_MIN_POSTINGS, (this.size * PRUNING_MIN_LIST_SHARE * Math.min(k, 100)) / 100);
    let touchedCount = 0;
    // Each check costs a pass over the touched documents, so after a failed one the next waits
    // until the remaining bound has shrunk by a third: a handful of checks per query at most.
    let nextCheckBound = Infinity;
    for (let position = 0; position < order.length; position++) {
      const termId = order[position]!;
      const start = termOffsets[termId]!;
      const end = termOffsets[termId + 1]!;
      if (end - start >= pruningMinPostings && touchedCount >= k && remainingBound[position]! <= nextCheckBound) {
        const candidates = this.survivors(touchedCount, k, accept, remainingBound[position]!);
        // A binary search costs about as much as scanning 20 postings: prune only when cheaper.
        if (candidates !== undefined && candidates.length * (order.length - position) * 20 < remainingPostings[position]!) {
          this.completeCandidates(candidates, order.slice(position), weights.slice(position));
          return touchedCount;
        }
        nextCheckBound = (2 / 3) * remainingBound[position]!;
      }
      const weight = weights[position]!;
      for (let posting = start; posting < end; posting++) {
        const impact = postingImpacts[posting]!;
        if (impact === 0) continue;
        const document = postingDocuments[posting]!;
        if (scores[document] === 0) touched[touchedCount++] = document;
        scores[document]! += weight * impact;
      }
    }
    return touchedCount;
  }

  /** Touched documents that can still reach the top k, or undefined when every document still can. */
  private survivors(
    touchedCount: number,
    k: number,
    accept: ((document: number) => boolean) | undefined,
    remainingBound: number,
  ): number[] | undefined {
    const { scores, touched } = this;
    const top = selectTopK(touched, touchedCount, scores, k, accept);
    if (top.length < k) return undefined;
    const threshold = scores[top[k - 1]!]!;
    if (remainingBound >= threshold) return undefined;
    // The margin absorbs rounding differences between summed bounds and summed scores, so a
    // document tied with the k-th one is never dropped.
    const floor = threshold - remainingBound - 1e-9 * threshold;
    const candidates: number[] = [];
    for (let position = 0; position < touchedCount; position++) {
      if (scores[touched[position]!]! >= floor) candidates.push(touched[position]!);
    }
    return candidates;
  }

  /** Adds the remaining terms' contributions to `candidates` by binary search in each list. */
  private completeCandidates(candidates: number[], termIds: number[], weights: number[]): void {
    const { termOffsets, postingDocuments } = this.columns;
    candidates.sort((a, b) => a - b);
    for (let position = 0; position < termIds.length; position++) {
      const termId = termIds[position]!;
      const end = termOffsets[termId + 1]!;
      let low = termOffsets[termId]!;
      // Candidates ascend, so each search starts where the previous one ended.
      for (const document of candidates) {
        let high = end;
        while (low < high) {
          const middle = (low + high) >>> 1;
          if (postingDocuments[middle]! < document) low = middle + 1;
          else high = middle;
        }
        if (low === end) break;
        if (postingDocuments[low] === document) this.scores[document]! += weights[position]! * this.postingImpacts[low]!;
      }
    }
  }

  private reset(touchedCount: number): void {
    for (let position = 0; position < touchedCount; position++) this.scores[this.touched[position]!] = 0;
  }

  /**
   * RM3 expansion. The relevance model P(t|R) = Σ_d P(d|q) · P(t|d) is estimated from the
   * feedback documents, with P(d|q) their first-pass scores normalised to sum 1 and P(t|d) the
   * term's share of the document's terms. Its `terms` heaviest terms are normalised to sum 1
   * and interpolated with the
   * normalised original query: w(t) = λ · q(t) + (1 − λ) · P(t|R).
   */
  private expandQuery(
    queryWeights: Map<number, number>,
    feedbackDocuments: number[],
    feedback: FeedbackParams,
  ): Map<number, number> {
    this.forwardIndex ??= invertPostings(this.columns);
    const { offsets: documentOffsets, terms: documentTerms, frequencies: documentTermFrequencies } = this.forwardIndex;
    const { scores } = this;
    let scoreTotal = 0;
    for (const document of feedbackDocuments) scoreTotal += scores[document]!;
    if (scoreTotal === 0) return queryWeights;
    const relevance = new Map<number, number>();
    for (const document of feedbackDocuments) {
      const start = documentOffsets[document]!;
      const end = documentOffsets[document + 1]!;
      let length = 0;
      for (let position = start; position < end; position++) length += documentTermFrequencies[position]!;
      const documentWeight = scores[document]! / scoreTotal / length;
      for (let position = start; position < end; position++) {
        const termId = documentTerms[position]!;
        relevance.set(termId, (relevance.get(termId) ?? 0) + documentWeight * documentTermFrequencies[position]!);
      }
    }
    const expansion = [...relevance].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, feedback.terms);
    let expansionTotal = 0;
    for (const [, weight] of expansion) expansionTotal += weight;
    let queryTotal = 0;
    for (const weight of queryWeights.values()) queryTotal += weight;
    const lambda = feedback.originalQueryWeight;
    const expanded = new Map<number, number>();
    for (const [termId, weight] of queryWeights) expanded.set(termId, (lambda * weight) / queryTotal);
    for (const [termId, weight] of expansion) {
      expanded.set(termId, (expanded.get(termId) ?? 0) + ((1 - lambda) * weight) / expansionTotal);
    }
    return expanded;
  }

  /** Query terms present in `document`, by descending contribution (binary search per term). */
  private explain(document: number, termIds: readonly number[], termWeights: readonly number[]): string[] {
    const { termOffsets, postingDocuments, terms } = this.columns;
    const matchedTermIds: number[] = [];
    const contributions: number[] = [];
    for (let position = 0; position < termIds.length; position++) {
      const termId = termIds[position]!;
      const end = termOffsets[termId + 1]!;
      let low = termOffsets[termId]!;
      let high = end;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if (postingDocuments[middle]! < document) low = middle + 1;
        else high = middle;
      }
      if (low === end || postingDocuments[low] !== document) continue;
      const impact = this.postingImpacts[low]!;
      if (impact === 0) continue;
      matchedTermIds.push(termId);
      contributions.push(termWeights[position]! * impact);
    }
    return matchedTermIds
      .map((_, match) => match)
      .sort((a, b) => contributions[b]! - contributions[a]!)
      .map((match) => terms[matchedTermIds[match]!]!);
  }
}

function resolveParams(input: Bm25ParamsInput = {}): Bm25Params {
  const params: Bm25Params = {
    k1: input.k1 ?? DEFAULT_BM25_PARAMS.k1,
    b: { ...DEFAULT_BM25_PARAMS.b, ...input.b },
    weights: { ...DEFAULT_BM25_PARAMS.weights, ...input.weights },
  };
  const invalid = (setting: string, value: number, range: string): HangjiaError =>
    new HangjiaError('E_CONFIG', `BM25 parameter ${setting} must be ${range}, got ${value}.`, {
      details: { setting, value },
    });
  if (!(params.k1 >= 0)) throw invalid('k1', params.k1, 'a number ≥ 0');
  for (const field of LEXICAL_FIELDS) {
    if (!(params.b[field] >= 0 && params.b[field] <= 1)) throw invalid(`b.${field}`, params.b[field], 'between 0 and 1');
    if (!(params.weights[field] >= 0)) throw invalid(`weights.${field}`, params.weights[field], 'a number ≥ 0');
  }
  return params;
}

/**
 * The saturated, length-normalised BM25F term frequency of every posting (see bm25-params.ts):
 * with norm_f(d) = w_f / (1 − b_f + b_f · len_f(d) / avglen_f) and tf̃ = Σ_f tf_f · norm_f(d),
 * impact = tf̃ · (k1 + 1) / (k1 + tf̃). Precomputing it leaves one multiply-add per posting at
 * query time, the whole cost of a search.
 */
function computeImpacts(columns: IndexColumns, params: Bm25Params): Float32Array {
  const { fieldLengths, postingDocuments, postingFrequencies } = columns;
  const documents = fieldLengths.length / FIELD_COUNT;
  const norms = new Float64Array(fieldLengths.length);
  for (let field = 0; field < FIELD_COUNT; field++) {
    const name = LEXICAL_FIELDS[field]!;
    let total = 0;
    for (let document = 0; document < documents; document++) total += fieldLengths[document * FIELD_COUNT + field]!;
    const averageLength = total / Math.max(1, documents);
    const b = params.b[name];
    const weight = params.weights[name];
    if (averageLength === 0 || weight === 0) continue;
    for (let document = 0; document < documents; document++) {
      const length = fieldLengths[document * FIELD_COUNT + field]!;
      norms[document * FIELD_COUNT + field] = weight / (1 - b + (b * length) / averageLength);
    }
  }
  const k1 = params.k1;
  const impacts = new Float32Array(postingDocuments.length);
  for (let posting = 0; posting < postingDocuments.length; posting++) {
    const normBase = postingDocuments[posting]! * FIELD_COUNT;
    const frequencyBase = posting * FIELD_COUNT;
    let frequency = 0;
    for (let field = 0; field < FIELD_COUNT; field++) {
      frequency += postingFrequencies[frequencyBase + field]! * norms[normBase + field]!;
    }
    impacts[posting] = frequency === 0 ? 0 : (frequency * (k1 + 1)) / (k1 + frequency);
  }
  return impacts;
}

interface ForwardIndex {
  offsets: Uint32Array;
  terms: Uint32Array;
  frequencies: Uint16Array;
}

/** The forward index (document → term ids and total tf) for feedback, by inverting postings. */
function invertPostings(columns: IndexColumns): ForwardIndex {
  const { termOffsets, postingDocuments, postingFrequencies, documentIds } = columns;
  const offsets = new Uint32Array(documentIds.length + 1);
  for (const document of postingDocuments) offsets[document + 1]!++;
  for (let document = 0; document < documentIds.length; document++) offsets[document + 1]! += offsets[document]!;
  const cursor = offsets.slice(0, documentIds.length);
  const terms = new Uint32Array(postingDocuments.length);
  const frequencies = new Uint16Array(postingDocuments.length);
  for (let term = 0; term + 1 < termOffsets.length; term++) {
    for (let posting = termOffsets[term]!; posting < termOffsets[term + 1]!; posting++) {
      const target = cursor[postingDocuments[posting]!]!++;
      terms[target] = term;
      const base = posting * FIELD_COUNT;
      frequencies[target] = Math.min(
        MAX_FREQUENCY,
        postingFrequencies[base]! + postingFrequencies[base + 1]! + postingFrequencies[base + 2]!,
      );
    }
  }
  return { offsets, terms, frequencies };
}
