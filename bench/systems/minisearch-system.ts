import MiniSearch from 'minisearch';
import type { CorpusDocument } from '../../src/eval/index.js';
import { createJiebaTokenizer } from './jieba-tokenizer.js';
import type { RetrievalSystem } from './retrieval-system.js';

/**
 * MiniSearch 7.2.0 over title and text, default search options (OR of terms, no prefix or fuzzy,
 * BM25+ ranking). As shipped, its tokenizer splits on spaces and punctuation, so a Chinese clause
 * is one term; with `jieba`, the jieba tokenizer is passed as `tokenize` (index and query).
 * MiniSearch returns every match, so results are cut to k here.
 */
export function createMiniSearchSystem(options: { jieba: boolean }): RetrievalSystem {
  return {
    name: options.jieba ? 'minisearch-jieba' : 'minisearch',
    description: options.jieba ? 'MiniSearch 7.2.0, jieba tokenize, OR query' : 'MiniSearch 7.2.0 as shipped (space/punctuation tokenizer), OR query',
    async build(corpus: readonly CorpusDocument[]) {
      const tokenize = options.jieba ? createJiebaTokenizer() : undefined;
      const index = new MiniSearch<CorpusDocument>({
        fields: ['title', 'text'],
        idField: 'id',
        ...(tokenize === undefined ? {} : { tokenize }),
      });
      index.addAll(corpus as CorpusDocument[]);
      return {
        search: (query: string, k: number) =>
          index.search(query).slice(0, k).map((result) => ({ docid: String(result.id), score: result.score })),
        measureSize: () => ({ bytes: Buffer.byteLength(JSON.stringify(index)), measuredAs: 'JSON.stringify(index) bytes' }),
      };
    },
  };
}
