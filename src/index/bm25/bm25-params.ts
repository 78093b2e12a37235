import { HangjiaError } from '../../errors/index.js';

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

/** BM25 parameters as callers pass them: any subset, merged over {@link DEFAULT_BM25_PARAMS}. */
export interface Bm25ParamsInput {
  k1?: number;
  b?: Partial<FieldValues>;
  weights?: Partial<FieldValues>;
}

/** `input` merged over {@link DEFAULT_BM25_PARAMS}; a value out of range throws `E_CONFIG` naming it. */
export function resolveBm25Params(input: Bm25ParamsInput = {}): Bm25Params {
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
 * Indexes of fewer records than this get no topic vectors, without counting their words (a
 * larger one still needs `TopicModelOptions.minVocabulary` frequent words).
 */
export const TOPIC_MIN_RECORDS = 1000;
