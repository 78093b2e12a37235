/** @module analysis — analyzers shared by indexing and querying. */
export type { Analyzer } from './analyzer.js';
