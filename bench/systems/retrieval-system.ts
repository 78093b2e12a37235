import type { CorpusDocument, ScoredDocument } from '../../src/eval/index.js';

/** How an index's size was measured; systems differ, so the table says which. */
export interface IndexSize {
  bytes: number;
  /** e.g. `serialize() bytes`, `JSON.stringify(toJSON()) UTF-8 bytes`, `SQLite file bytes`. */
  measuredAs: string;
}

/** A built index the benchmark can query. */
export interface BuiltIndex {
  /** The top `k` documents for `query`; order does not matter (evaluation re-sorts by score). */
  search(query: string, k: number): ScoredDocument[] | Promise<ScoredDocument[]>;
  /** Measured after the build timer stops. */
  measureSize(): IndexSize | Promise<IndexSize>;
  /** Releases files or handles (SQLite). */
  close?(): void;
}

/**
 * One system under test, as the benchmark wires it. Each runs alone in a fresh child process
 * (`bench/retrieval-worker.ts`), so build time and peak RSS are its own.
 */
export interface RetrievalSystem {
  name: string;
  /** One line for the results table: library, version, tokenizer, query semantics. */
  description: string;
  build(corpus: readonly CorpusDocument[]): Promise<BuiltIndex>;
}
