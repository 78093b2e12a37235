import { describe, expect, it } from 'vitest';
import { useTemporaryDirectories } from '../../test/support/temporary-directory.js';
import { createDefaultComponents, createVectorStoreConnectorFromConfig } from '../presets/index.js';
import { DEFAULT_CONFIG } from './config.js';
import { loadConfig, SECRET_KEYS } from './load-config.js';

const temporaryDirectory = useTemporaryDirectories();
const SETTINGS = { sources: [], include: [], exclude: [], maxFileBytes: 1, chunking: DEFAULT_CONFIG.chunking };

describe('vectors.* settings', () => {
  it('default to the in-process flat index: no connector in the components', () => {
    expect(DEFAULT_CONFIG.vectors).toEqual({ store: 'flat' });
    expect(createDefaultComponents(DEFAULT_CONFIG)(SETTINGS).vectorStore).toBeUndefined();
  });

  it('read store, url and api key from the environment, keep the key secret, and wire a connector of that kind', () => {
    const { config, provenance } = loadConfig({
      env: { HANGJIA_VECTORS_STORE: 'qdrant', HANGJIA_VECTORS_URL: 'http://127.0.0.1:6333', HANGJIA_VECTORS_API_KEY: 'k' },
      cwd: temporaryDirectory(),
      flags: { home: temporaryDirectory() },
    });
    expect(config.vectors).toEqual({ store: 'qdrant', url: 'http://127.0.0.1:6333', apiKey: 'k' });
    expect(provenance['vectors.store']).toBe('env:HANGJIA_VECTORS_STORE');
    expect(SECRET_KEYS.has('vectors.apiKey')).toBe(true);
    expect(createDefaultComponents(config)(SETTINGS).vectorStore?.kind).toBe('qdrant');
    expect(createVectorStoreConnectorFromConfig({ store: 'milvus', url: '127.0.0.1:19530' })?.kind).toBe('milvus');
  });

  it('refuses an unknown store and a database store without a url, naming the setting', () => {
    expect(() => loadConfig({ env: { HANGJIA_VECTORS_STORE: 'faiss' }, cwd: temporaryDirectory(), flags: { home: temporaryDirectory() } })).toThrow(
      expect.objectContaining({ code: 'E_CONFIG', message: expect.stringContaining('vectors.store') }),
    );
    expect(() => createVectorStoreConnectorFromConfig({ store: 'milvus' })).toThrow(expect.objectContaining({ code: 'E_CONFIG', details: { setting: 'vectors.url', store: 'milvus' } }));
  });
});
