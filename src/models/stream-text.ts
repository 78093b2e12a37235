import type { HangjiaError } from '../errors/index.js';
import type { FinishReason, LanguageModel, LanguageModelCallOptions, LanguageModelUsage } from './language-model.js';
import type { LanguageModelStreamPart } from './language-model-stream-part.js';

/** What a stream delivered, once it ended. */
export interface StreamedText {
  /** Every delta that arrived, concatenated: the whole reply, or what came before a failure. */
  text: string;
  finishReason: FinishReason;
  usage: LanguageModelUsage;
  /** True when the reply was cut short by an error or an abort (`finishReason` is `error` or `abort`). */
  incomplete: boolean;
  /** The failure that cut the stream, when `finishReason` is `error`. */
  error?: HangjiaError;
}

/** The parts as they arrive (iterate once), plus the outcome as a promise. */
export interface StreamTextResult extends AsyncIterable<LanguageModelStreamPart> {
  /**
   * Settles when the stream ends, whether or not anyone iterates: resolves with the text so far
   * even after a mid-stream failure (marked `incomplete`), and rejects only when the call failed
   * before any text (the same error the iteration throws).
   */
  readonly completion: Promise<StreamedText>;
}

/**
 * Streams a reply from `model`. Reading starts at once and parts are buffered, so awaiting
 * `completion` alone is enough; iterate to show text as it arrives. A stream cut in the middle
 * never throws away what arrived: it yields an `error` part, then `finish` with
 * `finishReason: 'error'`, and `completion` resolves with the partial text and `incomplete: true`.
 *
 * @example
 * const result = streamText(model, { messages, abortSignal });
 * for await (const part of result) if (part.type === 'text-delta') process.stdout.write(part.delta);
 * const { text, incomplete } = await result.completion;
 */
export function streamText(model: LanguageModel, options: LanguageModelCallOptions): StreamTextResult {
  const buffered: LanguageModelStreamPart[] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  let failure: { error: unknown } | undefined;

  const completion = (async (): Promise<StreamedText> => {
    let text = '';
    let error: HangjiaError | undefined;
    let finish: Extract<LanguageModelStreamPart, { type: 'finish' }> | undefined;
    try {
      const { stream } = await model.doStream(options);
      for await (const part of stream) {
        buffered.push(part);
        wake?.();
        if (part.type === 'text-delta') text += part.delta;
        else if (part.type === 'error') error = part.error;
        else finish = part;
      }
    } catch (cause) {
      failure = { error: cause };
      throw cause;
    } finally {
      ended = true;
      wake?.();
    }
    const finishReason = finish?.finishReason ?? 'error';
    const usage = finish?.usage ?? { inputTokens: undefined, outputTokens: undefined };
    const incomplete = finishReason === 'error' || finishReason === 'abort';
    return { text, finishReason, usage, incomplete, ...(error === undefined ? {} : { error }) };
  })();
  // Marks the rejection handled for callers who only iterate; awaiting `completion` still rejects.
  completion.catch(() => undefined);

  return {
    completion,
    async *[Symbol.asyncIterator]() {
      for (let index = 0; ; index++) {
        while (index >= buffered.length && !ended) await new Promise<void>((resolve) => (wake = resolve));
        const part = buffered[index];
        if (part !== undefined) {
          yield part;
          continue;
        }
        if (failure !== undefined) throw failure.error;
        return;
      }
    },
  };
}
