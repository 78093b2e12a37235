import { addToScore, byScore, type RescoringStage } from './rescoring-stage.js';

/**
 * Citation evidence: the candidates gain `weight` × the best first-pass score × c / (c +
 * `saturation`), where c is the number of other groups whose text names the record's group by
 * title (《…》; see `TitleCitations`). A statute other instruments build on rises a little over
 * one nothing refers to; the saturation keeps the tenth citing group from weighing as much as the
 * first (Craswell et al. 2005).
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
export const DEFAULT_CITATION_PARAMS: Readonly<CitationParams> = Object.freeze({ weight: 0.2, saturation: 3, candidates: 100 });

/** The citation-evidence stage; each candidate also learns how many groups cite it (`citedBy`). */
export function citationEvidence(params: CitationParams): RescoringStage {
  return {
    name: 'citation',
    candidates: params.candidates,
    rescore(candidates, context) {
      const scale = params.weight * context.firstPassBest;
      for (const candidate of candidates) {
        const citing = context.index.citingGroups(candidate.document);
        if (citing === 0) continue;
        candidate.citedBy = citing;
        addToScore(candidate, 'citation', (scale * citing) / (citing + params.saturation));
      }
      return byScore(candidates);
    },
  };
}
