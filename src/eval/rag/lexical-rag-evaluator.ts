import { createAnalyzer, type Analyzer } from '../../analysis/index.js';
import { defaultTermWeight, type TermWeight } from '../../answer/index.js';
import { citedPassage, citedSentences } from './_sentences.js';
import { citationScores, contextPrecisionScore, contextRecallScore, faithfulnessScore } from './rag-scores.js';
import type { CitationVerdict, ClaimVerdict, RagEvaluator } from './rag-sample.js';

/** Options for {@link createLexicalRagEvaluator}. */
export interface LexicalRagEvaluatorOptions {
  /** Default: `createAnalyzer()` (jieba words + character bigrams for Chinese, stemmed words for English). */
  analyzer?: Analyzer;
  /** Default `defaultTermWeight` (general IDF; single characters 0, bigrams ¼), as the answer post-check uses. */
  termWeight?: TermWeight;
  /** A claim is supported at or above this weighted term coverage, in [0, 1]. Default 0.5, as `checkAnswer`. */
  supportThreshold?: number;
}

/**
 * The **lexical** variant of the RAG metrics: no model, so it runs offline and in CI, and its
 * numbers are an approximation to label as such, never to compare with model-judged ones.
 *
 * - a claim is a sentence (`splitSentences`; markers removed); sentences without weighted terms
 *   are not claims;
 * - support of a claim by a passage = Σ weight(claim terms in the passage) / Σ weight(claim
 *   terms), over the distinct analyzer terms with positive weight; supported ⇔ ≥ threshold;
 * - faithfulness: answer sentences supported by the union of the contexts;
 * - answer relevancy: the weighted share of the question's terms (`analyzeQuery`, so framing
 *   such as 请问 is dropped) that the answer contains — "coverage", not RAGAS's
 *   generated-question similarity;
 * - context precision: a context is relevant when it supports at least one sentence of the
 *   reference (of the answer when there is no reference);
 * - context recall: reference sentences supported by the union of the contexts;
 * - citations: each `[n]` of a sentence is supported when passage n alone supports the sentence.
 *
 * Like `checkAnswer`, lexical support catches invented numbers, names and terms and citations of
 * the wrong passage; it cannot see a paraphrase, nor a negation that reverses the meaning.
 */
export function createLexicalRagEvaluator(options: LexicalRagEvaluatorOptions = {}): RagEvaluator {
  const analyzer = options.analyzer ?? createAnalyzer();
  const weigh = options.termWeight ?? defaultTermWeight;
  const threshold = options.supportThreshold ?? 0.5;
  const weightedTerms = (text: string, analyze: (text: string) => string[] = (value) => analyzer.analyze(value)): string[] =>
    [...new Set(analyze(text))].filter((term) => weigh(term) > 0);
  const termsOf = (text: string): Set<string> => new Set(analyzer.analyze(text));
  const coverage = (terms: readonly string[], passage: Set<string>): number => {
    const total = terms.reduce((sum, term) => sum + weigh(term), 0);
    return terms.filter((term) => passage.has(term)).reduce((sum, term) => sum + weigh(term), 0) / total;
  };
  /** Sentences of `text` with weighted terms: the lexical "claims". */
  const claimsOf = (text: string): Array<{ claim: string; terms: string[]; cited: number[] }> =>
    citedSentences(text)
      .map(({ sentence, cited }) => ({ claim: sentence, terms: weightedTerms(sentence), cited }))
      .filter((claim) => claim.terms.length > 0);
  const verdict = (claim: string, terms: string[], passage: Set<string>): ClaimVerdict => {
    const support = coverage(terms, passage);
    return { claim, supported: support >= threshold, support };
  };

  return {
    variant: 'lexical',
    settings: { variant: 'lexical', analyzer: { name: analyzer.name, version: analyzer.version }, supportThreshold: threshold },
    async faithfulness(sample) {
      const context = termsOf(sample.contexts.join('\n'));
      const claims = claimsOf(sample.answer).map(({ claim, terms }) => verdict(claim, terms, context));
      return { score: faithfulnessScore(claims.map((claim) => claim.supported)), claims };
    },
    async answerRelevancy(sample) {
      const questionTerms = weightedTerms(sample.question, (text) => (analyzer.analyzeQuery ?? analyzer.analyze).call(analyzer, text));
      if (questionTerms.length === 0 || claimsOf(sample.answer).length === 0) return { score: null, similarity: 'coverage' };
      return { score: coverage(questionTerms, termsOf(sample.answer)), similarity: 'coverage' };
    },
    async contextPrecision(sample) {
      const judgedAgainst = sample.reference === undefined ? 'answer' : 'reference';
      const claims = claimsOf(sample.reference ?? sample.answer);
      const relevant = sample.contexts.map((context) => {
        const passage = termsOf(context);
        return claims.some(({ terms }) => coverage(terms, passage) >= threshold);
      });
      return { score: contextPrecisionScore(relevant), relevant, judgedAgainst };
    },
    async contextRecall(sample) {
      if (sample.reference === undefined) return { score: null, statements: [] };
      const context = termsOf(sample.contexts.join('\n'));
      const statements = claimsOf(sample.reference).map(({ claim, terms }) => {
        const judged = verdict(claim, terms, context);
        return { statement: claim, attributed: judged.supported, support: judged.support! };
      });
      return { score: contextRecallScore(statements.map((statement) => statement.attributed)), statements };
    },
    async citationCorrectness(sample) {
      const sentences = claimsOf(sample.answer);
      const citations: CitationVerdict[] = [];
      sentences.forEach(({ terms, cited }, index) => {
        for (const n of cited) {
          const passage = citedPassage(sample, n);
          if (passage === undefined) {
            citations.push({ sentence: index, n, supported: false, reason: 'no-such-source' });
            continue;
          }
          const support = coverage(terms, termsOf(passage));
          citations.push({ sentence: index, n, supported: support >= threshold, support });
        }
      });
      const scores = citationScores(sentences.length, citations);
      return {
        citationPrecision: scores.citationPrecision,
        citedSentenceAccuracy: scores.citedSentenceAccuracy,
        citationCoverage: scores.citationCoverage,
        sentences: sentences.map(({ claim, cited }, index) => ({ sentence: claim, cited, correct: scores.correct[index] ?? null })),
        citations,
      };
    },
  };
}
