import { describe, expect, it } from 'vitest';
import { useTemporaryDirectories } from '../../test/support/temporary-directory.js';
import { createDefaultComponents } from '../presets/index.js';
import { DEFAULT_CONFIG } from './config.js';
import { loadConfig } from './load-config.js';

const temporaryDirectory = useTemporaryDirectories();

describe('loadConfig', () => {
  it('reads embedding prefixes from the environment and hands them to the knowledge base components', () => {
    const { config, provenance } = loadConfig({
      env: { HANGJIA_EMBEDDING_QUERY_PREFIX: '为这个句子生成表示以用于检索相关文章：', HANGJIA_EMBEDDING_DOCUMENT_PREFIX: 'passage: ' },
      cwd: temporaryDirectory(),
      flags: { home: temporaryDirectory() },
    });
    expect(config.embedding).toMatchObject({ queryPrefix: '为这个句子生成表示以用于检索相关文章：', documentPrefix: 'passage: ' });
    expect(provenance['embedding.queryPrefix']).toBe('env:HANGJIA_EMBEDDING_QUERY_PREFIX');
    const components = createDefaultComponents(config)({ sources: [], include: [], exclude: [], maxFileBytes: 1, chunking: DEFAULT_CONFIG.chunking });
    expect(components.embeddingPrefixes).toEqual({ query: '为这个句子生成表示以用于检索相关文章：', document: 'passage: ' });
    expect(createDefaultComponents(DEFAULT_CONFIG)({ sources: [], include: [], exclude: [], maxFileBytes: 1, chunking: DEFAULT_CONFIG.chunking }).embeddingPrefixes).toBeUndefined();
  });

  it('checks the lexical settings, naming the setting and where it came from', () => {
    const home = temporaryDirectory();
    expect(loadConfig({ env: {}, cwd: temporaryDirectory(), flags: { home, 'search.titleWeight': '0', 'search.k1': '0.9' } }).config.search).toMatchObject({ titleWeight: 0, k1: 0.9 });
    expect(() => loadConfig({ env: {}, cwd: temporaryDirectory(), flags: { home, 'search.titleWeight': -1 } })).toThrow('Setting "search.titleWeight" must be from 0 to 100; got -1 (from flag).');
    expect(() => loadConfig({ env: {}, cwd: temporaryDirectory(), flags: { home, 'search.groupWeight': 'lots' } })).toThrow('Setting "search.groupWeight" must be a number, got "lots" (from flag).');
    expect(() => loadConfig({ env: {}, cwd: temporaryDirectory(), flags: { home, 'search.citationWeight': -0.5 } })).toThrow('Setting "search.citationWeight" must be from 0 to 100; got -0.5 (from flag).');
  });
});
