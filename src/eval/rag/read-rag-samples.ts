import { readJsonLines } from '../_read-jsonl-lines.js';
import type { RagRefusal, RagSample } from './rag-sample.js';

/** A question to evaluate; `answer` and `contexts` are absent when the run generates them (`--kb`). */
export type RagInput = Omit<RagSample, 'answer' | 'contexts'> & { answer?: string; contexts?: string[] };

/** Why a line was skipped. */
export type MalformedRagSampleReason =
  | 'invalid-question'
  | 'invalid-answer'
  | 'invalid-contexts'
  | 'invalid-reference'
  | 'invalid-citations'
  | 'invalid-refusal'
  | 'duplicate-id';

const REFUSALS: readonly RagRefusal[] = ['evidence-threshold', 'model'];

export interface MalformedRagSample {
  path: string;
  line: number;
  id?: string;
  reason: MalformedRagSampleReason;
  message: string;
}

/** Options for {@link readRagSamples}. */
export interface ReadRagSamplesOptions {
  /** Lines must carry `answer` and `contexts` (false when the run answers the questions itself). Default true. */
  requireAnswers?: boolean;
}

/**
 * Reads a RAG evaluation set, one JSON object a line:
 * `{"id"?, "question", "answer", "contexts": [..], "reference"?, "citations"?: [{"n", "text"}], "refusal"?}`,
 * where `refusal` (`"model"` or `"evidence-threshold"`, see `RagSample.refusal`) marks an answer that
 * declined, so it is scored as a refusal rather than as claims.
 * Lines that are not JSON objects throw `E_DATASET` (path and line); lines with a bad field are
 * skipped and returned with a reason, never dropped silently. Ids default to the line number.
 *
 * @example
 * const { samples, skipped } = readRagSamples('eval/law-rag.jsonl');
 */
export function readRagSamples(path: string, options: ReadRagSamplesOptions = {}): { samples: RagInput[]; skipped: MalformedRagSample[] } {
  const requireAnswers = options.requireAnswers ?? true;
  const samples: RagInput[] = [];
  const skipped: MalformedRagSample[] = [];
  const seen = new Set<string>();
  for (const entry of readJsonLines(path)) {
    const value = entry.value;
    const id = typeof value.id === 'string' || typeof value.id === 'number' ? String(value.id) : String(entry.line);
    const skip = (reason: MalformedRagSampleReason, problem: string): void => {
      skipped.push({ path, line: entry.line, id, reason, message: `${path}:${entry.line} (${id}): ${problem}` });
    };
    if (typeof value.question !== 'string' || value.question.trim() === '') {
      skip('invalid-question', 'expected a non-empty string "question"');
      continue;
    }
    const hasAnswer = value.answer !== undefined || value.contexts !== undefined;
    if (requireAnswers || hasAnswer) {
      if (typeof value.answer !== 'string') {
        skip('invalid-answer', `expected a string "answer"${requireAnswers ? '' : ' next to "contexts"'}`);
        continue;
      }
      if (!Array.isArray(value.contexts) || !value.contexts.every((context) => typeof context === 'string')) {
        skip('invalid-contexts', 'expected "contexts" to be an array of strings');
        continue;
      }
    }
    if (value.reference !== undefined && typeof value.reference !== 'string') {
      skip('invalid-reference', 'expected "reference" to be a string');
      continue;
    }
    const citations = value.citations;
    if (
      citations !== undefined &&
      !(Array.isArray(citations) && citations.every((citation) => typeof citation === 'object' && citation !== null && Number.isInteger((citation as { n?: unknown }).n) && typeof (citation as { text?: unknown }).text === 'string'))
    ) {
      skip('invalid-citations', 'expected "citations" to be an array of {"n": number, "text": string}');
      continue;
    }
    const refusal = value.refusal;
    if (refusal !== undefined && !(REFUSALS as readonly unknown[]).includes(refusal)) {
      skip('invalid-refusal', `expected "refusal" to be one of ${REFUSALS.map((reason) => `"${reason}"`).join(', ')}`);
      continue;
    }
    if (refusal !== undefined && typeof value.answer !== 'string') {
      skip('invalid-refusal', '"refusal" describes an answer, and this line has none');
      continue;
    }
    if (seen.has(id)) {
      skip('duplicate-id', `the id "${id}" was used on an earlier line`);
      continue;
    }
    seen.add(id);
    samples.push({
      id,
      question: value.question,
      ...(typeof value.answer === 'string' ? { answer: value.answer } : {}),
      ...(Array.isArray(value.contexts) ? { contexts: value.contexts as string[] } : {}),
      ...(typeof value.reference === 'string' ? { reference: value.reference } : {}),
      ...(citations === undefined ? {} : { citations: (citations as Array<{ n: number; text: string }>).map(({ n, text }) => ({ n, text })) }),
      ...(refusal === undefined ? {} : { refusal: refusal as RagRefusal }),
      // Gold evidence ids, read when they are a list of strings (anything else is not evidence this reader knows).
      ...(Array.isArray(value.evidence) && value.evidence.every((item) => typeof item === 'string') ? { evidence: value.evidence as string[] } : {}),
    });
  }
  return { samples, skipped };
}
