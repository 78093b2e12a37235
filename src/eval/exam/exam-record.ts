import type { FinishReason, LanguageModelMessage } from '../../models/index.js';
import type { AnswerExtractionMethod } from './extract-choice-answer.js';
import type { ExamPromptTemplateName } from './exam-prompt.js';

/**
 * One question asked and scored: a line of `answers.jsonl` in the run directory, written as soon
 * as the model replies, so an interrupted run keeps everything that finished. Under circular
 * evaluation an item has one record per rotation.
 */
export interface ExamRecord {
  id: string;
  subject: string;
  /** 0 unless circular; see `rotateExamItem`. */
  rotation: number;
  /** The messages sent. */
  prompt: LanguageModelMessage[];
  /** Ids of the solved examples in the prompt, in order. */
  shots: string[];
  /** The model's reply, unchanged. */
  output: string;
  /** Letters read from the reply (as shown in this rotation), or null when none could be read. */
  extracted: string[] | null;
  method: AnswerExtractionMethod;
  /** The key as shown in this rotation. */
  expected: string[];
  /** Exact set match of `extracted` and `expected`. */
  correct: boolean;
  latencyMs: number;
  inputTokens: number | null;
  outputTokens: number | null;
  finishReason: FinishReason;
}

/**
 * The configuration of a run, `run.json` in the run directory. A re-run must match it (except
 * `createdAt`), so a resumed run never mixes two configurations.
 */
export interface ExamRunConfig {
  /** Bumped when records or this file change incompatibly. */
  formatVersion: 1;
  model: { provider: string; modelId: string };
  /**
   * Where the model was served (an OpenAI-compatible base URL), when the caller said. Part of the
   * run's identity: two servers answering to the same model name are two examinees; without it an
   * always-"A" server could resume a key-answering server's run and report its accuracy.
   */
  endpoint?: string;
  /** sha256 of the exam as given (the files, from the CLI; else the items asked). Part of the identity. */
  exam?: string;
  /** sha256 of the dev items shots are drawn from, or null for zero-shot. Part of the identity. */
  dev?: string | null;
  template: ExamPromptTemplateName;
  /** Solved examples per prompt (0: zero-shot). */
  shots: number;
  /** `fixed` (the first k dev items of the subject), a selector name, or `none` for zero-shot. */
  shotSelection: string;
  circular: boolean;
  temperature: number;
  maxTokens: number;
  /** Seeds the bootstrap (and, through the caller, a random selector). */
  seed: number;
  createdAt: string;
}
