import type { Analyzer } from '../analysis/index.js';
import { splitSentences } from '../chunking/index.js';
import { ANSWER_PROMPT_TEMPLATES, type Language } from '../prompt/index.js';
import type { Hit } from '../retrieval/index.js';
import type { Citation } from './answer.js';
import { citationFor, isHeadingLine } from './check-answer.js';
import { defaultTermWeight, type TermWeight } from './evidence-score.js';

/** Options for {@link extractAnswer}. */
export interface ExtractAnswerOptions {
  analyzer: Analyzer;
  language: Language;
  termWeight?: TermWeight;
  /** Most sentences quoted (default 3). */
  maxSentences?: number;
}

/** The label that opens every extractive answer, so it can never pass for a generated one. */
export const EXTRACTIVE_LABEL: Readonly<Record<Language, string>> = {
  // The wording lives with the prompt templates, which strip it from earlier turns of a chat.
  zh: ANSWER_PROMPT_TEMPLATES.zh.extractiveLabel,
  en: ANSWER_PROMPT_TEMPLATES.en.extractiveLabel,
};

/** An extractive answer: labelled text with `[n]` after each quoted sentence, and its citations. */
export interface ExtractedAnswer {
  text: string;
  citations: Citation[];
  /** The quoted sentences with the source number and their offsets in the chunk text. */
  sentences: Array<{ n: number; sentence: string; chunkStart: number; chunkEnd: number; score: number }>;
}

/**
 * The answer hangjia gives without a language model: the sentences of the hits that cover the
 * most of the question, quoted verbatim, each followed by the marker of its hit (`[n]` = hit n).
 *
 * Sentence score = Σ weight(question terms in the sentence) / Σ weight(question terms), the same
 * weighting as the evidence score; ties go to the better-ranked hit, then the earlier sentence.
 * Sentences scoring 0 are never quoted. The chosen sentences are shown in source order (hit rank,
 * then position), so a quoted article reads in its own order.
 */
export function extractAnswer(question: string, hits: readonly Hit[], options: ExtractAnswerOptions): ExtractedAnswer {
  const { analyzer } = options;
  const weigh = options.termWeight ?? defaultTermWeight;
  const analyze = analyzer.analyzeQuery ?? analyzer.analyze;
  const weights = new Map<string, number>();
  for (const term of analyze.call(analyzer, question)) {
    const weight = weigh(term);
    if (weight > 0) weights.set(term, weight);
  }
  const total = [...weights.values()].reduce((sum, weight) => sum + weight, 0);
  const candidates: ExtractedAnswer['sentences'] = [];
  const seen = new Set<string>();
  hits.forEach((hit, index) => {
    for (const span of splitSentences(hit.chunk.text)) {
      const sentence = hit.chunk.text.slice(span.start, span.end);
      // Headings repeat the question's words but say nothing; quote statements only.
      if (isHeadingLine(sentence) || hit.chunk.headingPath.includes(sentence.trim())) continue;
      const key = sentence.replace(/\s+/g, '');
      if (seen.has(key)) continue; // overlapping chunks repeat sentences
      seen.add(key);
      const terms = new Set(analyzer.analyze(sentence));
      let covered = 0;
      for (const [term, weight] of weights) if (terms.has(term)) covered += weight;
      const score = total === 0 ? 0 : covered / total;
      if (score > 0) candidates.push({ n: index + 1, sentence, chunkStart: span.start, chunkEnd: span.end, score });
    }
  });
  const chosen = candidates
    .map((candidate, order) => ({ candidate, order }))
    .sort((a, b) => b.candidate.score - a.candidate.score || a.order - b.order)
    .slice(0, options.maxSentences ?? 3)
    .sort((a, b) => a.order - b.order)
    .map(({ candidate }) => candidate);
  const lines = chosen.map((item) => `${item.sentence.replace(/\s+/g, ' ').trim()}[${item.n}]`);
  const citations: Citation[] = [];
  for (const item of chosen) {
    if (citations.some((citation) => citation.n === item.n)) continue;
    citations.push(citationFor(item.n, hits[item.n - 1]!, item.sentence.replace(/\s+/g, ' ').trim()));
  }
  return { text: [EXTRACTIVE_LABEL[options.language], ...lines].join('\n'), citations, sentences: chosen };
}
