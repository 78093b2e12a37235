import type { HangjiaError } from '../errors/index.js';
import type { FinishReason, LanguageModelUsage } from './language-model.js';

/**
 * What a `LanguageModel` stream yields, as a discriminated union of noun-action parts (the Vercel
 * AI SDK's `LanguageModelV3StreamPart`, reduced):
 *
 * - `text-delta`: the next piece of text, never empty; the deltas concatenate to the full text.
 * - `error`: the stream broke (connection dropped, malformed chunk, idle timeout). The text so far
 *   stays valid; a `finish` part with `finishReason: 'error'` follows.
 * - `finish`: always last, exactly once.
 */
export type LanguageModelStreamPart =
  | { type: 'text-delta'; delta: string }
  | { type: 'error'; error: HangjiaError }
  | { type: 'finish'; finishReason: FinishReason; usage: LanguageModelUsage };
