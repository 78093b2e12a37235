import type { RetrievalSystem } from './retrieval-system.js';

/**
 * Every system the retrieval benchmark knows, by name. Factories import their library lazily, so
 * a worker process loads only the system it measures (peak RSS stays its own).
 */
export const SYSTEM_FACTORIES: Readonly<Record<string, () => Promise<RetrievalSystem>>> = {
  hangjia: async () => (await import('./hangjia-system.js')).createHangjiaSystem(),
  // The statute setting documented in the README: titles that only name the law count for nothing
  // (`--set search.titleWeight=0,search.headingsWeight=0`). Not a default: cmrc2018's titles name the topic.
  'hangjia-statute-titles-off': async () =>
    (await import('./hangjia-system.js')).createHangjiaSystem({
      name: 'hangjia-statute-titles-off',
      description: 'hangjia with search.titleWeight 0 and search.headingsWeight 0',
      search: { titleWeight: 0, headingsWeight: 0 },
    }),
  'bigram-bm25': async () => (await import('./bigram-bm25-system.js')).createBigramBm25System(),
  minisearch: async () => (await import('./minisearch-system.js')).createMiniSearchSystem({ jieba: false }),
  'minisearch-jieba': async () => (await import('./minisearch-system.js')).createMiniSearchSystem({ jieba: true }),
  flexsearch: async () => (await import('./flexsearch-system.js')).createFlexSearchSystem({ jieba: false }),
  'flexsearch-jieba': async () => (await import('./flexsearch-system.js')).createFlexSearchSystem({ jieba: true }),
  orama: async () => (await import('./orama-system.js')).createOramaSystem({ jieba: false }),
  'orama-jieba': async () => (await import('./orama-system.js')).createOramaSystem({ jieba: true }),
  'fts5-jieba': async () => (await import('./sqlite-fts5-system.js')).createSqliteFts5System({ tokenizer: 'jieba' }),
  'fts5-trigram': async () => (await import('./sqlite-fts5-system.js')).createSqliteFts5System({ tokenizer: 'trigram' }),
};
