import type { Bm25Index, QueryTerms } from '../../index/index.js';

/** A first-pass document on its way through the cascade, with what each step added to its score. */
export interface Candidate {
  /** The document number in the index. */
  document: number;
  score: number;
  /** `bm25f` first, then one entry per stage that changed the score. */
  stages: Array<{ stage: string; score: number }>;
  /** Groups naming this candidate's group by title, when citation evidence looked. */
  citedBy?: number;
}

/** What every stage of one search sees. */
export interface RescoringContext {
  readonly query: string;
  readonly index: Bm25Index;
  /** The analyzed query; a stage that expands it (RM3) replaces it, and matched terms follow. */
  terms: QueryTerms;
  /**
   * The best first-pass score (0 with no candidates): evidence is scaled by it, so an evidence
   * weight means the same whatever the question's length. A second pass (RM3) resets it.
   */
  firstPassBest: number;
  /** First-pass depth: the candidates a second pass must return. */
  readonly depth: number;
  readonly filter: ((id: string) => boolean) | undefined;
}

/**
 * One step of the lexical cascade (Anserini's rerankers): takes the candidates best first and
 * returns them best first, each score change tagged with the stage's `name` in `stages`.
 */
export interface RescoringStage {
  readonly name: string;
  /** First-pass documents the stage needs to see; the search depth is at least this. */
  readonly candidates: number;
  rescore(candidates: Candidate[], context: RescoringContext): Candidate[];
}

/** Adds `amount` to `candidate`'s score, tagged with `stage` (nothing when it is 0). */
export function addToScore(candidate: Candidate, stage: string, amount: number): void {
  if (amount === 0) return;
  candidate.score += amount;
  candidate.stages.push({ stage, score: amount });
}

/** `candidates` by their current score, best first; ties keep their order (a stable sort). */
export function byScore(candidates: Candidate[]): Candidate[] {
  return candidates.sort((a, b) => b.score - a.score);
}
