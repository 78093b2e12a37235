import { createAnalyzer } from '../../src/analysis/index.js';
import { corpusDocumentToRecord, type CorpusDocument } from '../../src/eval/index.js';
import { Bm25Index } from '../../src/index/index.js';
import type { RetrievalSystem } from './retrieval-system.js';

/**
 * hangjia's own lexical engine with its defaults: `createAnalyzer()` and `Bm25Index.build`, one
 * record per corpus document, shaped as `hangjia eval retrieval` shapes it (`corpusDocumentToRecord`).
 */
export function createHangjiaSystem(): RetrievalSystem {
  return {
    name: 'hangjia',
    description: 'hangjia Bm25Index, default analyzer and parameters',
    async build(corpus: readonly CorpusDocument[]) {
      const analyzer = createAnalyzer();
      const index = Bm25Index.build(
        corpus.map(corpusDocumentToRecord),
        { analyzer },
      );
      return {
        search: (query: string, k: number) => index.search(query, { k }).map((match) => ({ docid: match.id, score: match.score })),
        measureSize: () => ({ bytes: index.serialize().byteLength, measuredAs: 'serialize() bytes' }),
      };
    },
  };
}
