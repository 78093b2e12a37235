import { BIGRAM_PREFIX, UNIGRAM_PREFIX, type Analyzer } from '../analysis/index.js';
import type { Hit } from '../retrieval/index.js';
import { generalIdf } from './_general-idf.js';

/** How much a query term counts towards evidence; 0 ignores it. */
export type TermWeight = (term: string) => number;

/**
 * The default {@link TermWeight}: general-Chinese IDF (jieba's table) for whole words and
 * alphanumeric tokens, character bigrams at a quarter of their IDF, single characters ignored.
 *
 * Why: coverage must be comparable across questions, so it cannot use a knowledge base's own
 * statistics (they change with every sync and differ between knowledge bases). Single characters
 * (`^合`) are shared by almost any two Chinese texts on a subject, so they would make every hit
 * look like evidence; bigrams (`~试用`) rescue words jieba segments differently in question and
 * document, but they duplicate the words, hence the small share. English words have no entry in
 * the table and get the median IDF, i.e. they count equally.
 */
export const defaultTermWeight: TermWeight = (term) => {
  if (term.startsWith(UNIGRAM_PREFIX)) return 0;
  if (term.startsWith(BIGRAM_PREFIX)) return 0.25 * generalIdf(term.slice(BIGRAM_PREFIX.length));
  return generalIdf(term);
};

/** Options for {@link scoreEvidence}. */
export interface EvidenceOptions {
  analyzer: Analyzer;
  /** Default {@link defaultTermWeight}. */
  termWeight?: TermWeight;
  /** How many of the top hits may supply the evidence (the best single one counts). Default 3. */
  topHits?: number;
}

/** How well the retrieved hits cover the question. */
export interface EvidenceScore {
  /**
   * The weighted share of the question's terms that the best of the top hits contains, in [0, 1]:
   * Σ weight(question terms found in the hit) / Σ weight(question terms). 0 when there are no hits
   * or the question has no weighted terms.
   */
  score: number;
  /** 1-based rank of the hit that gave the score, or null without hits. */
  bestRank: number | null;
  /** Question terms with positive weight, in first-seen order. */
  queryTerms: string[];
  /** Of those, the ones the best hit contains. */
  coveredTerms: string[];
}

/** The terms of a hit as evidence: its text, headings and document title. */
export function hitTerms(hit: Hit, analyzer: Analyzer): Set<string> {
  return new Set(analyzer.analyze(`${hit.documentTitle}\n${hit.chunk.headingPath.join(' ')}\n${hit.chunk.text}`));
}

/**
 * The evidence score of a retrieval: the knowledge plug-in's guard against hallucination
 * (`answerQuestion` refuses without calling a model when it is below the threshold).
 *
 * Unlike BM25 scores, which are comparable only within one result list, this is a share in
 * [0, 1]: "how much of what was asked does the best passage talk about", weighted so that rare,
 * specific words (试用期, 个体工商户) count more than common ones (规定, 问题). Question framing
 * (`请问`, `怎么办`) is already dropped by `analyzer.analyzeQuery`. The best single hit counts,
 * not the union of hits: evidence scattered over unrelated passages is not evidence. See
 * `bench/evidence-threshold.ts` for how the default threshold was chosen.
 *
 * @example
 * const evidence = scoreEvidence('试用期最长多久', hits, { analyzer: createAnalyzer() });
 * if (evidence.score < 0.35) // refuse
 */
export function scoreEvidence(question: string, hits: readonly Hit[], options: EvidenceOptions): EvidenceScore {
  const { analyzer } = options;
  const weigh = options.termWeight ?? defaultTermWeight;
  const analyze = analyzer.analyzeQuery ?? analyzer.analyze;
  const queryTerms: string[] = [];
  const weights = new Map<string, number>();
  for (const term of analyze.call(analyzer, question)) {
    if (weights.has(term)) continue;
    const weight = weigh(term);
    if (!(weight > 0)) continue;
    weights.set(term, weight);
    queryTerms.push(term);
  }
  const total = [...weights.values()].reduce((sum, weight) => sum + weight, 0);
  let best: EvidenceScore = { score: 0, bestRank: null, queryTerms, coveredTerms: [] };
  if (total === 0) return best;
  const considered = hits.slice(0, options.topHits ?? 3);
  considered.forEach((hit, index) => {
    const terms = hitTerms(hit, analyzer);
    const covered = queryTerms.filter((term) => terms.has(term));
    const score = covered.reduce((sum, term) => sum + weights.get(term)!, 0) / total;
    if (best.bestRank === null || score > best.score) best = { score, bestRank: index + 1, queryTerms, coveredTerms: covered };
  });
  return best;
}
