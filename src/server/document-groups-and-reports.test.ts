import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closeApiKeyStores, createApiKey } from '../access/index.js';
import { useTemporaryDirectories } from '../../test/support/temporary-directory.js';
import type { DocumentList, EvaluationRunList, Job, SearchResponse } from './api-types.js';
import { createTestKnowledgeBase, startTestServer, type TestServer } from './__fixtures__/test-server.js';

const temporaryDirectory = useTemporaryDirectories();

describe('document access groups and comparison reports over HTTP', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
    closeApiKeyStores();
  });

  const call = (key: string, route: string, init: { method?: string; body?: unknown } = {}) =>
    fetch(`${server!.url}${route}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${key}`, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });

  async function waitForJob(key: string, id: string): Promise<Job> {
    const text = await (await call(key, `/api/jobs/${id}/events`)).text();
    const states = text.split('\n').filter((line) => line.startsWith('data: ')).map((line) => JSON.parse(line.slice(6)) as Job);
    return states[states.length - 1]!;
  }

  it('lets an admin restrict a document to a group (a reindex job follows); readers get 403', async () => {
    const home = temporaryDirectory();
    await createTestKnowledgeBase(home, temporaryDirectory(), 'hr', { 'handbook.md': '# 手册\n\n## 第一条 年假\n\n员工每年享有年休假五天。\n', 'notice.md': '# 通知\n\n## 第一条 班车\n\n班车每天早上八点发车。\n' });
    const admin = createApiKey(home, { name: 'admin', role: 'admin' }).secret;
    const reader = createApiKey(home, { name: 'reader', knowledgeBases: ['hr'] }).secret;
    const hrReader = createApiKey(home, { name: 'hr-reader', knowledgeBases: ['hr'], groups: ['hr'] }).secret;
    const editor = createApiKey(home, { name: 'editor', knowledgeBases: ['hr'], role: 'editor' }).secret;
    server = await startTestServer(home);

    const listed = (await (await call(reader, '/api/knowledge-bases/hr/documents')).json()) as DocumentList;
    const handbook = listed.documents.find((document) => document.title.includes('手册') || document.path.endsWith('handbook.md'))!;
    expect(handbook).toBeDefined();
    const route = `/api/knowledge-bases/hr/documents/${handbook.id}/groups`;

    expect((await fetch(`${server.url}${route}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"groups":[]}' })).status).toBe(401);
    const openapi = (await (await call(admin, '/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/api/knowledge-bases/{kb}/documents/{documentId}/groups', '/api/evaluations/{name}/report']));
    for (const key of [reader, editor]) {
      const refused = await call(key, route, { method: 'PUT', body: { groups: ['hr'] } });
      expect(refused.status).toBe(403);
    }
    expect((await call(admin, route, { method: 'PUT', body: { groups: ['bad group'] } })).status).toBe(400);

    const changed = await call(admin, route, { method: 'PUT', body: { groups: ['hr'] } });
    expect(changed.status).toBe(202);
    const body = (await changed.json()) as { groups: string[]; job: Job };
    expect(body.groups).toEqual(['hr']);
    expect(body.job).toMatchObject({ kind: 'reindex', knowledgeBase: 'hr' });
    expect((await waitForJob(admin, body.job.id)).status).toBe('completed');

    const search = async (key: string) => ((await (await call(key, '/api/knowledge-bases/hr/search', { method: 'POST', body: { query: '年休假' } })).json()) as SearchResponse).hits.map((hit) => hit.documentId);
    expect(await search(reader)).not.toContain(handbook.id);
    expect((await call(reader, `/api/knowledge-bases/hr/documents/${handbook.id}`)).status).toBe(404);
    expect(await search(hrReader)).toContain(handbook.id);
    const readerList = (await (await call(reader, '/api/knowledge-bases/hr/documents')).json()) as DocumentList;
    expect(readerList.documents.map((document) => document.id)).not.toContain(handbook.id);

    // null gives the document its file's groups back (none): everyone reads it again.
    const restored = await call(admin, route, { method: 'PUT', body: { groups: null } });
    expect(restored.status).toBe(202);
    const restoredBody = (await restored.json()) as { groups: string[]; job: Job };
    expect(restoredBody.groups).toEqual([]);
    await waitForJob(admin, restoredBody.job.id);
    expect(await search(reader)).toContain(handbook.id);
    expect((await call(admin, '/api/knowledge-bases/hr/documents/missing/groups', { method: 'PUT', body: { groups: [] } })).status).toBe(404);
  });

  it("serves an eval compare run's report.html sandboxed to editors and admins, and nothing outside the runs folder", async () => {
    const home = temporaryDirectory();
    await createTestKnowledgeBase(home, temporaryDirectory(), 'hr');
    const run = path.join(home, 'runs', 'compare-1');
    fs.mkdirSync(run, { recursive: true });
    const html = '<!doctype html><html><body><h1>策略比较</h1><svg></svg></body></html>';
    fs.writeFileSync(path.join(run, 'report.html'), html);
    fs.writeFileSync(path.join(run, 'summary.json'), '{"best":"hybrid"}');
    fs.mkdirSync(path.join(home, 'runs', 'exam-1'));
    fs.writeFileSync(path.join(home, 'secret.html'), '<p>not a report</p>');
    const editor = createApiKey(home, { name: 'editor', role: 'editor' }).secret;
    const reader = createApiKey(home, { name: 'reader' }).secret;
    server = await startTestServer(home);

    const runs = (await (await call(editor, '/api/evaluations')).json()) as EvaluationRunList;
    expect(runs.runs.map((listed) => [listed.name, listed.report])).toEqual([['compare-1', true], ['exam-1', false]]);

    const report = await call(editor, '/api/evaluations/compare-1/report');
    expect(report.status).toBe(200);
    expect(report.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(report.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(report.headers.get('content-security-policy')).toContain('sandbox');
    expect(report.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await report.text()).toBe(html);

    expect((await call(reader, '/api/evaluations/compare-1/report')).status).toBe(403);
    expect((await fetch(`${server.url}/api/evaluations/compare-1/report`)).status).toBe(401);
    expect((await call(editor, '/api/evaluations/exam-1/report')).status).toBe(404);
    for (const name of ['..', '..%2Fsecret.html', '%2E%2E', '.hidden']) {
      const response = await call(editor, `/api/evaluations/${name}/report`);
      expect(response.status, name).toBe(404);
      expect(await response.text()).not.toContain('not a report');
    }
  });
});
