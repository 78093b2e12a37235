import { EXTRACTIVE_LABEL, type Answer } from '../../answer/index.js';
import type { RagSample } from './rag-sample.js';

/**
 * What a RAG evaluation scores of an `answerQuestion` answer: its text (see {@link scoredAnswerText})
 * and the passages it was made from — the prompt's sources as the model saw them, so a passage the
 * token budget left out is no context and one it cut is scored as cut; for a refusal without a
 * model call, the hits its evidence check judged. Whether the answer refused, and what the budget
 * did, go with it. Shared by `eval rag --kb` and `eval compare` on a RAG question set.
 */
export function answerToRagSample(answer: Answer): Pick<RagSample, 'answer' | 'contexts' | 'refusal' | 'passages'> {
  const contexts = answer.refusal === 'evidence-threshold' ? answer.hits.map((hit) => hit.chunk.text.trim()) : answer.sources.map((source) => source.text);
  return {
    answer: scoredAnswerText(answer),
    contexts,
    ...(answer.refusal === undefined ? {} : { refusal: answer.refusal }),
    passages: { retrieved: answer.hits.length, dropped: answer.droppedRanks, truncated: answer.sources.filter((source) => source.truncated).map((source) => source.rank) },
  };
}

/**
 * The answer text to score. An extractive answer opens with a label line (`EXTRACTIVE_LABEL`) that
 * says how it was made; it is no claim about the sources, and since it ends in a colon, not a
 * sentence stop, it would run into the first quote and make a verbatim quote look unsupported.
 */
export function scoredAnswerText(answer: Answer): string {
  const label = EXTRACTIVE_LABEL[answer.language];
  return answer.kind === 'extractive' && answer.text.startsWith(label) ? answer.text.slice(label.length).trimStart() : answer.text;
}
