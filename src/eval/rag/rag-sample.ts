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
  /**
   * Set when the system declined to answer — it said the knowledge base does not cover the
   * question (runs that answer the questions themselves set it; see {@link RagRefusal}). A refusal
   * makes no claims: faithfulness and the citation metrics do not apply (null, left out of their
   * means); answer relevancy is 0 (RAGAS scores a noncommittal answer 0); context precision and
   * recall are scored against the reference as usual (context precision is null without one,
   * as nothing in a refusal makes a passage useful); EM, character F1 and ROUGE-L score the
   * refusal text against the reference like any answer.
   */
  refusal?: RagRefusal;
  /**
   * How `contexts` came from the retrieved passages, for runs that answer the questions
   * themselves: `retrieved` hits, of which the prompt's token budget `dropped` some (retrieval
   * ranks; not in `contexts`, as the model never saw them) and `truncated` one (ranks; in
   * `contexts` as the cut prefix the model saw). Both empty when every passage fit.
   */
  passages?: RagPassages;
  /**
   * How the answer was made, for runs that answer the questions themselves and compare ways of
   * answering (`eval compare` on a RAG question set): model time, tokens, and a judge's
   * correctness verdict when one was asked (see `judgeAnswerCorrectness`).
   */
  generation?: RagGeneration;
}

/** See {@link RagSample.generation}. */
export interface RagGeneration {
  /** Time to the complete answer, ms (retrieval included for RAG). */
  latencyMs: number;
  inputTokens: number;
  outputTokens: number;
  correctness?: { score: number; verdict: string; reason: string };
}

/**
 * Why an answer declines: `evidence-threshold`, refused without a model call because the
 * retrieved evidence was below the threshold (or nothing was found; `contexts` are then the
 * retrieved hits the evidence check judged, since no prompt was built); `model`, the model was
 * given `contexts` and replied only that they do not cover the question.
 */
export type RagRefusal = 'evidence-threshold' | 'model';

/** See {@link RagSample.passages}. */
export interface RagPassages {
  retrieved: number;
  dropped: number[];
  truncated: number[];
}

/** The RAG scores, each in [0, 1], null where it does not apply (see each field, and `RagSample.refusal`). */
export interface RagScores {
  /** Supported claims / claims of the answer (RAGAS). Null when the answer makes no claim (a refusal makes none). */
  faithfulness: number | null;
  /** RAGAS answer relevancy (model-judged) or question-term coverage (lexical). Null for an empty answer. */
  answerRelevancy: number | null;
  /** Rank-weighted precision of the relevant contexts (RAGAS). Null without contexts. */
  contextPrecision: number | null;
  /** Attributable reference claims / reference claims (RAGAS). Null without a reference. */
  contextRecall: number | null;
  /** Citations whose passage supports their sentence / citations. Null when nothing is cited, and for a refusal. */
  citationPrecision: number | null;
  /** Cited sentences with at least one supporting citation / cited sentences. Null when nothing is cited, and for a refusal. */
  citedSentenceAccuracy: number | null;
  /** Sentences carrying a citation / sentences with content. Null for an empty answer and for a refusal. */
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
  /** The answer is evasive ("I don't know"; judged, or a refusal); the score is then 0. */
  noncommittal?: boolean;
  /**
   * How similarity was measured: `embedding` cosine, `lexical` cosine, `coverage` (lexical
   * variant), or `none` for a refusal (noncommittal by definition, scored 0 without judging).
   */
  similarity: 'embedding' | 'lexical' | 'coverage' | 'none';
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
