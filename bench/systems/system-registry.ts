import type { RetrievalSystem } from './retrieval-system.js';

/**
 * Every system the retrieval benchmark knows, by name. Factories import their library lazily, so
 * a worker process loads only the system it measures (peak RSS stays its own).
 */
export const SYSTEM_FACTORIES: Readonly<Record<string, () => Promise<RetrievalSystem>>> = {
  hangjia: async () => (await import('./hangjia-system.js')).createHangjiaSystem(),
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
