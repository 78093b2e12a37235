import { create, insertMultiple, save, search } from '@orama/orama';
import type { CorpusDocument } from '../../src/eval/index.js';
import { createJiebaTokenizer } from './jieba-tokenizer.js';
import type { RetrievalSystem } from './retrieval-system.js';

/**
 * Orama 3.1.18, schema `{ title: string, text: string }`, default search (BM25, `threshold: 1`,
 * i.e. documents matching any term). As shipped its tokenizer is the English one, which keeps a
 * Chinese clause whole. With `jieba`, the jieba tokenizer is passed as the tokenizer component.
 */
export function createOramaSystem(options: { jieba: boolean }): RetrievalSystem {
  return {
    name: options.jieba ? 'orama-jieba' : 'orama',
    description: options.jieba ? 'Orama 3.1.18, jieba tokenizer component, BM25' : 'Orama 3.1.18 as shipped (English tokenizer), BM25',
    async build(corpus: readonly CorpusDocument[]) {
      const tokenize = options.jieba ? createJiebaTokenizer() : undefined;
      const database = create({
        schema: { title: 'string', text: 'string' } as const,
        ...(tokenize === undefined ? {} : { components: { tokenizer: { language: 'chinese', normalizationCache: new Map(), tokenize } } }),
      });
      await insertMultiple(database, corpus.map((document) => ({ id: document.id, title: document.title, text: document.text })));
      return {
        async search(query: string, k: number) {
          const results = await search(database, { term: query, limit: k });
          return results.hits.map((hit) => ({ docid: hit.id, score: hit.score }));
        },
        measureSize: () => ({ bytes: Buffer.byteLength(JSON.stringify(save(database))), measuredAs: 'JSON.stringify(save(db)) bytes' }),
      };
    },
  };
}
