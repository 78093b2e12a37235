import { describe, expect, it } from 'vitest';
import { useTemporaryDirectories } from '../../test/support/temporary-directory.js';
import { createRerankingSearchOptions } from '../presets/index.js';
import { describeConfig, loadConfig } from './load-config.js';

const temporaryDirectory = useTemporaryDirectories();

describe('rerank settings', () => {
  it('come from HANGJIA_RERANK_*, with provenance, the key masked, and topN checked', () => {
    const loaded = loadConfig({
      env: { HANGJIA_RERANK_PROVIDER: 'http', HANGJIA_RERANK_BASE_URL: 'http://127.0.0.1:8080', HANGJIA_RERANK_API_KEY: 'secret', HANGJIA_RERANK_TOP_N: '50' },
      cwd: temporaryDirectory(),
      flags: { home: temporaryDirectory() },
    });
    expect(loaded.config.rerank).toEqual({ provider: 'http', baseURL: 'http://127.0.0.1:8080', apiKey: 'secret', topN: 50 });
    expect(loaded.provenance['rerank.topN']).toBe('env:HANGJIA_RERANK_TOP_N');
    expect(describeConfig(loaded).find(([key]) => key === 'rerank.apiKey')).toEqual(['rerank.apiKey', '********', 'env:HANGJIA_RERANK_API_KEY']);
    expect(() => loadConfig({ env: {}, cwd: temporaryDirectory(), flags: { home: temporaryDirectory(), 'rerank.topN': 0 } })).toThrow('Setting "rerank.topN" must be from 1 to 1000; got 0 (from flag).');
    expect(() => loadConfig({ env: {}, cwd: temporaryDirectory(), flags: { home: temporaryDirectory(), 'rerank.provider': 'cohere' } })).toThrow('Setting "rerank.provider" must be one of none, http, transformers; got "cohere" (from flag).');
  });

  it('become search options: the configured provider, overridden or turned off per request', () => {
    const config = { rerank: { provider: 'http' as const, baseURL: 'http://127.0.0.1:8080', model: 'bge-reranker-v2-m3', topN: 7 } };
    const configured = createRerankingSearchOptions(config);
    expect(configured.search.rerankTopN).toBe(7);
    expect(configured.reranker?.name).toBe('http:bge-reranker-v2-m3');
    expect(createRerankingSearchOptions(config, 'off').search).toEqual({});
    expect(createRerankingSearchOptions({ rerank: { provider: 'none', modelDir: 'models/bge-reranker', topN: 20 } }, 'transformers').reranker?.name).toBe('transformers:models/bge-reranker');
    expect(createRerankingSearchOptions({ rerank: { provider: 'none', topN: 20 } }).reranker).toBeUndefined();
    expect(() => createRerankingSearchOptions({ rerank: { provider: 'none', topN: 20 } }, 'on')).toThrow('Reranking was asked for, and rerank.provider is "none".');
    expect(() => createRerankingSearchOptions({ rerank: { provider: 'none', topN: 20 } }, 'transformers')).toThrow('rerank.modelDir');
  });
});
