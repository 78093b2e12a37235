/**
 * One question of a RAG evaluation: what was asked, what the system answered, and the passages it
 * answered from, in retrieval order (`contexts[n - 1]` is source `[n]` of the answer, as
 * `answerQuestion` numbers its hits). A line of the input JSONL of `hangjia eval rag`.
 */
export interface RagSample {
  /** Stable id: the `id` field, else the 1-based line number. */
  id: string;
  question: string;
  answer: string;
  contexts: string[];
  /** The ground-truth answer; context recall and the reference-based metrics need it. */
  reference?: string;
  /**
   * Overrides what a marker points at: `{ n: 2, text }` checks `[2]` against `text` instead of
   * `contexts[1]` (for answers whose numbering differs from the context order).
   */
  citations?: Array<{ n: number; text: string }>;
}

/** The six RAG scores, each in [0, 1], null where it does not apply (see each field). */
export interface RagScores {
  /** Supported claims / claims of the answer (RAGAS). Null when the answer makes no claim. */
  faithfulness: number | null;
  /** RAGAS answer relevancy (model-judged) or question-term coverage (lexical). Null for an empty answer. */
  answerRelevancy: number | null;
  /** Rank-weighted precision of the relevant contexts (RAGAS). Null without contexts. */
  contextPrecision: number | null;
  /** Attributable reference claims / reference claims (RAGAS). Null without a reference. */
  contextRecall: number | null;
  /** Citations whose passage supports their sentence / citations. Null when nothing is cited. */
  citationPrecision: number | null;
  /** Cited sentences with at least one supporting citation / cited sentences. Null when nothing is cited. */
  citedSentenceAccuracy: number | null;
  /** Sentences carrying a citation / sentences with content. Null for an empty answer. */
  citationCoverage: number | null;
}

/** Reference-based scores of the answer text (null without a reference). */
export interface ReferenceScores {
  exactMatch: number | null;
  characterF1: number | null;
  rougeL: number | null;
}

/** Names of every per-item score, in report order. */
export const RAG_METRIC_NAMES = [
  'faithfulness',
  'answerRelevancy',
  'contextPrecision',
  'contextRecall',
  'citationPrecision',
  'citedSentenceAccuracy',
  'citationCoverage',
  'exactMatch',
  'characterF1',
  'rougeL',
] as const;
export type RagMetricName = (typeof RAG_METRIC_NAMES)[number];

/** A claim and whether the context supports it. `support` is the lexical coverage; `reason` the judge's. */
export interface ClaimVerdict {
  claim: string;
  supported: boolean;
  support?: number;
  reason?: string;
}

export interface FaithfulnessResult {
  score: number | null;
  claims: ClaimVerdict[];
}

export interface AnswerRelevancyResult {
  score: number | null;
  /** Model-judged: questions generated from the answer, and each one's similarity to the question. */
  generatedQuestions?: string[];
  similarities?: number[];
  /** Model-judged: the answer is evasive ("I don't know"); the score is then 0. */
  noncommittal?: boolean;
  /** How similarity was measured: `embedding` cosine, `lexical` cosine, or `coverage` (lexical variant). */
  similarity: 'embedding' | 'lexical' | 'coverage';
}

export interface ContextPrecisionResult {
  score: number | null;
  /** Per context, in rank order. */
  relevant: boolean[];
  reasons?: string[];
  /** Relevance was judged against the reference, or against the answer when there is none. */
  judgedAgainst: 'reference' | 'answer';
}

export interface ContextRecallResult {
  score: number | null;
  statements: Array<{ statement: string; attributed: boolean; support?: number; reason?: string }>;
}

/** One `[n]` of one sentence. */
export interface CitationVerdict {
  /** Index into `CitationCorrectnessResult.sentences`. */
  sentence: number;
  n: number;
  /** False also when `[n]` points at no context. */
  supported: boolean;
  support?: number;
  reason?: string;
}

export interface CitationCorrectnessResult {
  citationPrecision: number | null;
  citedSentenceAccuracy: number | null;
  citationCoverage: number | null;
  sentences: Array<{ sentence: string; cited: number[]; correct: boolean | null }>;
  citations: CitationVerdict[];
}

/**
 * How RAG metrics are judged: by a model (`createModelRagEvaluator`) or lexically
 * (`createLexicalRagEvaluator`). Both return verdicts; the scores are computed from the verdicts
 * by the same functions (`faithfulnessScore`, `contextPrecisionScore`, …), so the two variants
 * differ only in who decides what is supported.
 */
export interface RagEvaluator {
  readonly variant: 'model' | 'lexical';
  /** What decides (recorded in `run.json`; a resumed run must match it). */
  readonly settings: Record<string, unknown>;
  faithfulness(sample: RagSample, signal?: AbortSignal): Promise<FaithfulnessResult>;
  answerRelevancy(sample: RagSample, signal?: AbortSignal): Promise<AnswerRelevancyResult>;
  contextPrecision(sample: RagSample, signal?: AbortSignal): Promise<ContextPrecisionResult>;
  contextRecall(sample: RagSample, signal?: AbortSignal): Promise<ContextRecallResult>;
  citationCorrectness(sample: RagSample, signal?: AbortSignal): Promise<CitationCorrectnessResult>;
}
