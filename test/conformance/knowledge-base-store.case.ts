/**
 * The conformance suite every `KnowledgeBaseStore` runs (see
 * `src/knowledge-base/store/sqlite-store.test.ts` and `postgres-store.test.ts`): what sync, the
 * indexes, access control and the server rely on, whatever holds the rows.
 *
 * @example
 * runKnowledgeBaseStoreConformance('sqlite', () => sqliteFactory(temporaryDirectory()));
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HangjiaError } from '../../src/errors/index.js';
import type { DocumentWithChunks, KnowledgeBaseStore, SourceFileRow } from '../../src/knowledge-base/index.js';
import type { StoreLocation } from '../../src/knowledge-base/store/open-store.js';
import { syncSourceFiles } from '../../src/knowledge-base/sync-knowledge-base.js';
import { storeSyncOptions as syncOptions } from '../support/store-sync-options.js';
import { writeFiles } from '../support/temporary-directory.js';

/** How the suite reaches one implementation. Each `name` is a fresh knowledge base. */
export interface KnowledgeBaseStoreFactory {
  /** Opens knowledge base `name`, created empty when new. */
  open(name: string): KnowledgeBaseStore;
  /** Where a child process finds the same knowledge base (`test/support/sync-store-child.ts`). */
  locate(name: string): StoreLocation;
  /**
   * Writes `name` in the layout of the implementation's previous schema version, holding the file
   * `/old/a.txt` with document `old-1` (text `旧的文本`) and its chunk `old-1#0`.
   */
  seedOlderVersion(name: string): void | Promise<void>;
  /** Marks `name`'s store as written by a newer hangjia (a schema version beyond the known ones). */
  seedNewerVersion(name: string): void | Promise<void>;
  /** The error code the implementation refuses a newer schema with. */
  newerVersionCode: string;
  /** A folder for fixture sources, removed after the test. */
  temporaryDirectory(): string;
}

const SOURCE_ROOT = '/corpus';

function sourceFile(relativePath: string, fileHash = `hash-${relativePath}`): Omit<SourceFileRow, 'status' | 'errorCode' | 'errorMessage' | 'documentCount'> {
  return { path: `${SOURCE_ROOT}/${relativePath}`, root: SOURCE_ROOT, relativePath, format: 'md', size: 100, mtimeMs: 1_700_000_000_000.5, fileHash };
}

/** A document with `chunkTexts.length` chunks; ids are `<id>#<n>`, text hashes `h:<text>` (equal texts share an embedding). */
function documentWithChunks(id: string, chunkTexts: string[], options: { title?: string; rowKey?: string } = {}): DocumentWithChunks {
  const text = chunkTexts.join('\n');
  let offset = 0;
  return {
    document: {
      id,
      sourcePath: `${SOURCE_ROOT}/${id}.md`,
      format: 'md',
      title: options.title ?? `标题 ${id}`,
      text,
      contentHash: `content-${id}`,
      metadata: { origin: 'conformance' },
      ...(options.rowKey === undefined ? {} : { rowKey: options.rowKey }),
    },
    chunks: chunkTexts.map((chunkText, index) => {
      const start = offset;
      offset += chunkText.length + 1;
      return {
        chunk: { id: `${id}#${index}`, documentId: id, index, text: chunkText, headingPath: ['第一章', `第${index + 1}节`], start, end: start + chunkText.length, tokenCount: chunkText.length },
        textHash: `h:${chunkText}`,
      };
    }),
  };
}

function expectError(run: () => unknown, code: string): HangjiaError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(HangjiaError.is(caught, code), `expected ${code}, got ${String(caught)}`).toBe(true);
  return caught as HangjiaError;
}

export function runKnowledgeBaseStoreConformance(implementation: string, factory: () => KnowledgeBaseStoreFactory): void {
  describe(`KnowledgeBaseStore conformance: ${implementation}`, () => {
    const opened: KnowledgeBaseStore[] = [];
    let names = 0;
    const fresh = (): { store: KnowledgeBaseStore; name: string; reopen: () => KnowledgeBaseStore } => {
      const stores = factory();
      const name = `conformance-${process.pid}-${++names}`;
      const open = (): KnowledgeBaseStore => {
        const store = stores.open(name);
        opened.push(store);
        return store;
      };
      return { store: open(), name, reopen: open };
    };
    afterEach(() => {
      for (const store of opened.splice(0)) store.close();
    });

    it('keeps meta entries, one at a time and several in one transaction', () => {
      const { store, reopen } = fresh();
      expect(store.getMeta('settings')).toBeUndefined();
      store.setMeta('settings', '{"sources":["/corpus"]}');
      store.setMetaEntries({ name: '手册', createdAt: '2026-01-02T03:04:05.000Z', settings: '{"sources":[]}' });
      const again = reopen();
      expect(again.getMeta('name')).toBe('手册');
      expect(again.getMeta('createdAt')).toBe('2026-01-02T03:04:05.000Z');
      expect(JSON.parse(again.getMeta('settings')!)).toEqual({ sources: [] });
    });

    it('stores a file whole and reads it back through every reader, bumping the generation once', () => {
      const { store } = fresh();
      const start = store.generation();
      store.replaceSourceFile(sourceFile('b.md'), [documentWithChunks('b-1', ['劳动合同期限三个月以上不满一年的，试用期不得超过一个月。', '第二段'])]);
      store.replaceSourceFile(sourceFile('a.md'), [documentWithChunks('a-1', ['第一段'], { rowKey: 'row-7' }), documentWithChunks('a-2', ['独立'])]);
      expect(store.generation()).toBe(start + 2);

      expect(store.sourceFiles()).toEqual([
        { ...sourceFile('a.md'), status: 'indexed', errorCode: null, errorMessage: null, documentCount: 2, accessGroups: [] },
        { ...sourceFile('b.md'), status: 'indexed', errorCode: null, errorMessage: null, documentCount: 1, accessGroups: [] },
      ]);
      // Path order, then id order: the listing is the same under every store.
      expect(store.documents().map((document) => [document.path, document.id, document.chunks, document.characters])).toEqual([
        ['/corpus/a.md', 'a-1', 1, 3],
        ['/corpus/a.md', 'a-2', 1, 2],
        ['/corpus/b.md', 'b-1', 2, 32],
      ]);
      expect(store.documents({ offset: 1, limit: 1 }).map((document) => document.id)).toEqual(['a-2']);
      expect(store.rowKeys()).toEqual(['row-7']);
      // Document order, then chunk order: the order the index builder sees.
      expect([...store.iterateChunks()].map((stored) => stored.chunk.id)).toEqual(['a-1#0', 'a-2#0', 'b-1#0', 'b-1#1']);
      const [first] = store.chunksOfDocument('b-1');
      expect(first).toEqual({
        chunk: { id: 'b-1#0', documentId: 'b-1', index: 0, text: '劳动合同期限三个月以上不满一年的，试用期不得超过一个月。', headingPath: ['第一章', '第1节'], start: 0, end: 28, tokenCount: 28 },
        documentPath: '/corpus/b.md',
        documentTitle: '标题 b-1',
        documentGroups: [],
        textHash: 'h:劳动合同期限三个月以上不满一年的，试用期不得超过一个月。',
      });
      const byId = store.chunksByIds(['a-1#0', 'missing', 'b-1#1']);
      expect([...byId.keys()].sort()).toEqual(['a-1#0', 'b-1#1']);
      expect(byId.get('a-1#0')!.documentRowKey).toBe('row-7');
      expect(store.chunksByIds([]).size).toBe(0);
      expect(store.readDocument('a-1')).toEqual({
        document: { id: 'a-1', title: '标题 a-1', path: '/corpus/a.md', format: 'md', characters: 3, chunks: 1, rowKey: 'row-7' },
        text: '第一段',
        chunks: [byId.get('a-1#0')],
      });
      expect(store.readDocument('missing')).toBeUndefined();
      expect(store.counts()).toEqual({ sourceFiles: 2, failedFiles: 0, documents: 3, chunks: 4, characters: 37, embeddings: 0 });
    });

    it('replaces a file: its old documents and chunks go, the new ones come', () => {
      const { store } = fresh();
      store.replaceSourceFile(sourceFile('a.md'), [documentWithChunks('a-1', ['旧一', '旧二']), documentWithChunks('a-2', ['旧三'])]);
      store.replaceSourceFile(sourceFile('a.md', 'hash-2'), [documentWithChunks('a-1', ['新'])]);
      expect([...store.iterateChunks()].map((stored) => stored.chunk.text)).toEqual(['新']);
      expect(store.sourceFiles()[0]).toMatchObject({ fileHash: 'hash-2', documentCount: 1 });
      expect(store.counts().documents).toBe(1);
    });

    it('leaves nothing half-written when a replace fails (a document id another file owns)', () => {
      const { store } = fresh();
      store.replaceSourceFile(sourceFile('a.md'), [documentWithChunks('shared', ['甲'])]);
      store.replaceSourceFile(sourceFile('b.md'), [documentWithChunks('b-1', ['乙'])]);
      const generation = store.generation();
      const error = expectError(
        () => store.replaceSourceFile(sourceFile('b.md', 'hash-new'), [documentWithChunks('b-2', ['丙']), documentWithChunks('shared', ['丁'])]),
        'E_DOCUMENT_ID_CONFLICT',
      );
      expect(error.details).toMatchObject({ path: '/corpus/b.md', documentId: 'shared', other: '/corpus/a.md' });
      // b.md keeps its old version whole: the delete, upsert and first insert were rolled back.
      expect(store.generation()).toBe(generation);
      expect(store.sourceFiles().find((file) => file.path === '/corpus/b.md')).toMatchObject({ fileHash: 'hash-b.md', documentCount: 1 });
      expect([...store.iterateChunks()].map((stored) => stored.chunk.text)).toEqual(['乙', '甲']); // document id order: b-1, shared
    });

    it('writes a large file in batches that survive a restart, and ends or discards it', () => {
      const { store, reopen } = fresh();
      const file = { ...sourceFile('rows.csv'), fileHash: 'rows-v1' };
      store.writeSourceFileBatch(file, [documentWithChunks('r-1', ['一']), documentWithChunks('r-2', ['二'])], { documentsDone: 0, last: false });
      store.writeSourceFileBatch(file, [documentWithChunks('r-3', ['三'])], { documentsDone: 2, last: false });
      const again = reopen();
      expect(again.partialFiles()).toEqual(new Map([['/corpus/rows.csv', { fileHash: 'rows-v1', documentsDone: 3 }]]));
      expect(again.sourceFiles()[0]).toMatchObject({ status: 'indexed', documentCount: 3 });
      again.writeSourceFileBatch(file, [documentWithChunks('r-4', ['四'])], { documentsDone: 3, last: true });
      expect(again.partialFiles().size).toBe(0);
      expect(again.counts()).toMatchObject({ documents: 4, chunks: 4 });

      // Starting over (documentsDone 0) drops what earlier batches stored.
      const generation = again.generation();
      again.writeSourceFileBatch({ ...file, fileHash: 'rows-v2' }, [documentWithChunks('r-9', ['九'])], { documentsDone: 0, last: false });
      expect(again.counts()).toMatchObject({ documents: 1, chunks: 1 });
      again.discardPartialFile('/corpus/rows.csv');
      expect(again.counts()).toMatchObject({ sourceFiles: 1, documents: 0, chunks: 0 });
      expect(again.sourceFiles()[0]!.documentCount).toBe(0);
      expect(again.generation()).toBe(generation + 2);
      // Nothing partial: nothing to discard, and no bump.
      again.discardPartialFile('/corpus/rows.csv');
      expect(again.generation()).toBe(generation + 2);
    });

    it('keeps a failed file\'s last good version, touches unchanged files, and removes files with their documents', () => {
      const { store } = fresh();
      store.replaceSourceFile(sourceFile('a.md'), [documentWithChunks('a-1', ['甲', '乙'])]);
      store.replaceSourceFile(sourceFile('b.md'), [documentWithChunks('b-1', ['丙'])]);
      const generation = store.generation();
      store.markSourceFileFailed({ ...sourceFile('a.md', 'hash-broken'), errorCode: 'E_SOURCE_READ', errorMessage: 'unreadable' });
      store.markSourceFileFailed({ ...sourceFile('c.md'), fileHash: null, errorCode: 'E_SOURCE_READ', errorMessage: 'unreadable' });
      store.touchSourceFile('/corpus/b.md', 1_800_000_000_000.25, 222);
      expect(store.generation()).toBe(generation);
      const files = new Map(store.sourceFiles().map((file) => [file.path, file]));
      expect(files.get('/corpus/a.md')).toMatchObject({ status: 'failed', errorCode: 'E_SOURCE_READ', errorMessage: 'unreadable', documentCount: 1, fileHash: 'hash-broken' });
      expect(files.get('/corpus/c.md')).toMatchObject({ status: 'failed', documentCount: 0, fileHash: null });
      expect(files.get('/corpus/b.md')).toMatchObject({ mtimeMs: 1_800_000_000_000.25, size: 222 });
      expect(store.counts()).toEqual({ sourceFiles: 3, failedFiles: 2, documents: 2, chunks: 3, characters: 4, embeddings: 0 });

      store.removeSourceFiles(['/corpus/a.md', '/corpus/c.md']);
      expect(store.generation()).toBe(generation + 1);
      expect(store.counts()).toEqual({ sourceFiles: 1, failedFiles: 0, documents: 1, chunks: 1, characters: 1, embeddings: 0 });
      store.removeSourceFiles([]);
      expect(store.generation()).toBe(generation + 1);
    });

    it('applies access groups and overrides, and filters every reader by them', () => {
      const { store } = fresh();
      store.replaceSourceFile(sourceFile('public.md'), [documentWithChunks('p-1', ['公开'])]);
      store.replaceSourceFile(sourceFile('hr.md'), [documentWithChunks('h-1', ['薪酬']), documentWithChunks('h-2', ['奖金'])], ['hr']);
      store.replaceSourceFile(sourceFile('board.md'), [documentWithChunks('b-1', ['董事会'])], ['board', 'hr']);
      expect(store.sourceFiles().map((file) => file.accessGroups)).toEqual([['board', 'hr'], ['hr'], []]);

      const hr = { groups: ['hr'] };
      const staff = { groups: ['staff'] };
      expect(store.documents({ access: staff }).map((document) => document.id)).toEqual(['p-1']);
      // A caller sees only the groups it holds.
      expect(store.documents({ access: hr }).map((document) => [document.id, document.groups])).toEqual([
        ['b-1', ['hr']],
        ['h-1', ['hr']],
        ['h-2', ['hr']],
        ['p-1', []],
      ]);
      expect(store.accessSummary()).toEqual({ restrictedDocuments: 3, documentsByGroup: { board: 1, hr: 3 } });
      expect(store.accessSummary(staff)).toEqual({ restrictedDocuments: 0, documentsByGroup: {} });
      expect(store.counts(staff)).toEqual({ sourceFiles: 1, failedFiles: 0, documents: 1, chunks: 1, characters: 2, embeddings: 0 });
      expect(store.counts(hr)).toMatchObject({ sourceFiles: 3, documents: 4 });
      expect([...store.iterateRestrictedChunks()].sort((left, right) => left.chunkId.localeCompare(right.chunkId))).toEqual([
        { chunkId: 'b-1#0', groups: '["board","hr"]' },
        { chunkId: 'h-1#0', groups: '["hr"]' },
        { chunkId: 'h-2#0', groups: '["hr"]' },
      ]);

      // A document override beats its file's groups, now and at the next replace.
      let generation = store.generation();
      store.setAccessOverride('document', 'h-2', ['payroll']);
      expect(store.generation()).toBe(generation + 1);
      expect(store.documentAccess('h-2')).toEqual({ sourcePath: '/corpus/hr.md', groups: ['payroll'] });
      expect(store.applySourceFileGroups('/corpus/hr.md', ['hr', 'staff'])).toBe(1);
      expect(store.documentAccess('h-1')!.groups).toEqual(['hr', 'staff']);
      expect(store.documentAccess('h-2')!.groups).toEqual(['payroll']);
      generation = store.generation();
      expect(store.applySourceFileGroups('/corpus/hr.md', ['hr', 'staff'])).toBe(0);
      expect(store.generation()).toBe(generation);
      store.replaceSourceFile(sourceFile('hr.md', 'hash-2'), [documentWithChunks('h-1', ['薪酬']), documentWithChunks('h-2', ['奖金'])], ['hr']);
      expect(store.documentAccess('h-2')!.groups).toEqual(['payroll']);
      // Removed, the document falls back to its file's groups.
      store.setAccessOverride('document', 'h-2', null);
      expect(store.documentAccess('h-2')!.groups).toEqual(['hr']);
      expect(store.documentAccess('missing')).toBeUndefined();

      // File overrides are recorded for the sync rules to read; they change no document by themselves.
      generation = store.generation();
      store.setAccessOverride('file', '/corpus/public.md', ['staff']);
      expect(store.fileAccessOverrides()).toEqual(new Map([['/corpus/public.md', ['staff']]]));
      expect(store.generation()).toBe(generation);
      store.setAccessOverride('file', '/corpus/public.md', null);
      expect(store.fileAccessOverrides().size).toBe(0);
    });

    it('keeps embeddings by model and text hash, byte for byte, and prunes those no chunk uses', () => {
      const { store } = fresh();
      store.replaceSourceFile(sourceFile('a.md'), [documentWithChunks('a-1', ['同', '异']), documentWithChunks('a-2', ['同'])]);
      expect(store.textsMissingEmbeddings('model-a')).toEqual([
        { textHash: 'h:同', text: '同' },
        { textHash: 'h:异', text: '异' },
      ]);
      const vector = new Float32Array([0.1, -2.5, 3.4028234663852886e38, Number.MIN_VALUE]);
      store.saveEmbeddings('model-a', [{ textHash: 'h:同', vector }]);
      store.saveEmbeddings('model-a', [{ textHash: 'h:同', vector }, { textHash: 'h:异', vector: new Float32Array([1, 2, 3, 4]) }]);
      store.saveEmbeddings('model-b', [{ textHash: 'h:gone', vector: new Float32Array([9, 9, 9, 9]) }]);
      expect(store.textsMissingEmbeddings('model-a')).toEqual([]);
      const embeddings = [...store.iterateChunkEmbeddings('model-a')];
      expect(embeddings.map((item) => item.chunkId)).toEqual(['a-1#0', 'a-1#1', 'a-2#0']);
      expect([...embeddings[0]!.vector]).toEqual([...vector]);
      expect([...embeddings[2]!.vector]).toEqual([...vector]);
      expect(store.counts().embeddings).toBe(3);
      expect(store.pruneEmbeddings()).toBe(1);
      expect(store.counts().embeddings).toBe(2);
    });

    it('records ingest runs, newest first', () => {
      const { store } = fresh();
      const first = store.startRun();
      store.finishRun(first, 'completed', { added: 2 });
      const second = store.startRun();
      const runs = store.recentRuns();
      expect(runs.map((run) => [run.id, run.status, run.counters, run.finishedAt === null])).toEqual([
        [second, 'running', null, true],
        [first, 'completed', { added: 2 }, false],
      ]);
      expect(store.recentRuns(1)).toHaveLength(1);
    });

    it('reads through pages of many chunks in order', () => {
      const { store } = fresh();
      const texts = Array.from({ length: 2600 }, (_, index) => `段落${index}`);
      store.replaceSourceFile(sourceFile('long.md'), [documentWithChunks('long', texts)]);
      store.saveEmbeddings('m', texts.map((text, index) => ({ textHash: `h:${text}`, vector: new Float32Array([index]) })));
      store.applySourceFileGroups('/corpus/long.md', ['hr']);
      const chunks = [...store.iterateChunks()];
      expect(chunks).toHaveLength(2600);
      expect(chunks.every((stored, index) => stored.chunk.index === index)).toBe(true);
      expect(new Set([...store.iterateChunkEmbeddings('m')].map((item) => item.chunkId)).size).toBe(2600);
      expect([...store.iterateRestrictedChunks()]).toHaveLength(2600);
    });

    it('pins a read snapshot that another writer does not disturb until it is released', () => {
      const { store: reader, reopen } = fresh();
      const writer = reopen();
      writer.replaceSourceFile(sourceFile('a.md'), [documentWithChunks('a-1', ['甲'])]);
      reader.pinSnapshot();
      const generation = reader.generation();
      writer.replaceSourceFile(sourceFile('b.md'), [documentWithChunks('b-1', ['乙'])]);
      expect(reader.generation()).toBe(generation);
      expect(reader.counts().documents).toBe(1);
      reader.releaseSnapshot();
      expect(reader.generation()).toBe(generation + 1);
      expect(reader.counts().documents).toBe(2);
      reader.releaseSnapshot();
    });

    it('migrates a store of the previous schema version, keeping what it holds', async () => {
      const stores = factory();
      const name = `older-${process.pid}-${++names}`;
      await stores.seedOlderVersion(name);
      const store = stores.open(name);
      opened.push(store);
      expect(store.readDocument('old-1')).toMatchObject({ text: '旧的文本', chunks: [{ chunk: { id: 'old-1#0' }, documentGroups: [] }] });
      expect(store.documentAccess('old-1')).toEqual({ sourcePath: '/old/a.txt', groups: [] });
      store.applySourceFileGroups('/old/a.txt', ['hr']);
      expect(store.documents({ access: { groups: [] } })).toEqual([]);
    });

    it('refuses a store written by a newer hangjia, saying so', async () => {
      const stores = factory();
      const name = `newer-${process.pid}-${++names}`;
      await stores.seedNewerVersion(name);
      const error = expectError(() => opened.push(stores.open(name)), stores.newerVersionCode);
      expect(error.message).toMatch(/newer hangjia/);
    });

    it('resumes a sync killed mid-way: the same counts as an uninterrupted one, nothing duplicated', async () => {
      const stores = factory();
      const root = stores.temporaryDirectory();
      const files: Record<string, string> = {};
      for (let number = 0; number < 300; number += 1) {
        files[`folder-${number % 5}/article-${number}.md`] = `# 文章 ${number}\n\n${`第${number}号文件，关于试用期和年假的规定。`.repeat(30)}\n`;
      }
      // A csv written in row batches, read first (path order): the kill lands inside it.
      files['0-rows.csv'] = `id,text\n${Array.from({ length: 1500 }, (_, row) => `r${row},第${row}行的内容`).join('\n')}\n`;
      writeFiles(root, files);

      const interrupted = `resume-${process.pid}-${++names}`;
      const killed = await syncInChildAndKill(stores.locate(interrupted), root);
      expect(killed.killed, `the child finished before it could be killed:\n${killed.output}`).toBe(true);
      const store = stores.open(interrupted);
      opened.push(store);
      const before = store.counts();
      expect(before.documents).toBeLessThan(1800);
      expect(store.partialFiles().get(path.join(root, '0-rows.csv'))?.documentsDone).toBe(before.documents);
      await syncSourceFiles(store, syncOptions(root));

      const reference = stores.open(`reference-${process.pid}-${++names}`);
      opened.push(reference);
      await syncSourceFiles(reference, syncOptions(root));
      expect(store.counts()).toEqual(reference.counts());
      expect(store.counts()).toMatchObject({ sourceFiles: 301, documents: 1800, failedFiles: 0 });
      expect(store.partialFiles().size).toBe(0);
      const ids = [...store.iterateChunks()].map((stored) => stored.chunk.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual([...reference.iterateChunks()].map((stored) => stored.chunk.id));
    }, 120_000);
  });
}

const REPOSITORY = path.resolve(import.meta.dirname, '../..');

/** Runs `test/support/sync-store-child.ts` and SIGKILLs it once it has written a third of the csv's rows. */
function syncInChildAndKill(location: StoreLocation, root: string): Promise<{ killed: boolean; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPOSITORY, 'test/support/sync-store-child.ts'), JSON.stringify({ location, root })], {
    cwd: REPOSITORY,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let killed = false;
  const watch = (data: Buffer): void => {
    output += data.toString();
    if (!killed && /^rows ([5-9]\d\d|1[0-4]\d\d)\//m.test(output)) {
      killed = true;
      child.kill('SIGKILL');
    }
  };
  child.stdout.on('data', watch);
  child.stderr.on('data', watch);
  return new Promise((resolve) => child.on('exit', () => resolve({ killed, output })));
}
