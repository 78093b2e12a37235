import { createAnalyzer } from '../../src/analysis/index.js';
import { corpusDocumentToRecord, type CorpusDocument } from '../../src/eval/index.js';
import { Bm25Index, type Bm25ParamsInput } from '../../src/index/index.js';
import type { RetrievalSystem } from './retrieval-system.js';

/**
 * hangjia's own lexical engine: `createAnalyzer()` and `Bm25Index.build`, one record per corpus
 * document, shaped as `hangjia eval retrieval` shapes it (`corpusDocumentToRecord`); the defaults,
 * or `params` as a configuration's `search.*` settings give them.
 */
export function createHangjiaSystem(options: { name?: string; description?: string; params?: Bm25ParamsInput } = {}): RetrievalSystem {
  return {
    name: options.name ?? 'hangjia',
    description: options.description ?? 'hangjia Bm25Index, default analyzer and parameters',
    async build(corpus: readonly CorpusDocument[]) {
      const analyzer = createAnalyzer();
      const index = Bm25Index.build(
        corpus.map(corpusDocumentToRecord),
        { analyzer, ...(options.params ? { params: options.params } : {}) },
      );
      return {
        search: (query: string, k: number) => index.search(query, { k }).map((match) => ({ docid: match.id, score: match.score })),
        measureSize: () => ({ bytes: index.serialize().byteLength, measuredAs: 'serialize() bytes' }),
      };
    },
  };
}
