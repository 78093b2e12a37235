import { createAnalyzer } from '../../src/analysis/index.js';
import { corpusDocumentToRecord, type CorpusDocument } from '../../src/eval/index.js';
import { lexicalParamsOf, rescoringSettingsOf, resolveSearchSettings, type SearchSettings } from '../../src/knowledge-base/index.js';
import { buildLexicalIndex, createLexicalSearch } from '../../src/retrieval/index.js';
import type { RetrievalSystem } from './retrieval-system.js';

/**
 * hangjia's own lexical engine as a knowledge base searches it: `createAnalyzer()`, the index
 * built by `buildLexicalIndex` and searched through its rescoring cascade (`createLexicalSearch`),
 * one record per corpus document, shaped as `hangjia eval retrieval` shapes it
 * (`corpusDocumentToRecord`); the default search settings, or those `search` changes.
 */
export function createHangjiaSystem(options: { name?: string; description?: string; search?: Partial<SearchSettings> } = {}): RetrievalSystem {
  return {
    name: options.name ?? 'hangjia',
    description: options.description ?? 'hangjia Bm25Index and rescoring cascade, default analyzer and settings',
    async build(corpus: readonly CorpusDocument[]) {
      const settings = resolveSearchSettings(options.search);
      const index = buildLexicalIndex(corpus.map(corpusDocumentToRecord), { analyzer: createAnalyzer(), params: lexicalParamsOf(settings) });
      const lexical = createLexicalSearch(index, rescoringSettingsOf(settings));
      return {
        search: (query: string, k: number) => lexical.search(query, { k }).map((match) => ({ docid: match.id, score: match.score })),
        measureSize: () => ({ bytes: index.serialize().byteLength, measuredAs: 'serialize() bytes' }),
      };
    },
  };
}
