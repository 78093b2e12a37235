import { LEXICAL_FIELDS, type Bm25Params } from './bm25-params.js';
import { MAX_FREQUENCY } from './_analyze-records.js';
import type { IndexColumns } from './_index-format.js';

const FIELD_COUNT = LEXICAL_FIELDS.length;

/**
 * The saturated, length-normalised BM25F term frequency of every posting (see bm25-params.ts):
 * with norm_f(d) = w_f / (1 − b_f + b_f · len_f(d) / avglen_f) and tf̃ = Σ_f tf_f · norm_f(d),
 * impact = tf̃ · (k1 + 1) / (k1 + tf̃). Precomputing it leaves one multiply-add per posting at
 * query time, the whole cost of a search.
 */
export function computeImpacts(columns: IndexColumns, params: Bm25Params): Float32Array {
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

/** Document → its term ids and their total tf (over fields), as ranges of two flat arrays. */
export interface ForwardIndex {
  offsets: Uint32Array;
  terms: Uint32Array;
  frequencies: Uint16Array;
}

/** The forward index (document → term ids and total tf) for feedback, by inverting postings. */
export function invertPostings(columns: IndexColumns): ForwardIndex {
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
