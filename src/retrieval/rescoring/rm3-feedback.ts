import type { Bm25Index, QueryTerms } from '../../index/index.js';
import type { Candidate, RescoringStage } from './rescoring-stage.js';

/**
 * Pseudo-relevance feedback (RM3; Lavrenko & Croft 2001, "Relevance-based language models", as
 * Anserini's RM3 reranker uses it): the first-pass top `documents` are assumed relevant, the
 * `terms` words most characteristic of them are added to the query, and the expanded query is
 * searched again. It bridges the vocabulary gap between a layperson's question and the
 * document's register (`被辞退` → `解除劳动合同`) when the first pass is roughly right, and costs a
 * second pass.
 */
export interface FeedbackParams {
  /** First-pass documents treated as relevant, 1–50. Default 10. */
  documents: number;
  /** Expansion terms added, 0–100 (0 disables feedback). Default 20. */
  terms: number;
  /** Weight of the original query in the interpolation with the feedback terms, 0–1 (1 = no feedback effect). Default 0.6. */
  originalQueryWeight: number;
}

/** Defaults for {@link FeedbackParams}. */
export const DEFAULT_FEEDBACK_PARAMS: Readonly<FeedbackParams> = Object.freeze({ documents: 10, terms: 20, originalQueryWeight: 0.6 });

/**
 * The RM3 stage: replaces the candidates with a second pass for the expanded query (the context's
 * terms and best score follow it); each keeps its first-pass score as `bm25f` and the change as `rm3`.
 */
export function rm3Feedback(params: FeedbackParams): RescoringStage {
  return {
    name: 'rm3',
    candidates: params.documents,
    rescore(candidates, context) {
      const expanded = expandQuery(context, candidates.slice(0, params.documents), params);
      if (expanded === undefined) return candidates;
      const firstPass = new Map(candidates.map((candidate) => [candidate.document, candidate.score]));
      const { documents, scores } = context.index.score(expanded, context.depth, context.filter);
      context.terms = expanded;
      context.firstPassBest = scores[0] ?? 0;
      return documents.map((document, rank): Candidate => {
        const before = firstPass.get(document) ?? 0;
        return { document, score: scores[rank]!, stages: [{ stage: 'bm25f', score: before }, { stage: 'rm3', score: scores[rank]! - before }] };
      });
    },
  };
}

/**
 * The relevance model P(t|R) = Σ_d P(d|q) · P(t|d) over the feedback documents, with P(d|q) their
 * first-pass scores normalised to sum 1 and P(t|d) the term's share of the document's terms. Its
 * `terms` heaviest terms, normalised to sum 1, are interpolated with the normalised original query:
 * w(t) = λ · q(t) + (1 − λ) · P(t|R). Undefined when feedback cannot change anything.
 */
function expandQuery(context: { index: Bm25Index; terms: QueryTerms }, feedback: Candidate[], params: FeedbackParams): QueryTerms | undefined {
  if (params.terms === 0 || params.originalQueryWeight >= 1 || feedback.length === 0) return undefined;
  const { offsets, terms: documentTerms, frequencies } = context.index.forwardIndex();
  let scoreTotal = 0;
  for (const candidate of feedback) scoreTotal += candidate.score;
  if (scoreTotal === 0) return undefined;
  const relevance = new Map<number, number>();
  for (const candidate of feedback) {
    const start = offsets[candidate.document]!;
    const end = offsets[candidate.document + 1]!;
    let length = 0;
    for (let position = start; position < end; position++) length += frequencies[position]!;
    const documentWeight = candidate.score / scoreTotal / length;
    for (let position = start; position < end; position++) {
      const termId = documentTerms[position]!;
      relevance.set(termId, (relevance.get(termId) ?? 0) + documentWeight * frequencies[position]!);
    }
  }
  const expansion = [...relevance].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, params.terms);
  let expansionTotal = 0;
  for (const [, weight] of expansion) expansionTotal += weight;
  let queryTotal = 0;
  for (const weight of context.terms.weights) queryTotal += weight;
  const lambda = params.originalQueryWeight;
  const expanded = new Map<number, number>();
  context.terms.termIds.forEach((termId, position) => expanded.set(termId, (lambda * context.terms.weights[position]!) / queryTotal));
  for (const [termId, weight] of expansion) expanded.set(termId, (expanded.get(termId) ?? 0) + ((1 - lambda) * weight) / expansionTotal);
  return { termIds: [...expanded.keys()], weights: [...expanded.values()] };
}
