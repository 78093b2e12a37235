import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config/index.js';
import { HangjiaError } from '../errors/index.js';
import { createDefaultComponents } from '../presets/index.js';
import { useTemporaryDirectories, writeFiles } from '../../test/support/temporary-directory.js';
import { ACCESS_CORPUS, SALARY_SECRET } from './__fixtures__/access-corpus.js';
import { createKnowledgeBase, openKnowledgeBase, sqliteDatabaseOf, STORE_SCHEMA_VERSION, type KnowledgeBase, type KnowledgeBaseSettings } from './index.js';
import { sqliteOnly } from '../../test/support/postgres.js';

const sqliteFile = sqliteOnly('it reads or rewrites the SQLite file directly');

const temporaryDirectory = useTemporaryDirectories();

function settingsFor(root: string, extra: Partial<KnowledgeBaseSettings> = {}): KnowledgeBaseSettings {
  return { sources: [root], include: [], exclude: [], maxFileBytes: DEFAULT_CONFIG.ingest.maxFileBytes, chunking: DEFAULT_CONFIG.chunking, ...extra };
}

function components() {
  return createDefaultComponents({ ...DEFAULT_CONFIG, embedding: { provider: 'none' } });
}

async function hrKnowledgeBase(extra: Partial<KnowledgeBaseSettings> = {}): Promise<{ kb: KnowledgeBase; root: string; home: string }> {
  const home = temporaryDirectory();
  const root = temporaryDirectory();
  writeFiles(root, ACCESS_CORPUS);
  const kb = createKnowledgeBase({ home, name: 'hr', settings: settingsFor(root, extra) }, components());
  await kb.sync();
  return { kb, root, home };
}

const titles = (hits: Array<{ documentTitle: string }>): string[] => hits.map((hit) => hit.documentTitle);
const RESTRICTED = ['年终奖审批', '年终奖细则', '薪酬制度'];
const PUBLIC = ['通知', '福利制度', '考勤制度'];

describe('per-document access groups', () => {
  it('gives files the groups of .hangjia-access.yaml, and does not count the rules file as a skipped input', async () => {
    const { kb } = await hrKnowledgeBase();
    const counters = await kb.sync();
    expect(counters.skippedInputs.map((skipped) => path.basename(skipped.path))).not.toContain('.hangjia-access.yaml');
    const documents = kb.listDocuments();
    expect(Object.fromEntries(documents.map((document) => [document.title, document.groups]))).toEqual({
      通知: [],
      福利制度: [],
      考勤制度: [],
      年终奖审批: ['hr'],
      年终奖细则: ['hr'],
      薪酬制度: ['hr'],
    });
    kb.close();
  });

  it('filters inside the search: k allowed hits come back when the unfiltered top k are all restricted', async () => {
    const { kb } = await hrKnowledgeBase();
    const unrestricted = await kb.search('年终奖怎么发放', { k: 3 });
    // The premise: without a filter, the three hr documents (年终奖 in every sentence) are the top 3.
    expect(titles(unrestricted.hits).sort()).toEqual(RESTRICTED);

    const outsider = await kb.search('年终奖怎么发放', { k: 3, access: { groups: [] } });
    expect(titles(outsider.hits).sort()).toEqual(PUBLIC.slice().sort());
    const otherGroup = await kb.search('年终奖怎么发放', { k: 3, access: { groups: ['finance'] } });
    expect(titles(otherGroup.hits).sort()).toEqual(PUBLIC.slice().sort());

    const member = await kb.search('年终奖怎么发放', { k: 3, access: { groups: ['hr'] } });
    expect(titles(member.hits).sort()).toEqual(RESTRICTED);
    kb.close();
  });

  it('hides restricted chunks from getChunk, listings and stats', async () => {
    const { kb } = await hrKnowledgeBase();
    const secretHit = (await kb.search('总监月薪', { k: 1 })).hits[0]!;
    expect(secretHit.chunk.text).toContain(SALARY_SECRET);
    expect(kb.getChunk(secretHit.chunk.id)?.chunk.text).toContain(SALARY_SECRET);
    expect(kb.getChunk(secretHit.chunk.id, { access: { groups: ['hr'] } })?.chunk.id).toBe(secretHit.chunk.id);
    expect(kb.getChunk(secretHit.chunk.id, { access: { groups: ['finance'] } })).toBeUndefined();
    expect(kb.getChunk('no-such-chunk')).toBeUndefined();
    kb.setDocumentGroups(secretHit.chunk.documentId, ['hr', 'exec']);
    expect(kb.getChunk(secretHit.chunk.id)?.documentGroups).toEqual(['exec', 'hr']);
    // A caller sees only the groups it holds.
    expect(kb.getChunk(secretHit.chunk.id, { access: { groups: ['hr'] } })?.documentGroups).toEqual(['hr']);
    kb.setDocumentGroups(secretHit.chunk.documentId, null);

    expect(kb.listDocuments({ access: { groups: [] } }).map((document) => document.title).sort()).toEqual(PUBLIC.slice().sort());
    expect(kb.listDocuments({ access: { groups: ['hr'] } })).toHaveLength(6);
    expect(kb.listDocuments({ offset: 1, limit: 2 })).toEqual(kb.listDocuments().slice(1, 3));

    const all = kb.stats();
    const outside = kb.stats({ access: { groups: [] } });
    expect(all.documents).toBe(6);
    expect(outside.documents).toBe(3);
    expect(outside.chunks).toBe(kb.listDocuments({ access: { groups: [] } }).reduce((sum, document) => sum + document.chunks, 0));
    expect(outside.characters).toBe(kb.listDocuments({ access: { groups: [] } }).reduce((sum, document) => sum + document.characters, 0));
    expect(outside.sourceFiles).toBe(3);
    expect(all.access).toEqual({ restrictedDocuments: 3, documentsByGroup: { hr: 3 } });
    expect(outside.access).toEqual({ restrictedDocuments: 0, documentsByGroup: {} });
    expect(kb.stats({ access: { groups: ['hr', 'finance'] } }).access).toEqual({ restrictedDocuments: 3, documentsByGroup: { hr: 3 } });
    expect(outside.lastRuns).toEqual([]);
    expect(outside.index?.lexical.chunks).toBe(outside.chunks);
    expect(outside.index?.lexical.mostCited).toBeUndefined();
    // 《薪酬制度》 is named by the public notice, so the whole-index list shows the restricted title.
    expect(all.index?.lexical.mostCited?.map((cited) => cited.title)).toContain('薪酬制度');
    expect(JSON.stringify(outside)).not.toContain('薪酬制度');
    kb.close();
  });

  it('lends no citation evidence from restricted documents: what they name is not boosted for anyone', async () => {
    const { kb } = await hrKnowledgeBase();
    // 年终奖审批 (hr) names 《考勤制度》; restricted, it does not count as citing it.
    const before = await kb.search('迟到记旷工', { k: 1, access: { groups: [] } });
    expect(before.hits[0]!.documentTitle).toBe('考勤制度');
    expect(before.hits[0]!.citedBy).toBeUndefined();

    // Made public, the same document cites it: the evidence above was withheld, not absent.
    const approval = kb.listDocuments().find((document) => document.title === '年终奖审批')!;
    kb.setDocumentGroups(approval.id, []);
    const after = await kb.search('迟到记旷工', { k: 1, access: { groups: [] } });
    expect(after.hits[0]!.citedBy).toBe(1);
    kb.close();
  });

  sqliteFile.it('updates changed groups on sync without re-reading the files', async () => {
    const { kb, root } = await hrKnowledgeBase();
    // With nothing changed, a sync writes only its own run record (one insert, one update).
    const changes = (): number => sqliteDatabaseOf(kb.store, 'this test').prepare('SELECT total_changes()').pluck().get() as number;
    const before = changes();
    expect(await kb.sync()).toMatchObject({ unchanged: 6, accessChanged: 0 });
    expect(changes() - before).toBe(2);

    fs.writeFileSync(path.join(root, '.hangjia-access.yaml'), '"hr/**": [hr, finance]\n"福利.md": staff\n');
    const counters = await kb.sync();
    expect(counters).toMatchObject({ added: 0, updated: 0, unchanged: 6, documentsWritten: 0, accessChanged: 4 });
    const groups = Object.fromEntries(kb.listDocuments().map((document) => [document.title, document.groups]));
    expect(groups['薪酬制度']).toEqual(['finance', 'hr']);
    expect(groups['福利制度']).toEqual(['staff']);
    expect(titles((await kb.search('年终奖怎么发放', { k: 6, access: { groups: ['finance'] } })).hits)).toContain('薪酬制度');
    expect(titles((await kb.search('五险一金', { k: 6, access: { groups: [] } })).hits)).not.toContain('福利制度');

    kb.setAccessGroups(['staff']);
    const second = await kb.sync();
    // 福利制度 had staff already.
    expect(second).toMatchObject({ documentsWritten: 0, accessChanged: 5 });
    expect(Object.fromEntries(kb.listDocuments().map((document) => [document.title, document.groups]))).toEqual({
      通知: ['staff'],
      福利制度: ['staff'],
      考勤制度: ['staff'],
      年终奖审批: ['finance', 'hr', 'staff'],
      年终奖细则: ['finance', 'hr', 'staff'],
      薪酬制度: ['finance', 'hr', 'staff'],
    });
    expect((await kb.search('年终奖', { k: 3, access: { groups: [] } })).hits).toEqual([]);
    // The listing shows a caller only the groups it holds.
    expect(kb.listDocuments({ access: { groups: ['hr'] } }).find((document) => document.title === '薪酬制度')!.groups).toEqual(['hr']);
    kb.close();
  });

  it('keeps an admin edit of one document and a file override across syncs and re-ingests', async () => {
    const { kb, root } = await hrKnowledgeBase();
    const notice = kb.listDocuments().find((document) => document.title === '通知')!;
    expect(kb.setDocumentGroups(notice.id, ['legal', 'hr', 'legal'])).toEqual(['hr', 'legal']);
    expect(titles((await kb.search('salary table', { k: 5, access: { groups: [] } })).hits)).not.toContain('通知');

    fs.appendFileSync(path.join(root, '公告.md'), '\n补充：年终奖另行通知。\n');
    const counters = await kb.sync();
    expect(counters.updated).toBe(1);
    expect(kb.listDocuments().find((document) => document.id === notice.id)!.groups).toEqual(['hr', 'legal']);

    expect(kb.setDocumentGroups(notice.id, null)).toEqual([]);
    expect(() => kb.setDocumentGroups('missing', [])).toThrowError(expect.objectContaining({ code: 'E_DOCUMENT_NOT_FOUND' }) as HangjiaError);
    expect(() => kb.setDocumentGroups(notice.id, ['bad group'])).toThrowError(expect.objectContaining({ code: 'E_ACCESS_GROUP' }) as HangjiaError);

    // An upload's groups replace the rules' for its file, and apply at once when it is ingested already.
    const upload = path.join(root, 'hr', '年终奖细则.md');
    kb.setSourceFileGroups(upload, ['board']);
    expect(kb.listDocuments().find((document) => document.title === '年终奖细则')!.groups).toEqual(['board']);
    writeFiles(root, { 'uploads/董事会纪要.md': '# 董事会纪要\n\n年终奖总额由董事会决定。\n' });
    kb.setSourceFileGroups(path.join(root, 'uploads/董事会纪要.md'), ['board']);
    await kb.sync();
    expect(kb.listDocuments().find((document) => document.title === '董事会纪要')!.groups).toEqual(['board']);
    kb.setSourceFileGroups(upload, null);
    expect(kb.listDocuments().find((document) => document.title === '年终奖细则')!.groups).toEqual(['hr']);
    kb.close();
  });

  it('applies --groups to every file, merged with the rules file', async () => {
    const { kb } = await hrKnowledgeBase({ accessGroups: ['staff'] });
    const groups = Object.fromEntries(kb.listDocuments().map((document) => [document.title, document.groups]));
    expect(groups['考勤制度']).toEqual(['staff']);
    expect(groups['薪酬制度']).toEqual(['hr', 'staff']);
    kb.close();
  });

  it('stops a sync at a bad rules file, naming it and the line, with nothing changed', async () => {
    const { kb, root } = await hrKnowledgeBase();
    const before = kb.listDocuments();
    fs.writeFileSync(path.join(root, '.hangjia-access.yaml'), '"hr/**": [hr]\n"福利.md": [staff\n');
    fs.writeFileSync(path.join(root, '考勤.md'), '# 考勤制度\n\n九点半上班。\n');
    const error = await kb.sync().catch((caught: unknown) => caught);
    expect(HangjiaError.is(error, 'E_ACCESS_RULES')).toBe(true);
    expect((error as HangjiaError).message).toContain(`${path.join(root, '.hangjia-access.yaml')}:`);
    expect((error as HangjiaError).details).toMatchObject({ path: path.join(root, '.hangjia-access.yaml') });
    expect(kb.listDocuments()).toEqual(before);

    fs.writeFileSync(path.join(root, '.hangjia-access.yaml'), '"hr/**": [hr]\n"福利.md": {group: staff}\n');
    const wrongShape = await kb.sync().catch((caught: unknown) => caught);
    expect((wrongShape as HangjiaError).details).toMatchObject({ line: 2 });
    kb.close();
  });

  sqliteFile.it('migrates a version-1 store: every document readable, as before', async () => {
    const { kb, home } = await hrKnowledgeBase();
    const file = path.join(kb.directory, 'kb.sqlite');
    kb.close();
    const database = new Database(file);
    database.exec(`ALTER TABLE documents DROP COLUMN access_groups; ALTER TABLE source_files DROP COLUMN access_groups;
      DROP TABLE access_overrides; UPDATE meta SET value = '1' WHERE key = 'schemaVersion';`);
    database.close();

    const reopened = openKnowledgeBase({ home, name: 'hr' }, components());
    expect(reopened.store.getMeta('schemaVersion')).toBe(String(STORE_SCHEMA_VERSION));
    expect(reopened.listDocuments({ access: { groups: [] } })).toHaveLength(6);
    expect(titles((await reopened.search('年终奖怎么发放', { k: 3, access: { groups: [] } })).hits).sort()).toEqual(RESTRICTED);
    // The next sync applies the rules file.
    await reopened.sync();
    expect(reopened.listDocuments({ access: { groups: [] } })).toHaveLength(3);
    reopened.close();
  });
});
