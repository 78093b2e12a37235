import { HangjiaError } from '../errors/index.js';
import type { Answer, AnswerStream } from './answer.js';

/**
 * An answer made whole (PEARL and the agent do not stream) as an answer stream: its text as one
 * `text-delta`, its citations, then `answer-end`; `error` instead when it fails. The CLI prints it
 * and the server streams it as it does `answerQuestion`'s, so every strategy is served alike.
 */
export function finishedAnswerStream(answer: Answer | Promise<Answer>): AnswerStream {
  const finished = Promise.resolve(answer);
  // The iterator reports a failure as an `error` part; a caller that only iterates must not also get an unhandled rejection.
  finished.catch(() => undefined);
  return {
    answer: finished,
    async *[Symbol.asyncIterator]() {
      let whole: Answer;
      try {
        whole = await finished;
      } catch (error) {
        yield { type: 'error', error: error instanceof HangjiaError ? error : new HangjiaError('E_INTERNAL', String(error)) };
        return;
      }
      yield { type: 'text-delta', delta: whole.text };
      for (const citation of whole.citations) yield { type: 'citation', citation };
      yield { type: 'answer-end', answer: whole };
    },
  };
}
