/**
 * BM25F parameters, fixed when an index is built (they are baked into per-document length norms).
 *
 * Scoring (Robertson, Zaragoza & Taylor 2004, "Simple BM25 extension to multiple weighted
 * fields"): per field f, a document's term frequency is length-normalised and weighted,
 *
 *   tf̃(t, d) = Σ_f  w_f · tf_f(t, d) / (1 − b_f + b_f · len_f(d) / avglen_f)
 *
 * and saturated once, across fields, so a term in title and text does not count as two terms:
 *
 *   score(q, d) = Σ_{t ∈ q}  qw(t) · idf(t) · tf̃ · (k1 + 1) / (k1 + tf̃)
 *   idf(t)      = ln(1 + (N − df(t) + 0.5) / (df(t) + 0.5))
 *
 * `qw(t)` is 1 for every distinct term of the analyzed query (or its feedback weight). Not the
 * term's count: one query word already reaches the index as the word, its sub-words, bigrams and
 * characters, and counting repeats on top of that let a word the asker happened to write twice
 * outweigh the rest of the question (+0.005 nDCG@10 on stard-legal, docs/design.md). The `+1` inside
 * the idf logarithm (Lucene's variant) keeps every idf positive, so a term in most documents still
 * adds a little instead of subtracting.
 */
export interface Bm25Params {
  /**
   * Term-frequency saturation: how quickly repeats of a term stop adding score. 0 makes BM25F
   * binary (presence only); large values make it nearly linear in tf. Range 0.5–3, default 1.2.
   */
  k1: number;
  /**
   * Length normalisation per field, 0–1: 0 ignores field length, 1 fully normalises by it
   * (a match in a short article counts more than the same match in a long one).
   * Default title 0.5, headings 0.5, text 0.75.
   */
  b: FieldValues;
  /**
   * Field weights w_f, ≥ 0: how many text occurrences one occurrence in this field is worth.
   * Titles and heading paths name what a chunk is about, so they default higher:
   * title 1.5, headings 1.5, text 1. A weight of 0 leaves the field out of scoring. Kept modest:
   * a title shared by many chunks (a document title, a statute name) lifts all of them at once,
   * and on stard-legal weights above 1.5 already cost ranking quality.
   */
  weights: FieldValues;
}

/** One number per record field. */
export interface FieldValues {
  title: number;
  headings: number;
  text: number;
}

/** The record fields, in the order the index stores them. */
export const LEXICAL_FIELDS = ['title', 'headings', 'text'] as const;

/** Defaults for {@link Bm25Params}; see each field's doc comment for the reasoning. */
export const DEFAULT_BM25_PARAMS: Readonly<Bm25Params> = Object.freeze({
  k1: 1.2,
  b: Object.freeze({ title: 0.5, headings: 0.5, text: 0.75 }),
  weights: Object.freeze({ title: 1.5, headings: 1.5, text: 1 }),
});

/**
 * Pseudo-relevance feedback (RM3-style; Lavrenko & Croft 2001, "Relevance-based language
 * models", as used by Anserini's RM3 reranker): the first-pass top `documents` are assumed
 * relevant, the `terms` words most characteristic of them are added to the query, and the
 * expanded query is searched again. It bridges the vocabulary gap between a layperson's
 * question and the document's register (`被辞退` → `解除劳动合同`) when the first pass is
 * roughly right, and costs a second pass.
 */
export interface FeedbackParams {
  /** First-pass documents treated as relevant, 1–50. Default 10. */
  documents: number;
  /** Expansion terms added, 0–100 (0 disables feedback). Default 20. */
  terms: number;
  /**
   * Weight of the original query in the interpolation with the feedback terms, 0–1
   * (1 = no feedback effect). Default 0.6.
   */
  originalQueryWeight: number;
}

/** Defaults for {@link FeedbackParams}. */
export const DEFAULT_FEEDBACK_PARAMS: Readonly<FeedbackParams> = Object.freeze({
  documents: 10,
  terms: 20,
  originalQueryWeight: 0.6,
});

/**
 * Group evidence (cluster-based score propagation; Liu & Croft 2004, "Cluster-based retrieval
 * using language models"; Kurland & Lee 2004): records that share a `group` (chunks of one
 * document, articles of one statute) support each other. The first-pass top `candidates` are
 * re-scored as
 *
 *   score'(d) = score(d) + weight · Σ_{e ∈ top members(group(d))} score(e)
 *
 * where the sum runs over the `members` best-scoring candidates of d's group (d included when it
 * is one of them). A record whose document also matches elsewhere rises over an isolated match
 * of a lucky rare term. Records without a group are their own group, which leaves their order
 * unchanged, so the step costs nothing on an index without groups.
 */
export interface GroupParams {
  /** First-pass records re-scored, ≥ 1 (the search depth is at least this). Default 100. */
  candidates: number;
  /** Best-scoring members of a group summed into its evidence, ≥ 1. Default 3. */
  members: number;
  /** Weight of the group evidence relative to the record's own score, ≥ 0 (0 = off). Default 0.2. */
  weight: number;
}

/** Defaults for {@link GroupParams}; tuned on stard-legal's even-line queries (docs/design.md). */
export const DEFAULT_GROUP_PARAMS: Readonly<GroupParams> = Object.freeze({
  candidates: 100,
  members: 3,
  weight: 0.2,
});

/**
 * Topic evidence: the first-pass top `candidates` gain `weight` × the best first-pass score ×
 * the cosine between the query's and the record's topic vectors (see `TopicModel`: word vectors
 * learned from the indexed text itself). A record about what the question is about rises over
 * one that shares a rare word by chance; scaling by the best score keeps the weight meaningful
 * whatever the query's length. Applied before group evidence, so a group's support includes it.
 */
export interface TopicParams {
  /** Weight of the topic similarity, ≥ 0 (0 = off). Default 0.8. */
  weight: number;
  /** First-pass records re-scored, ≥ 1 (the search depth is at least this). Default 100. */
  candidates: number;
}

/**
 * Defaults for {@link TopicParams}: on stard-legal nDCG@10 rises from 0.3915 to 0.4041 at weight
 * 0.8 (even query half +0.009, odd +0.016); on the even half 0.8 and 1.0 are within 0.002 and
 * 0.6 to 1.2 all gain (docs/design.md, "Fifth round").
 */
export const DEFAULT_TOPIC_PARAMS: Readonly<TopicParams> = Object.freeze({
  weight: 0.8,
  candidates: 100,
});

/**
 * Citation evidence: the first-pass top `candidates` gain `weight` × the best first-pass score ×
 * c / (c + `saturation`), where c is the number of other groups whose text names the record's
 * group by title (《…》; see `TitleCitations`). A statute that other instruments build on, a
 * policy other documents refer to, rises a little over one nothing refers to; the saturation
 * keeps the tenth citing group from weighing as much as the first (Craswell et al. 2005). Applied
 * after topic evidence and before group evidence. Has no effect where nothing is named by title.
 */
export interface CitationParams {
  /** Weight of the citation evidence, ≥ 0 (0 = off). Default 0.2. */
  weight: number;
  /** Citing groups at which the evidence is half its weight, > 0. Default 3. */
  saturation: number;
  /** First-pass records re-scored, ≥ 1 (the search depth is at least this). Default 100. */
  candidates: number;
}

/** Defaults for {@link CitationParams}, tuned on stard-legal's even-line queries (docs/design.md, "Sixth round"). */
export const DEFAULT_CITATION_PARAMS: Readonly<CitationParams> = Object.freeze({
  weight: 0.2,
  saturation: 3,
  candidates: 100,
});

/**
 * Indexes of fewer records than this get no topic vectors, without counting their words (a
 * larger one still needs `TopicModelOptions.minVocabulary` frequent words).
 */
export const TOPIC_MIN_RECORDS = 1000;
