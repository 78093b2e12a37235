import type { Analyzer } from '../../../analysis/index.js';

/**
 * A whitespace analyzer that throws on any text containing `failOn`, with a recipe, so that a
 * worker thread can make it: for testing how a failure inside a worker reaches the caller.
 */
export function createFailingAnalyzer(options: { failOn: string }): Analyzer {
  return {
    name: 'failing-whitespace',
    version: 1,
    analyze: (text) => {
      if (text.includes(options.failOn)) throw new Error(`refuses text containing "${options.failOn}"`);
      return text.split(' ').filter((term) => term.length > 0);
    },
    recipe: { module: import.meta.url, factory: 'createFailingAnalyzer', options },
  };
}
