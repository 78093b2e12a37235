import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config/index.js';
import { createDefaultComponents } from '../presets/index.js';
import { useTemporaryDirectories, writeFiles } from '../../test/support/temporary-directory.js';
import { MANIFEST_VERSION } from './derived-indexes.js';
import { createKnowledgeBase, openKnowledgeBase, sqliteDatabaseOf, type KnowledgeBaseSettings } from './index.js';
import { sqliteOnly } from '../../test/support/postgres.js';

const sqliteFile = sqliteOnly('it reads the SQLite file or its folder layout directly');

const temporaryDirectory = useTemporaryDirectories();

const STATUTE = `星河网络员工手册

第一章 总则

第一条 为规范公司管理，保障员工合法权益，制定本手册。

第二章 劳动合同

第二条 劳动合同期限三年以上的，试用期不得超过六个月。

第三条 员工在试用期内提前三日通知公司，可以解除劳动合同。
`;

const MANUAL = `# XR-5400 User Guide

## Reset

### Resetting the admin password

Hold the RESET button for 10 seconds until the power light blinks, then sign in with the default password printed on the label.

## Mesh

Press the MESH button on both units within two minutes to pair them.
`;

function settingsFor(root: string): KnowledgeBaseSettings {
  return { sources: [root], include: [], exclude: [], maxFileBytes: DEFAULT_CONFIG.ingest.maxFileBytes, chunking: DEFAULT_CONFIG.chunking };
}

function lexicalComponents() {
  return createDefaultComponents({ ...DEFAULT_CONFIG, embedding: { provider: 'none' } });
}

describe('knowledge base', () => {
  sqliteFile.it('ingests a folder and finds an article by a layperson question, with its place in the source', async () => {
    const home = temporaryDirectory();
    const root = temporaryDirectory();
    writeFiles(root, { 'handbook.txt': STATUTE, 'manual.md': MANUAL });
    const kb = createKnowledgeBase({ home, name: 'demo', settings: settingsFor(root) }, lexicalComponents());
    const counters = await kb.sync();
    expect(counters).toMatchObject({ filesFound: 2, added: 2, updated: 0, unchanged: 0, failed: 0 });

    const { hits, mode } = await kb.search('试用期最长多久', { k: 3 });
    expect(mode).toBe('lexical');
    const top = hits[0]!;
    expect(top.documentPath).toBe(path.join(root, 'handbook.txt'));
    expect(top.chunk.headingPath).toEqual(['星河网络员工手册', '第二章 劳动合同', '第二条']);
    // Offsets point into the stored document text: the article is exactly where the chunk says.
    const row = sqliteDatabaseOf(kb.store, 'this test').prepare('SELECT text FROM documents WHERE id = ?').get(top.chunk.documentId) as { text: string };
    expect(row.text.slice(top.chunk.start, top.chunk.end)).toContain('试用期不得超过六个月');
    kb.close();
  });

  it('syncs incrementally: only changed files are re-read, deleted files disappear from search', async () => {
    const home = temporaryDirectory();
    const root = temporaryDirectory();
    writeFiles(root, { 'handbook.txt': STATUTE, 'manual.md': MANUAL, 'notes.md': '# Notes\n\nThe warranty lasts 24 months.\n' });
    const kb = createKnowledgeBase({ home, name: 'sync', settings: settingsFor(root) }, lexicalComponents());
    await kb.sync();
    const builtAt = kb.stats().index!.builtAt;
    const unchangedRun = await kb.sync();
    expect(unchangedRun).toMatchObject({ added: 0, updated: 0, unchanged: 3, removed: 0 });
    // Nothing changed, so the index on disk stands: not rebuilt.
    expect(kb.stats().index!.builtAt).toBe(builtAt);

    fs.rmSync(path.join(root, 'notes.md'));
    fs.writeFileSync(path.join(root, 'manual.md'), MANUAL.replace('10 seconds', '15 seconds'));
    writeFiles(root, { 'faq.md': '# FAQ\n\nFirmware updates install automatically at night.\n' });
    const changedRun = await kb.sync();
    expect(changedRun).toMatchObject({ added: 1, updated: 1, unchanged: 1, removed: 1 });
    expect(kb.stats()).toMatchObject({ indexCurrent: true, indexStaleReason: null });
    expect(kb.stats().index!.builtAt).not.toBe(builtAt);

    expect((await kb.search('warranty months')).hits).toEqual([]);
    const reset = await kb.search('reset admin password');
    expect(reset.hits[0]!.chunk.text).toContain('15 seconds');
    expect(kb.stats().documents).toBe(3);
    kb.close();
  });

  it('reports a corrupt file by name, keeps going, and keeps the last good version of a file that turned bad', async () => {
    const home = temporaryDirectory();
    const root = temporaryDirectory();
    writeFiles(root, { 'manual.md': MANUAL, 'broken.pdf': '%PDF-1.7 this is not really a pdf' });
    const kb = createKnowledgeBase({ home, name: 'bad', settings: { ...settingsFor(root), maxFileBytes: 2000 } }, lexicalComponents());
    const first = await kb.sync();
    expect(first).toMatchObject({ added: 1, failed: 1 });
    expect(first.failures[0]).toMatchObject({ path: path.join(root, 'broken.pdf'), code: 'E_SOURCE_CORRUPT' });

    // The manual grows past the size limit: the sync reports it, and search still finds the old text.
    fs.writeFileSync(path.join(root, 'manual.md'), `${MANUAL}\n${'More text. '.repeat(300)}`);
    const second = await kb.sync();
    expect(second.failures.map((failure) => failure.code).sort()).toEqual(['E_SOURCE_CORRUPT', 'E_SOURCE_TOO_LARGE']);
    expect(second.failures.find((failure) => failure.code === 'E_SOURCE_TOO_LARGE')!.message).toContain('manual.md');
    expect((await kb.search('pair mesh units')).hits[0]!.documentPath).toBe(path.join(root, 'manual.md'));
    expect(kb.stats().failedFiles.map((file) => path.basename(file.path)).sort()).toEqual(['broken.pdf', 'manual.md']);
    kb.close();
  });

  it('reopens with the same content and rebuilds a stale index from the store', async () => {
    const home = temporaryDirectory();
    const root = temporaryDirectory();
    writeFiles(root, { 'manual.md': MANUAL });
    const created = createKnowledgeBase({ home, name: 'reopen', settings: settingsFor(root) }, lexicalComponents());
    await created.sync();
    created.close();
    fs.rmSync(path.join(home, 'kb', 'reopen', 'index'), { recursive: true });

    const reopened = openKnowledgeBase({ home, name: 'reopen' }, lexicalComponents());
    const reasons: string[] = [];
    const { hits } = await reopened.search('pair mesh units', { onRebuild: (reason) => reasons.push(reason) });
    expect(reasons).toEqual(['no index on disk']);
    expect(hits[0]!.chunk.headingPath).toEqual(['XR-5400 User Guide', 'Mesh']);
    reopened.close();
  });

  it('applies other lexical settings in memory: the stored index is neither rebuilt nor rewritten', async () => {
    const home = temporaryDirectory();
    const root = temporaryDirectory();
    writeFiles(root, { 'manual.md': MANUAL });
    const created = createKnowledgeBase({ home, name: 'tuned', settings: settingsFor(root) }, lexicalComponents());
    await created.sync();
    created.close();
    const reopen = (search: Partial<typeof DEFAULT_CONFIG.search>) =>
      openKnowledgeBase({ home, name: 'tuned' }, createDefaultComponents({ ...DEFAULT_CONFIG, search: { ...DEFAULT_CONFIG.search, ...search } }));
    const indexFiles = () => ['manifest.json', 'lexical.bin'].map((file) => fs.readFileSync(path.join(home, 'kb', 'tuned', 'index', file)).toString('base64'));
    const stored = indexFiles();

    const tuned = reopen({ headingsWeight: 0, k1: 0.9 });
    expect(tuned.stats()).toMatchObject({ indexCurrent: true, indexStaleReason: null });
    const reasons: string[] = [];
    const { hits } = await tuned.search('reset password', { onRebuild: (reason) => reasons.push(reason) });
    expect(reasons).toEqual([]);
    expect(hits[0]!.chunk.headingPath).toEqual(['XR-5400 User Guide', 'Reset', 'Resetting the admin password']);
    tuned.close();
    expect(indexFiles()).toEqual(stored);
    // Scored exactly as a knowledge base built with those settings from the start.
    const builtHome = temporaryDirectory();
    const built = createKnowledgeBase({ home: builtHome, name: 'tuned', settings: settingsFor(root) }, createDefaultComponents({ ...DEFAULT_CONFIG, search: { ...DEFAULT_CONFIG.search, headingsWeight: 0, k1: 0.9 } }));
    await built.sync();
    const fromBuild = await built.search('reset password');
    expect(hits.map((hit) => [hit.chunk.id, hit.score])).toEqual(fromBuild.hits.map((hit) => [hit.chunk.id, hit.score]));
    built.close();
    const again = reopen({ headingsWeight: 0, k1: 0.9 });
    const againReasons: string[] = [];
    // "button" is in both sections of the one document, so each lifts the other (group evidence)…
    const grouped = await again.search('button', { onRebuild: (reason) => againReasons.push(reason) });
    expect(againReasons).toEqual([]);
    again.close();
    // …unless search.groupWeight is 0, a query-time setting that needs no rebuild.
    const ungrouped = reopen({ headingsWeight: 0, k1: 0.9, groupWeight: 0 });
    const plain = await ungrouped.search('button', { onRebuild: (reason) => againReasons.push(reason) });
    expect(againReasons).toEqual([]);
    expect(plain.hits.map((hit) => hit.chunk.id)).toEqual(grouped.hits.map((hit) => hit.chunk.id));
    expect(plain.hits).toHaveLength(2);
    for (const [position, hit] of plain.hits.entries()) {
      const other = plain.hits[1 - position]!;
      expect(grouped.hits[position]!.score).toBeCloseTo(hit.score + 0.2 * (hit.score + other.score), 6);
    }
    ungrouped.close();
  });

  it('files statute articles exported one per row under their statute, so siblings support each other', async () => {
    const home = temporaryDirectory();
    const root = temporaryDirectory();
    const rows = [
      { id: 'a19', title: '劳动合同法第十九条', text: '劳动合同期限三个月以上不满一年的，试用期不得超过一个月。' },
      { id: 'a20', title: '劳动合同法第二十条', text: '劳动者在试用期的工资不得低于本单位相同岗位最低档工资。' },
      { id: 'b7', title: '职工带薪年休假条例第七条', text: '单位不安排职工休年休假又不依照本条例规定给予年休假工资报酬的，由县级以上地方人民政府人事部门责令限期改正。' },
    ];
    writeFiles(root, { 'articles.jsonl': rows.map((row) => JSON.stringify(row)).join('\n') });
    const search = async (groupWeight: number) => {
      const kb = openKnowledgeBase({ home, name: 'rows' }, createDefaultComponents({ ...DEFAULT_CONFIG, search: { ...DEFAULT_CONFIG.search, groupWeight } }));
      const result = await kb.search('试用期工资');
      kb.close();
      return new Map(result.hits.map((hit) => [hit.documentTitle, hit.score]));
    };
    const created = createKnowledgeBase({ home, name: 'rows', settings: settingsFor(root) }, lexicalComponents());
    await created.sync();
    created.close();
    const plain = await search(0);
    const grouped = await search(0.2);
    // Both 劳动合同法 articles match, and each gains a fifth of the pair's scores: one statute.
    const article19 = plain.get('劳动合同法第十九条')!;
    const article20 = plain.get('劳动合同法第二十条')!;
    expect(grouped.get('劳动合同法第十九条')).toBeCloseTo(article19 + 0.2 * (article19 + article20), 6);
    expect(grouped.get('劳动合同法第二十条')).toBeCloseTo(article20 + 0.2 * (article19 + article20), 6);
    // The holiday regulation's article matches 工资 alone and has no matching sibling: its own score only.
    expect(grouped.get('职工带薪年休假条例第七条')).toBeCloseTo(1.2 * plain.get('职工带薪年休假条例第七条')!, 6);
  });

  it('lifts a document that another names by title (《…》), by search.citationWeight', async () => {
    const home = temporaryDirectory();
    const root = temporaryDirectory();
    writeFiles(root, {
      '人事手册.md': '# 人事手册\n\n试用期工资按劳动合同约定发放。\n',
      '考勤制度.md': '# 考勤制度\n\n试用期工资按劳动合同约定发放。\n',
      '报销规定.md': '# 报销规定\n\n本规定依据《人事手册》制定，差旅费凭票报销。\n',
    });
    const created = createKnowledgeBase({ home, name: 'policies', settings: settingsFor(root) }, lexicalComponents());
    await created.sync();
    expect(created.stats().index?.lexical.citedGroups).toBe(1);
    created.close();
    const scores = async (citationWeight: number) => {
      const kb = openKnowledgeBase({ home, name: 'policies' }, createDefaultComponents({ ...DEFAULT_CONFIG, search: { ...DEFAULT_CONFIG.search, citationWeight } }));
      const { hits } = await kb.search('试用期工资');
      kb.close();
      return hits.map((hit) => ({ title: hit.documentTitle, score: hit.score, citedBy: hit.citedBy }));
    };
    const uncited = await scores(0);
    expect(uncited.map((hit) => hit.citedBy)).toEqual([undefined, undefined]);
    const plain = new Map(uncited.map((hit) => [hit.title, hit.score]));
    const handbook = plain.get('人事手册')!;
    const attendance = plain.get('考勤制度')!;
    // Each single-chunk document is its own group, so group evidence scales its score by 1.2:
    // the best first-pass score is max / 1.2. Named by one other document, the handbook gains
    // 0.2 × best first-pass × 1 / (1 + 3) before group evidence, 1.2 × that after it.
    const cited = await scores(0.2);
    expect(cited.map((hit) => [hit.title, hit.citedBy])).toEqual([['人事手册', 1], ['考勤制度', undefined]]);
    expect(cited[0]!.score).toBeCloseTo(handbook + 1.2 * 0.2 * (Math.max(handbook, attendance) / 1.2) * 0.25, 6);
    expect(cited[1]!.score).toBeCloseTo(attendance, 6);
  });

  it('knows a document by its file name as well as its title, but not the rows of a csv/jsonl file', async () => {
    const home = temporaryDirectory();
    const root = temporaryDirectory();
    writeFiles(root, {
      // The handbook's first line (its title) is the company's name; others cite it by its file name.
      '星河员工手册.txt': '星河网络科技有限公司\n\n第一条 试用期不超过六个月。\n',
      '考勤制度.md': '# 考勤制度\n\n迟到按《星河员工手册》处理。\n',
      'rows.jsonl': [{ id: 'r1', title: '问答一', text: '参见《rows》。' }, { id: 'r2', title: '问答二', text: '参见《问答一》。' }].map((row) => JSON.stringify(row)).join('\n'),
    });
    const created = createKnowledgeBase({ home, name: 'named', settings: settingsFor(root) }, lexicalComponents());
    await created.sync();
    // The handbook (by file name) and row r1 (by title); no row is known as "rows".
    expect(created.stats().index?.lexical.citedGroups).toBe(2);
    expect(created.stats().index?.lexical.mostCited).toEqual([
      { title: '星河网络科技有限公司', citedBy: 1 },
      { title: '问答一', citedBy: 1 },
    ]);
    const { hits } = await created.search('试用期');
    expect(hits[0]).toMatchObject({ documentTitle: '星河网络科技有限公司', citedBy: 1 });
    created.close();
  });

  it('rebuilds an index written in an older format, saying so', async () => {
    const home = temporaryDirectory();
    const root = temporaryDirectory();
    writeFiles(root, { 'manual.md': MANUAL });
    const created = createKnowledgeBase({ home, name: 'old', settings: settingsFor(root) }, lexicalComponents());
    await created.sync();
    created.close();
    const manifestPath = path.join(home, 'kb', 'old', 'index', 'manifest.json');
    fs.writeFileSync(manifestPath, JSON.stringify({ ...JSON.parse(fs.readFileSync(manifestPath, 'utf8')), manifestVersion: 1 }));
    const reopened = openKnowledgeBase({ home, name: 'old' }, lexicalComponents());
    const reasons: string[] = [];
    await reopened.search('pair mesh units', { onRebuild: (reason) => reasons.push(reason) });
    expect(reasons).toEqual([`index format 1 is not the current ${MANIFEST_VERSION}`]);
    reopened.close();
  });

  it('asks before a sync that adds nothing removes most documents, and removes nothing when the answer is no', async () => {
    const home = temporaryDirectory();
    const root = temporaryDirectory();
    writeFiles(root, { 'handbook.txt': STATUTE, 'manual.md': MANUAL, 'notes.md': '# Notes\n\nThe warranty lasts 24 months.\n' });
    const kb = createKnowledgeBase({ home, name: 'guarded', settings: settingsFor(root) }, lexicalComponents());
    await kb.sync();
    fs.rmSync(path.join(root, 'handbook.txt'));
    fs.rmSync(path.join(root, 'manual.md'));
    const asked: unknown[] = [];
    const no = kb.sync({ confirmMassRemoval: (removal) => (asked.push(removal), false) });
    await expect(no).rejects.toMatchObject({ code: 'E_MASS_REMOVAL', details: { files: 2, documents: 2, storedDocuments: 3, maxRemovalShare: 0.5 } });
    expect(asked).toEqual([{ files: 2, documents: 2, storedDocuments: 3, sources: [root] }]);
    expect(kb.stats()).toMatchObject({ documents: 3, lastRuns: [{ status: 'refused' }, { status: 'completed' }] });
    expect(await kb.sync({ confirmMassRemoval: () => true })).toMatchObject({ removed: 2, unchanged: 1 });
    expect(kb.stats().documents).toBe(1);
    kb.close();
  });

  it('commits a large row file in batches, and a sync stopped mid-file continues after the last batch', async () => {
    const home = temporaryDirectory();
    const root = temporaryDirectory();
    const rows = Array.from({ length: 50 }, (_, index) => JSON.stringify({ id: `a${index}`, title: `第${index}条`, text: `第${index}条：年假${index}天。` }));
    writeFiles(root, { 'articles.jsonl': rows.join('\n') });
    let chunked = 0;
    const components = lexicalComponents();
    const countingComponents = (settings: KnowledgeBaseSettings) => {
      const made = components(settings);
      return { ...made, chunker: { ...made.chunker, chunk: (document: Parameters<typeof made.chunker.chunk>[0]) => (chunked++, made.chunker.chunk(document)) } };
    };
    const kb = createKnowledgeBase({ home, name: 'rows', settings: settingsFor(root) }, countingComponents);
    const stop = new AbortController();
    const progress: string[] = [];
    const stopped = kb.sync({
      rowBatchSize: 20,
      signal: stop.signal,
      onProgress: ({ phase, done, total }) => {
        if (phase !== 'rows') return;
        progress.push(`${done}/${total}`);
        if (done === 40) stop.abort(new Error('stopped mid-file'));
      },
    });
    await expect(stopped).rejects.toThrow('stopped mid-file');
    expect(progress).toEqual(['0/50', '20/50', '40/50']);
    expect(kb.stats()).toMatchObject({ documents: 40, lastRuns: [{ status: 'running' }] });
    expect(chunked).toBe(40);

    progress.length = 0;
    const resumed = await kb.sync({ rowBatchSize: 20, onProgress: ({ phase, done, total }) => phase === 'rows' && progress.push(`${done}/${total}`) });
    expect(resumed).toMatchObject({ added: 1, unchanged: 0, documentsWritten: 10, documentsResumed: 40 });
    expect(progress).toEqual(['40/50', '50/50']);
    expect(chunked).toBe(50);
    expect(kb.stats().documents).toBe(50);
    expect(kb.store.partialFiles().size).toBe(0);
    expect(await kb.sync({ rowBatchSize: 20 })).toMatchObject({ unchanged: 1, documentsWritten: 0 });
    expect((await kb.search('第45条')).hits[0]!.documentTitle).toBe('第45条');
    kb.close();
  });

  it('refuses unknown knowledge bases and missing paths with errors that name them', () => {
    const home = temporaryDirectory();
    expect(() => openKnowledgeBase({ home, name: 'nope' }, lexicalComponents())).toThrow(/Knowledge base "nope" does not exist/);
    expect(() => createKnowledgeBase({ home, name: 'x', settings: settingsFor('/no/such/folder') }, lexicalComponents())).toThrow(
      /Source path does not exist: \/no\/such\/folder/,
    );
    expect(() => createKnowledgeBase({ home, name: '../escape', settings: settingsFor(home) }, lexicalComponents())).toThrow(/Invalid knowledge base name/);
  });

  sqliteFile.it('keeps a knowledge base that --force would replace from a source path that does not exist', async () => {
    const home = temporaryDirectory();
    const root = temporaryDirectory();
    writeFiles(root, { 'manual.md': MANUAL });
    const kb = createKnowledgeBase({ home, name: 'kept', settings: settingsFor(root) }, lexicalComponents());
    await kb.sync();
    kb.close();
    expect(() => createKnowledgeBase({ home, name: 'kept', overwrite: true, settings: settingsFor(path.join(root, 'typo')) }, lexicalComponents())).toThrow(/Source path does not exist/);
    const reopened = openKnowledgeBase({ home, name: 'kept' }, lexicalComponents());
    expect(reopened.stats().documents).toBe(1);
    reopened.close();
    // Replaced for real, the old folder leaves nothing behind, in the folder or in .trash.
    createKnowledgeBase({ home, name: 'kept', overwrite: true, settings: settingsFor(root) }, lexicalComponents()).close();
    expect(fs.readdirSync(path.join(home, 'kb', '.trash'))).toEqual([]);
    expect(fs.readdirSync(path.join(home, 'kb', 'kept'))).toEqual(['kb.sqlite']);
  });
});
