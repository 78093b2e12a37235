import { join, resolve } from 'node:path';
import { readCorpus, type CorpusDocument } from './read-corpus.js';
import { readQueries, type EvaluationQuery } from './read-queries.js';
import { readQrels, type Qrels } from './qrels.js';

/** A BEIR-style retrieval test collection, loaded whole. */
export interface BeirDataset {
  corpus: CorpusDocument[];
  queries: EvaluationQuery[];
  qrels: Qrels;
}

/** Where to find the queries and judgments when they are not the default files. */
export interface ReadBeirDatasetOptions {
  /** Default `<dir>/queries.jsonl`; relative paths are resolved against `dir`. */
  queriesPath?: string;
  /** Default `<dir>/qrels.tsv` (e.g. `qrels.test.tsv` for a split); relative paths are resolved against `dir`. */
  qrelsPath?: string;
}

/**
 * Loads `corpus.jsonl`, the queries and the judgments of a BEIR-style folder. Every reader throws
 * `HangjiaError('E_DATASET')` with `details.path` (and `details.line` for a malformed line).
 *
 * @example
 * const { corpus, queries, qrels } = readBeirDataset('/data/stard-legal', { qrelsPath: 'qrels.tsv' });
 */
export function readBeirDataset(dir: string, options: ReadBeirDatasetOptions = {}): BeirDataset {
  return {
    corpus: readCorpus(join(dir, 'corpus.jsonl')),
    queries: readQueries(resolve(dir, options.queriesPath ?? 'queries.jsonl')),
    qrels: readQrels(resolve(dir, options.qrelsPath ?? 'qrels.tsv')),
  };
}
