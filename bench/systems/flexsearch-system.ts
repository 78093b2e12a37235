import { Index } from 'flexsearch';
import type { CorpusDocument } from '../../src/eval/index.js';
import { createJiebaTokenizer } from './jieba-tokenizer.js';
import type { RetrievalSystem } from './retrieval-system.js';

/**
 * FlexSearch 0.8.212, one `Index` over `title + "\n" + text` (ids are positions in the corpus).
 * As shipped: default encoder and `strict` tokenizer (whitespace words; a Chinese clause is one
 * term) and default search, which requires every query term. With `jieba`: the jieba tokenizer is
 * its `encode` function and searches pass `suggest: true`, so documents matching only some terms
 * are returned too — without it a whole question almost never matches.
 *
 * FlexSearch ranks by term position, not BM25, and returns ids without scores: the score here is
 * `k − rank`, which keeps its order.
 */
export function createFlexSearchSystem(options: { jieba: boolean }): RetrievalSystem {
  return {
    name: options.jieba ? 'flexsearch-jieba' : 'flexsearch',
    description: options.jieba ? 'FlexSearch 0.8.212, jieba encode, suggest (partial match)' : 'FlexSearch 0.8.212 as shipped (strict tokenizer, all terms required)',
    async build(corpus: readonly CorpusDocument[]) {
      const index = options.jieba ? new Index({ encode: createJiebaTokenizer() }) : new Index();
      corpus.forEach((document, position) => index.add(position, `${document.title}\n${document.text}`));
      return {
        search(query: string, k: number) {
          const positions = index.search(query, { limit: k, ...(options.jieba ? { suggest: true } : {}) }) as number[];
          return positions.map((position, rank) => ({ docid: (corpus[position] as CorpusDocument).id, score: k - rank }));
        },
        measureSize() {
          let bytes = 0;
          index.export((key: string | number, data: string | undefined) => {
            bytes += Buffer.byteLength(String(key)) + Buffer.byteLength(data ?? '');
          });
          return { bytes, measuredAs: 'export() key + data bytes' };
        },
      };
    },
  };
}
