/** One retrieved document and the score the system gave it. */
export interface ScoredDocument {
  docid: string;
  score: number;
}

/**
 * A system's output over a query set: query id → retrieved documents. Order in the arrays does
 * not matter to evaluation; `rankRun` / `compareByTrecEvalOrder` decide it from the scores.
 */
export type Run = Map<string, ScoredDocument[]>;
