import type { HangjiaError } from '../errors/index.js';
import type { FinishReason, LanguageModelUsage } from '../models/index.js';
import type { Language } from '../prompt/index.js';
import type { Hit } from '../retrieval/index.js';
import type { CitableLocation } from './citable-location.js';
import type { EvidenceScore } from './evidence-score.js';

/** A `[n]` marker of the answer resolved to the passage it points at. */
export interface Citation extends CitableLocation {
  /** The marker number, as in `[n]`. */
  n: number;
  /** The chunk sentence that best supports what cites it (extractive: the quoted sentence). */
  snippet: string;
}

/** A sentence of the answer that its citations do not support. */
export interface SentenceCheck {
  sentence: string;
  /** Offsets in `Answer.text`. */
  start: number;
  end: number;
  /** Marker numbers the sentence cites. */
  cited: number[];
  /** Weighted share of the sentence's terms found in the cited passages, in [0, 1]. */
  support: number;
  reason: 'no-citation' | 'low-support';
}

/** A citation marker that pointed at no source and was removed from the text. */
export interface RemovedMarker {
  /** The marker as the model wrote it, e.g. `[9]`. */
  marker: string;
  /** The number that pointed nowhere. */
  n: number;
  /** Offset in the model's raw text. */
  offset: number;
}

/**
 * How the answer was made: `generated` by the model from the sources; `extractive` (no model
 * configured), quoted sentences of the sources; `refused`, because the evidence was below the
 * threshold (no model was called) or nothing was found.
 */
export type AnswerKind = 'generated' | 'extractive' | 'refused';

/**
 * Why an answer declines to answer (says the knowledge base does not cover the question):
 * `evidence-threshold`, hangjia refused without calling the model (kind `refused`: the evidence
 * was below the threshold, or nothing was found); `model`, the model was asked and its whole
 * reply is the prompt's "not covered" sentence (kind `generated`).
 */
export type AnswerRefusal = 'evidence-threshold' | 'model';

/** A passage as the answer was made from it; `[n]` in the prompt and in the answer. */
export interface AnswerSource {
  /** The marker number. */
  n: number;
  /** 1-based rank of its hit in `Answer.hits`. */
  rank: number;
  /** The passage text as given: for a generated answer, exactly what the prompt held (a sentence-aligned prefix when `truncated`). */
  text: string;
  /** Cut to fit the prompt's token budget (the model saw only `text`). */
  truncated: boolean;
}

/** The outcome of `answerQuestion`. */
export interface Answer {
  kind: AnswerKind;
  question: string;
  /** The question used for retrieval (condensed from the conversation; equals `question` for a first turn). */
  standaloneQuestion: string;
  language: Language;
  /** The answer with dangling markers removed. */
  text: string;
  /** What the model wrote, before the post-check (generated answers only). */
  rawText?: string;
  /** One per distinct valid marker, in order of first appearance. */
  citations: Citation[];
  unsupportedSentences: SentenceCheck[];
  /**
   * Under `strict`, the unsupported sentences taken out of `text` (offsets in the text as the
   * post-check saw it, before they were removed); absent when strict was off.
   */
  strictRemoved?: SentenceCheck[];
  removedMarkers: RemovedMarker[];
  /** True when the model's stream was cut (error or abort); `text` is what arrived. */
  incomplete: boolean;
  finishReason?: FinishReason;
  /** The failure that cut the stream. */
  error?: HangjiaError;
  evidence: EvidenceScore;
  evidenceThreshold: number;
  hits: Hit[];
  /** Hits the prompt left out for the token budget (1-based retrieval ranks). */
  droppedRanks: number[];
  /**
   * The passages the answer was made from, in `[n]` order: for a generated answer the prompt's
   * sources as the model saw them (the token budget may have cut the last one, `truncated`, and
   * left out the hits after it, `droppedRanks`); for an extractive answer every hit (`[n]` = hit
   * n); none for a refusal without a model call.
   */
  sources: AnswerSource[];
  /**
   * Earlier turns of the conversation (entries of the `history` option; a question and its answer
   * count two) the model was given, and those left out: older pairs over the history token budget,
   * turns that were not part of a question–answer pair, or all of them when the budget is 0 or no
   * model was called (refused, extractive). `sent + omitted` is the history's length.
   */
  history: { sent: number; omitted: number };
  /** Set when the answer declines to answer (see {@link AnswerRefusal}); absent otherwise. */
  refusal?: AnswerRefusal;
  model?: { provider: string; modelId: string };
  usage: LanguageModelUsage;
  /** Estimated tokens: prompt (all messages), sources block, earlier turns sent, and the answer. */
  tokens: { prompt: number; sources: number; history: number; answer: number };
  timings: { condenseMs: number; retrievalMs: number; firstTokenMs?: number; generationMs?: number; totalMs: number };
}

/**
 * The answer stream: noun-action parts, in this order —
 * `retrieval-end` once; the `text-delta`s (a refusal or an extractive answer arrives as one delta);
 * `error` if the model's stream broke; one `citation` per valid marker once the post-check has
 * resolved them; `answer-end` last, with the final {@link Answer}. A failure before any text (endpoint unreachable) yields `error`
 * and ends without `answer-end`; `answer` then rejects with the same error.
 */
export type AnswerStreamPart =
  | { type: 'retrieval-end'; query: string; hits: Hit[]; evidence: EvidenceScore; retrievalMs: number }
  | { type: 'text-delta'; delta: string }
  | { type: 'citation'; citation: Citation }
  | { type: 'error'; error: HangjiaError }
  | { type: 'answer-end'; answer: Answer };

/** The parts as they arrive (iterate once), plus the final answer as a promise. */
export interface AnswerStream extends AsyncIterable<AnswerStreamPart> {
  readonly answer: Promise<Answer>;
}
