import { addToScore, type Candidate, type RescoringStage } from './rescoring-stage.js';

/**
 * Group evidence (cluster-based score propagation; Liu & Croft 2004, "Cluster-based retrieval
 * using language models"; Kurland & Lee 2004): records that share a `group` (chunks of one
 * document, articles of one statute) support each other. The candidates are re-scored as
 *
 *   score'(d) = score(d) + weight · Σ_{e ∈ top members(group(d))} score(e)
 *
 * where the sum runs over the `members` best-scoring candidates of d's group (d included when it
 * is one of them). A record whose document also matches elsewhere rises over an isolated match
 * of a lucky rare term. Records without a group are their own group, which leaves their order
 * unchanged.
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
export const DEFAULT_GROUP_PARAMS: Readonly<GroupParams> = Object.freeze({ candidates: 100, members: 3, weight: 0.2 });

/** The group-evidence stage; ties keep the order the candidates came in. */
export function groupEvidence(params: GroupParams): RescoringStage {
  return {
    name: 'group',
    candidates: params.candidates,
    rescore(candidates, context) {
      const evidence = new Map<number, { members: number; sum: number }>();
      // Candidates come best first, so the first `members` seen of a group are its best ones.
      for (const candidate of candidates) {
        const group = context.index.groupOf(candidate.document);
        let entry = evidence.get(group);
        if (entry === undefined) {
          entry = { members: 0, sum: 0 };
          evidence.set(group, entry);
        }
        if (entry.members < params.members) {
          entry.members++;
          entry.sum += candidate.score;
        }
      }
      const gains = candidates.map((candidate) => params.weight * evidence.get(context.index.groupOf(candidate.document))!.sum);
      candidates.forEach((candidate: Candidate, position) => addToScore(candidate, 'group', gains[position]!));
      return candidates.sort((a, b) => b.score - a.score);
    },
  };
}
