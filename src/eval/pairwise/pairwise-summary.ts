import { DEFAULT_BOOTSTRAP_RESAMPLES } from '../exam/index.js';
import { bootstrapMeanInterval } from '../exam/index.js';
import type { PairwiseOutcome } from './pairwise-item.js';

/** Win/tie/loss of A against B, as a model judge or a reviewer decided them. */
export interface PairwiseSummary {
  items: number;
  decided: number;
  pending: number;
  wins: number;
  ties: number;
  losses: number;
  /** (wins + ties / 2) / decided: A's win rate with ties split; null when nothing is decided. */
  winRate: number | null;
  /** Percentile bootstrap of the win rate over items (1, ½, 0 per item). */
  confidenceInterval: [number, number] | null;
  /** (wins − losses) / decided: the GSB score (Good/Same/Bad) in [−1, 1]; null when nothing is decided. */
  gsb: number | null;
  confidenceLevel: number;
  resamples: number;
  seed: number;
}

const VALUE: Record<PairwiseOutcome, number> = { win: 1, tie: 0.5, loss: 0 };

/**
 * Counts outcomes and the win rate of A with ties as half a win (the Chatbot Arena and
 * AlpacaEval convention), with a percentile-bootstrap interval (`bootstrapMeanInterval`).
 *
 * @example
 * summarizePairwiseOutcomes(['win', 'win', 'tie', 'loss']).winRate // (2 + 0.5) / 4 = 0.625
 */
export function summarizePairwiseOutcomes(
  outcomes: readonly PairwiseOutcome[],
  options: { items?: number; seed?: number; resamples?: number; level?: number } = {},
): PairwiseSummary {
  const { seed = 0, resamples = DEFAULT_BOOTSTRAP_RESAMPLES, level = 0.95 } = options;
  const count = (outcome: PairwiseOutcome): number => outcomes.filter((value) => value === outcome).length;
  const wins = count('win');
  const ties = count('tie');
  const losses = count('loss');
  const decided = outcomes.length;
  const items = options.items ?? decided;
  return {
    items,
    decided,
    pending: items - decided,
    wins,
    ties,
    losses,
    winRate: decided === 0 ? null : (wins + ties / 2) / decided,
    confidenceInterval: bootstrapMeanInterval(outcomes.map((outcome) => VALUE[outcome]), { seed, resamples, level }) ?? null,
    gsb: decided === 0 ? null : (wins - losses) / decided,
    confidenceLevel: level,
    resamples,
    seed,
  };
}
