import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureTinyOnnxEmbedder } from '../../../test/fixtures/make-tiny-onnx-embedder.js';
import { useTemporaryDirectories, writeFiles } from '../../../test/support/temporary-directory.js';
import { createAnalyzer } from '../../analysis/index.js';
import { createChunker } from '../../chunking/index.js';
import { DEFAULT_CONFIG } from '../../config/index.js';
import { HangjiaError } from '../../errors/index.js';
import type { DisposableEmbeddingModel } from '../../models/index.js';
import { createTransformersEmbeddingModel } from '../../providers/index.js';
import { KnowledgeBase, createKnowledgeBase, type KnowledgeBaseComponents } from '../knowledge-base.js';
import { SqliteKnowledgeBaseStore } from '../store/sqlite-store.js';
import type { KnowledgeBaseStore } from '../store/knowledge-base-store.js';
import { exportKnowledgeBase } from './export-knowledge-base.js';
import { importKnowledgeBase, IMPORT_META_KEY } from './import-knowledge-base.js';

const temporaryDirectory = useTemporaryDirectories();
const models: DisposableEmbeddingModel[] = [];
afterAll(async () => {
  for (const model of models) await model.dispose();
});

async function components(): Promise<KnowledgeBaseComponents> {
  const model = createTransformersEmbeddingModel({ modelDir: await ensureTinyOnnxEmbedder() });
  models.push(model);
  return { analyzer: createAnalyzer(), chunker: createChunker(DEFAULT_CONFIG.chunking), embeddingModel: model };
}

const FILES = {
  'civil.md': '# 民法典\n\n## 侵权责任\n\n侵权责任的诉讼时效为三年。\n\n## 合同\n\n合同纠纷应当协商解决。\n',
  'labour.md': '# 劳动法\n\n## 试用期\n\n试用期最长不得超过六个月。\n',
  'cases.csv': 'id,title,text\nc1,工伤案,职工在工作时间受伤应认定为工伤。\nc2,加班案,加班费按工资的百分之一百五十支付。\nc3,辞退案,违法解除劳动合同应支付赔偿金。\n',
  // Not a PDF: the file fails, and the export must carry the failure too.
  'broken.pdf': 'this is not a pdf',
};

/** A knowledge base with rows, a failed file, a file-level and a document-level access override, and embeddings. */
async function fixtureKnowledgeBase(): Promise<KnowledgeBase> {
  const home = temporaryDirectory();
  const root = temporaryDirectory();
  writeFiles(root, FILES);
  const settings = { sources: [root], include: [], exclude: [], maxFileBytes: DEFAULT_CONFIG.ingest.maxFileBytes, chunking: DEFAULT_CONFIG.chunking };
  const knowledgeBase = createKnowledgeBase({ home, name: 'law', settings }, await components());
  knowledgeBase.setSourceFileGroups(path.join(root, 'labour.md'), ['hr']);
  await knowledgeBase.sync();
  const caseDocument = knowledgeBase.listDocuments().find((document) => document.rowKey === 'c2')!;
  knowledgeBase.setDocumentGroups(caseDocument.id, ['legal']);
  return knowledgeBase;
}

function newSqliteStore(): KnowledgeBaseStore {
  return SqliteKnowledgeBaseStore.open(path.join(temporaryDirectory(), 'kb.sqlite'), { create: true });
}

describe('kb export / import (SQLite to SQLite)', () => {
  it('exports every part with counts and hashes, and an import reproduces them and searches alike', async () => {
    const source = await fixtureKnowledgeBase();
    const file = path.join(temporaryDirectory(), 'law.jsonl');
    const exported = exportKnowledgeBase(source.store, { name: 'law', file });
    const counts = source.store.counts();
    // 4 files (one failed), 2 markdown documents + 3 rows, one file override (labour.md).
    expect(counts).toMatchObject({ sourceFiles: 4, failedFiles: 1, documents: 5 });
    expect(exported.digest.sourceFiles.count).toBe(4);
    expect(exported.digest.documents.count).toBe(5);
    expect(exported.digest.chunks.count).toBe(counts.chunks);
    expect(exported.digest.embeddings.count).toBe(counts.chunks);
    expect(exported.digest.fileOverrides.count).toBe(1);
    expect(fs.existsSync(`${file}.partial`)).toBe(false);

    const target = newSqliteStore();
    const imported = await importKnowledgeBase(target, { file });
    expect(imported).toMatchObject({ resumed: false, documentsWritten: 5, documentsSkipped: 0, embeddingsWritten: counts.chunks, exportedName: 'law' });
    expect(imported.digest).toEqual(exported.digest);
    expect(target.counts()).toEqual(counts);
    expect(JSON.parse(target.getMeta(IMPORT_META_KEY)!)).toMatchObject({ exportId: exported.exportId, status: 'verified' });
    expect(target.sourceFiles().find((row) => row.path.endsWith('broken.pdf'))).toMatchObject({ status: 'failed', errorCode: source.store.sourceFiles().find((row) => row.path.endsWith('broken.pdf'))!.errorCode });

    const copy = new KnowledgeBase('law', temporaryDirectory(), target, await components());
    for (const query of ['试用期最长多久', '加班费怎么算']) {
      const [original, moved] = [await source.search(query, { k: 3 }), await copy.search(query, { k: 3 })];
      expect(moved.mode).toBe('hybrid');
      expect(moved.hits.map((hit) => [hit.chunk.id, hit.score])).toEqual(original.hits.map((hit) => [hit.chunk.id, hit.score]));
    }
    // The admin's groups survive: a caller outside "legal" does not see the overridden row.
    const rowKeysFor = async (groups: string[]): Promise<Array<string | undefined>> => (await copy.search('加班费', { k: 5, mode: 'lexical', access: { groups } })).hits.map((hit) => hit.documentRowKey);
    expect(await rowKeysFor(['legal'])).toContain('c2');
    expect(await rowKeysFor(['hr'])).not.toContain('c2');
    copy.close();
    source.close();
  });

  it('continues an interrupted import after the batches it finished, and ends with the same content', async () => {
    const source = await fixtureKnowledgeBase();
    const file = path.join(temporaryDirectory(), 'law.jsonl');
    const exported = exportKnowledgeBase(source.store, { name: 'law', file });
    const target = newSqliteStore();
    // One document per transaction, interrupted after the third: what was committed stays.
    await expect(
      importKnowledgeBase(target, {
        file,
        batchSize: 1,
        onProgress: ({ documents }) => {
          if (documents === 3) throw new Error('killed');
        },
      }),
    ).rejects.toThrow('killed');
    expect(target.counts().documents).toBe(3);
    const resumed = await importKnowledgeBase(target, { file, batchSize: 1 });
    expect(resumed).toMatchObject({ resumed: true, documentsSkipped: 3, documentsWritten: 2 });
    expect(resumed.digest).toEqual(exported.digest);
    source.close();
  });

  it('refuses a cut-short export, another export into the same store, and a file that is no export', async () => {
    const source = await fixtureKnowledgeBase();
    const directory = temporaryDirectory();
    const file = path.join(directory, 'law.jsonl');
    exportKnowledgeBase(source.store, { name: 'law', file });
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    const truncated = path.join(directory, 'truncated.jsonl');
    fs.writeFileSync(truncated, `${lines.slice(0, -1).join('\n')}\n`);
    const error = await importKnowledgeBase(newSqliteStore(), { file: truncated }).catch((caught: unknown) => caught);
    expect(HangjiaError.is(error, 'E_IMPORT_TRUNCATED')).toBe(true);

    const target = newSqliteStore();
    await importKnowledgeBase(target, { file });
    const second = path.join(directory, 'second.jsonl');
    exportKnowledgeBase(source.store, { name: 'law', file: second });
    await expect(importKnowledgeBase(target, { file: second })).rejects.toThrow(/holds an import of another export/);

    const notAnExport = path.join(directory, 'notes.jsonl');
    fs.writeFileSync(notAnExport, '{"question":"?"}\n');
    await expect(importKnowledgeBase(newSqliteStore(), { file: notAnExport })).rejects.toThrow(`${notAnExport} is not a readable hangjia knowledge-base export: no header on its first line.`);
    source.close();
  });
});
