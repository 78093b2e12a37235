/**
 * Helpers for the hand-made pools in this folder's tests. Written by hand, not generated: each test
 * spells out its pool so the comment beside every expected pick can be checked by reading.
 */
import type { Analyzer } from '../../analysis/index.js';
import type { Example } from '../example.js';

/** Lower-cased whitespace words, nothing dropped: term sets can be worked out by eye. */
export const whitespaceAnalyzer: Analyzer = {
  name: 'whitespace-test',
  version: 1,
  analyze: (text) => text.toLowerCase().split(/\s+/).filter((word) => word.length > 0),
};

/** Examples with ids `e0`, `e1`, … and outputs `answer to <input>`. */
export function examplesOf(inputs: readonly string[]): Example[] {
  return inputs.map((input, index) => ({ id: `e${index}`, input, output: `answer to ${input}`, metadata: {} }));
}

/** The ids of selected examples, in order. */
export function idsOf(selected: readonly { example: Example }[]): string[] {
  return selected.map((item) => item.example.id);
}
