/**
 * What the lexical index stores for one chunk: its id and three fields that are analyzed and
 * scored separately. `headings` is the heading path (`第三章 合同 > 第二节 …`) joined with
 * spaces; pass `''` when a chunk has none.
 */
export interface LexicalRecord {
  id: string;
  title: string;
  headings: string;
  text: string;
  /**
   * What the record is part of (its document id, for chunks of one document): records of one
   * group lend each other evidence at search time ({@link GroupParams}). Not analyzed or
   * matched. Omitted: the record is a group of its own.
   */
  group?: string;
  /**
   * Other names the record's group goes by (its file's name, when that is not its title): other
   * records that name one of them in title marks cite the group (citation evidence). Not analyzed
   * or matched by queries.
   */
  aliases?: readonly string[];
  /**
   * Whether the titles this record's text names count as citations (default true). `false` for a
   * record only some callers may read: what it names must not raise, for everyone, the scores of
   * the records it names (citation evidence would reveal the restricted text's references).
   */
  citing?: boolean;
}

/** One lexical search result, explaining itself. */
export interface LexicalMatch {
  id: string;
  /**
   * The BM25F score plus what each rescoring stage added (see `stages`); comparable only within
   * one result list.
   */
  score: number;
  /**
   * Query terms (after analysis, including pseudo-relevance feedback terms) found in this record,
   * in descending order of their contribution. Character bigrams carry the analyzer's prefix
   * (`~合同` for the default analyzer). Worked out when first read, then kept.
   */
  readonly matchedTerms: string[];
  /**
   * How many other groups name this record's group by title, when citation evidence added to its
   * score (absent otherwise): the part of the score no query term explains.
   */
  citedBy?: number;
  /**
   * What each step of the cascade contributed, in order: `bm25f` (the first pass), then each
   * rescoring stage that changed the score (`topic`, `citation`, `group`, `rm3`). Absent for a
   * plain `Bm25Index.search`.
   */
  stages?: ReadonlyArray<{ stage: string; score: number }>;
}
