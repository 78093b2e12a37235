import { describe, expect, it } from 'vitest';
import { useTemporaryDirectories } from '../../test/support/temporary-directory.js';
import { createDefaultComponents } from '../presets/index.js';
import { DEFAULT_CONFIG } from './config.js';
import fs from 'node:fs';
import path from 'node:path';
import { describeConfig, loadConfig } from './load-config.js';

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

  it('takes store.url from the config file, HANGJIA_STORE_URL over it, and shows it without the password', () => {
    const cwd = temporaryDirectory();
    fs.writeFileSync(path.join(cwd, 'hangjia.config.yaml'), 'store:\n  url: postgres://app:from-file@db.internal:5432/kb\n');
    const home = temporaryDirectory();
    const fromFile = loadConfig({ env: {}, cwd, flags: { home } });
    expect(fromFile.config.store.url).toBe('postgres://app:from-file@db.internal:5432/kb');
    expect(fromFile.provenance['store.url']).toBe(`file:${path.join(cwd, 'hangjia.config.yaml')}`);
    const fromEnvironment = loadConfig({ env: { HANGJIA_STORE_URL: 'postgres://app:from-env@127.0.0.1:6543/kb?schema=firm' }, cwd, flags: { home } });
    expect(fromEnvironment.config.store.url).toBe('postgres://app:from-env@127.0.0.1:6543/kb?schema=firm');
    expect(describeConfig(fromEnvironment).find(([key]) => key === 'store.url')).toEqual(['store.url', '"postgres://app:***@127.0.0.1:6543/kb?schema=firm"', 'env:HANGJIA_STORE_URL']);
  });

  it('leaves store.url unset by default: knowledge bases are SQLite files under home', () => {
    const loaded = loadConfig({ env: {}, cwd: temporaryDirectory(), flags: { home: temporaryDirectory() } });
    expect(loaded.config.store).toEqual({});
    expect(describeConfig(loaded).find(([key]) => key === 'store.url')).toEqual(['store.url', '(unset)', 'default']);
  });
});
