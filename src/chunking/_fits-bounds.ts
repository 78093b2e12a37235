import type { ChunkingOptions } from './chunk.js';
import { estimateTokens } from './estimate-tokens.js';

/** Whether `text` is within both size bounds; the one test every emitted chunk text passes. */
export function fitsBounds(text: string, options: Pick<ChunkingOptions, 'maxChars' | 'maxTokens'>): boolean {
  return text.length <= options.maxChars && estimateTokens(text) <= options.maxTokens;
}
