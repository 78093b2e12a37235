import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config/index.js';
import { createDefaultComponents } from '../presets/index.js';
import { useTemporaryDirectories, writeFiles } from '../../test/support/temporary-directory.js';
import type { Chunker } from '../chunking/index.js';
import { createKnowledgeBase, type KnowledgeBaseComponents, type KnowledgeBaseSettings } from './index.js';

const temporaryDirectory = useTemporaryDirectories();

describe('a failure inside one file is that file’s failure, not the sync’s', () => {
  it('ingests 5,000 nested <div>s (a stack overflow on the recursive converter) and the files beside it', async () => {
    const home = temporaryDirectory();
    const root = temporaryDirectory();
    writeFiles(root, {
      'deep.html': `<html><body>${'<div>'.repeat(5000)}深层嵌套的页面正文${'</div>'.repeat(5000)}</body></html>`,
      'guide.md': '# 指南\n\n长按复位键十秒。\n',
    });
    const components = createDefaultComponents(DEFAULT_CONFIG);
    const knowledgeBase = createKnowledgeBase({ home, name: 'deep', settings: { sources: [root], include: [], exclude: [], maxFileBytes: DEFAULT_CONFIG.ingest.maxFileBytes, chunking: DEFAULT_CONFIG.chunking } }, components);
    try {
      const counters = await knowledgeBase.sync();
      expect({ added: counters.added, failed: counters.failed }).toEqual({ added: 2, failed: 0 });
      const { hits } = await knowledgeBase.search('深层嵌套', { k: 1 });
      expect(hits[0]?.chunk.text).toBe('深层嵌套的页面正文');
    } finally {
      knowledgeBase.close();
    }
  });

  it('records an exception thrown while chunking one file as that file’s E_CHUNK_FAILED and ingests the others', async () => {
    const home = temporaryDirectory();
    const root = temporaryDirectory();
    writeFiles(root, { 'bad.md': '# 坏\n\n触发分块错误。\n', 'good.md': '# 好\n\n正常的文件。\n' });
    const defaults = createDefaultComponents(DEFAULT_CONFIG);
    // The real chunker, made to throw a non-HangjiaError on one document as a chunker bug would.
    const withFailingChunker = (settings: KnowledgeBaseSettings): KnowledgeBaseComponents => {
      const components = defaults(settings);
      const chunker: Chunker = {
        ...components.chunker,
        chunk: (document) => {
          if (document.text.includes('触发')) throw new RangeError('Maximum call stack size exceeded');
          return components.chunker.chunk(document);
        },
      };
      return { ...components, chunker };
    };
    const knowledgeBase = createKnowledgeBase(
      { home, name: 'mixed', settings: { sources: [root], include: [], exclude: [], maxFileBytes: DEFAULT_CONFIG.ingest.maxFileBytes, chunking: DEFAULT_CONFIG.chunking } },
      withFailingChunker,
    );
    try {
      const counters = await knowledgeBase.sync();
      expect({ added: counters.added, failed: counters.failed }).toEqual({ added: 1, failed: 1 });
      expect(counters.failures).toEqual([
        { path: path.join(root, 'bad.md'), code: 'E_CHUNK_FAILED', message: expect.stringContaining('Maximum call stack size exceeded') as unknown as string },
      ]);
      expect(knowledgeBase.stats().lastRuns[0]?.status).toBe('completed-with-errors');
    } finally {
      knowledgeBase.close();
    }
  });
});
