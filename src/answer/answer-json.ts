import type { Hit } from '../retrieval/index.js';
import { snippet } from '../support/index.js';
import type { Answer } from './answer.js';
import { citableLocation } from './citable-location.js';

/** A hit as `--json` prints it: everything a script needs to cite it. */
export function hitToJson(hit: Hit, rank: number): Record<string, unknown> {
  return {
    rank,
    score: hit.score,
    ...citableLocation(hit),
    matchedTerms: hit.matchedTerms,
    ...(hit.citedBy === undefined ? {} : { citedBy: hit.citedBy }),
    scores: hit.scores,
    text: hit.chunk.text,
  };
}

/**
 * How much of an answer {@link answerToJson} gives: `summary`, the server's `AskResponse`; `full`,
 * what `ask --json` prints, adding the model's error, strict removals, removed markers, the
 * evidence's parts, the retrieved passages, dropped ranks, history, usage, tokens and timings.
 */
export type AnswerJsonDetail = 'summary' | 'full';

/** The JSON of an answer: the same fields, in the same order, wherever an answer is printed or served. */
export interface AnswerJson {
  knowledgeBase: string;
  question: string;
  standaloneQuestion: string;
  kind: Answer['kind'];
  refusal: NonNullable<Answer['refusal']> | null;
  answer: string;
  incomplete: boolean;
  error?: { code: string; message: string };
  citations: Answer['citations'];
  unsupportedSentences: Answer['unsupportedSentences'];
  strictRemoved?: NonNullable<Answer['strictRemoved']>;
  removedMarkers?: Answer['removedMarkers'];
  evidence: { score: number; threshold: number } & Partial<Answer['evidence']>;
  retrieval?: Array<Record<string, unknown>>;
  droppedRanks?: number[];
  history?: Answer['history'];
  model: NonNullable<Answer['model']> | null;
  usage?: Answer['usage'];
  tokens?: Answer['tokens'];
  timings?: Answer['timings'];
}

/**
 * An answer as JSON (see {@link AnswerJsonDetail}); retrieved passages are given as one-line
 * snippets, since their full text is in the knowledge base under `chunkId`.
 */
export function answerToJson(answer: Answer, knowledgeBase: string, detail: AnswerJsonDetail): AnswerJson {
  const full = detail === 'full';
  return {
    knowledgeBase,
    question: answer.question,
    standaloneQuestion: answer.standaloneQuestion,
    kind: answer.kind,
    refusal: answer.refusal ?? null,
    answer: answer.text,
    incomplete: answer.incomplete,
    ...(full && answer.error ? { error: { code: answer.error.code, message: answer.error.message } } : {}),
    citations: answer.citations,
    unsupportedSentences: answer.unsupportedSentences,
    ...(full && answer.strictRemoved !== undefined ? { strictRemoved: answer.strictRemoved } : {}),
    ...(full ? { removedMarkers: answer.removedMarkers } : {}),
    evidence: full ? { ...answer.evidence, threshold: answer.evidenceThreshold } : { score: answer.evidence.score, threshold: answer.evidenceThreshold },
    ...(full
      ? {
          retrieval: answer.hits.map((hit, index) => {
            const { text, ...rest } = hitToJson(hit, index + 1);
            return { ...rest, snippet: snippet(String(text)) };
          }),
          droppedRanks: answer.droppedRanks,
          history: answer.history,
        }
      : {}),
    model: answer.model ?? null,
    ...(full ? { usage: answer.usage, tokens: answer.tokens, timings: answer.timings } : {}),
  };
}
