import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config/index.js';
import { createDefaultComponents } from '../presets/index.js';
import { useTemporaryDirectories, writeFiles } from '../../test/support/temporary-directory.js';
import { buildDerivedIndexes, buildDerivedIndexesInParallel } from './derived-indexes.js';
import { createKnowledgeBase } from './index.js';

const temporaryDirectory = useTemporaryDirectories();

/** A jsonl statute table (one article a row, grouped by statute) and a handbook file, so rows, files, groups and citations all occur. */
function corpusFiles(): Record<string, string> {
  const rows = Array.from({ length: 240 }, (_, index) => {
    const statute = ['劳动合同法', '消费者权益保护法', '民法典', '公司法'][index % 4]!;
    return JSON.stringify({ id: `law-${index}`, title: `${statute}第${index + 1}条`, text: `依照《${['民法典', '公司法'][index % 2]}》，用人单位与劳动者第${index}项约定的试用期、工资和经济补偿，应当书面载明。` });
  });
  return {
    'statutes.jsonl': `${rows.join('\n')}\n`,
    '星河网络员工手册.txt': '星河网络员工手册\n\n第一条 劳动合同期限三年以上的，试用期不得超过六个月。\n\n第二条 依照《劳动合同法》解除劳动合同的，公司支付经济补偿。\n',
  };
}

describe('derived indexes', () => {
  it('are the same built on worker threads, streamed from the store, as on one thread', async () => {
    const home = temporaryDirectory();
    const root = temporaryDirectory();
    writeFiles(root, corpusFiles());
    const components = createDefaultComponents({ ...DEFAULT_CONFIG, embedding: { provider: 'none' } });
    const kb = createKnowledgeBase({ home, name: 'parallel', settings: { sources: [root], include: [], exclude: [], maxFileBytes: DEFAULT_CONFIG.ingest.maxFileBytes, chunking: DEFAULT_CONFIG.chunking } }, components);
    await kb.sync();
    const serialDirectory = path.join(temporaryDirectory(), 'serial');
    const parallelDirectory = path.join(temporaryDirectory(), 'parallel');
    const serial = buildDerivedIndexes(kb.store, serialDirectory, { analyzer: kb.analyzer });
    const parallel = await buildDerivedIndexesInParallel(kb.store, parallelDirectory, { analyzer: kb.analyzer, threads: 2, parallelFrom: 0 });
    kb.close();
    expect(fs.readFileSync(path.join(parallelDirectory, 'lexical.bin')).equals(fs.readFileSync(path.join(serialDirectory, 'lexical.bin')))).toBe(true);
    const { builtAt: _builtAt, lexical: { buildMs: _parallelMs, ...parallelLexical }, ...parallelManifest } = parallel.manifest;
    const { builtAt: _serialBuiltAt, lexical: { buildMs: _serialMs, ...serialLexical }, ...serialManifest } = serial.manifest;
    expect(parallelManifest).toEqual(serialManifest);
    expect(parallelLexical).toEqual(serialLexical);
    expect(serialLexical.chunks).toBeGreaterThan(240);
    expect(serialLexical.mostCited?.map(({ title }) => title)).toEqual(expect.arrayContaining(['民法典', '公司法', '劳动合同法']));
  }, 60_000);
});
