/**
 * The web UI end to end: real headless Chromium drives the built UI served by `hangjia serve` on
 * 127.0.0.1, answering with the scripted OpenAI-compatible model server. The UI is built here
 * (esbuild, into a temporary folder) so `npm test` needs no build step.
 *
 * UI_SCREENSHOTS=docs/screenshots also saves screenshots of the main pages there.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HANDBOOK, chatStreamEvents } from '../../src/answer/__fixtures__/handbook.js';
import { closeApiKeyStores, createApiKey } from '../../src/access/index.js';
import type { AskResponse, Chunk, SearchResponse } from '../../src/server/api-types.js';
import { createTestKnowledgeBase, testConfig } from '../../src/server/__fixtures__/test-server.js';
import { HangjiaService } from '../../src/server/hangjia-service.js';
import { startServer, type RunningServer } from '../../src/server/start-server.js';
import { buildUi } from '../../ui/build.js';
import { CHROMIUM, launchChromium } from '../support/chromium.js';
import { startScriptedOpenAIServer, type ScriptedOpenAIServer } from '../support/scripted-openai-server.js';
import { runCliCaptured } from '../support/run-cli.js';
import { useTemporaryDirectories } from '../support/temporary-directory.js';

const temporaryDirectory = useTemporaryDirectories();
const screenshots = process.env['UI_SCREENSHOTS'];

describe.skipIf(!CHROMIUM)('web UI in headless Chromium', () => {
  let uiDirectory: string;
  let browser: Browser;
  let server: RunningServer | undefined;
  let model: ScriptedOpenAIServer | undefined;

  beforeAll(async () => {
    uiDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'hangjia-ui-'));
    await buildUi(uiDirectory);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    fs.rmSync(uiDirectory, { recursive: true, force: true });
  });
  afterEach(async () => {
    await server?.close();
    await model?.close();
    closeApiKeyStores();
    server = undefined;
    model = undefined;
  });

  async function serve(home: string, modelBaseURL?: string): Promise<RunningServer> {
    const service = new HangjiaService({ config: testConfig(home, modelBaseURL ? { modelBaseURL } : {}) });
    return startServer(service, { host: '127.0.0.1', port: 0, uiDirectory });
  }

  async function openPage(hash: string, viewport = { width: 1280, height: 800 }): Promise<Page> {
    const context = await browser.newContext({ viewport, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${server!.url}/${hash}`);
    return page;
  }

  async function shoot(page: Page, name: string): Promise<void> {
    if (!screenshots) return;
    fs.mkdirSync(screenshots, { recursive: true });
    await page.screenshot({ path: path.join(screenshots, `${name}.png`) });
  }

  it('streams an answer, opens the cited passage with matched terms highlighted, and shows a refusal with its evidence score', async () => {
    model = await startScriptedOpenAIServer();
    const home = temporaryDirectory();
    await createTestKnowledgeBase(home, temporaryDirectory(), 'hr');
    server = await serve(home, model.baseURL);
    model.enqueue('/v1/chat/completions', { events: chatStreamEvents(['劳动合同期限三年以上的，', '试用期不得超过六个月[2]。', '试用期工资另有规定[9]。']), eventDelayMs: 600 });

    const page = await openPage('#/chat/hr');
    await page.getByRole('textbox').fill('试用期最长可以多久？');
    await page.keyboard.press('Enter');

    // Text shows while the answer is still streaming, not only at its end.
    const turn = page.getByTestId('assistant-turn');
    await turn.and(page.locator('[data-streaming="true"]')).getByTestId('answer-text').filter({ hasText: '劳动合同期限三年以上的' }).waitFor();
    await turn.and(page.locator('[data-streaming="false"][data-kind="generated"]')).waitFor();
    // What the server cites as [2] for this question, asked again over the API.
    model.enqueue('/v1/chat/completions', { events: chatStreamEvents(['劳动合同期限三年以上的，试用期不得超过六个月[2]。']) });
    const answer = (await (
      await fetch(`${server.url}/api/knowledge-bases/hr/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: '试用期最长可以多久？' }) })
    ).json()) as AskResponse;
    const cited = answer.citations.find((citation) => citation.n === 2)!;
    expect(cited).toBeDefined();

    // [9] cites nothing the prompt held: no button for it, and its sentence is flagged.
    expect(await turn.locator('button.citation').count()).toBe(1);
    expect(await turn.getByTestId('flagged-sentence').textContent()).toContain('试用期工资另有规定');

    await turn.locator('button.citation[data-n="2"]').click();
    const panel = page.getByTestId('source-panel');
    await panel.waitFor();
    expect(await panel.getAttribute('data-chunk-id')).toBe(cited.chunkId);
    const chunk = (await (await fetch(`${server.url}/api/knowledge-bases/hr/chunks/${encodeURIComponent(cited.chunkId)}`)).json()) as Chunk;
    await page.getByTestId('passage').filter({ hasText: '不得超过' }).waitFor();
    expect(await page.getByTestId('passage').textContent()).toBe(chunk.text);
    expect(await page.getByTestId('heading-path').textContent()).toBe(cited.headingPath.join(' › '));
    expect(await page.getByTestId('offsets').textContent()).toBe(`${cited.start}–${cited.end}`);
    expect(await panel.textContent()).toContain(cited.documentPath);
    const marked = await page.getByTestId('passage').locator('mark').allTextContents();
    expect(marked).toContain('试用期');
    expect(chunk.text).toContain('试用期');
    await shoot(page, 'chat-citation');
    // Phone width: the source panel stacks under the conversation; the language follows a click.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByTestId('language').click();
    await page.getByRole('link', { name: 'Knowledge bases' }).waitFor();
    expect(await page.getByTestId('passage').isVisible()).toBe(true);
    await shoot(page, 'chat-phone-en');
    await page.getByTestId('language').click();
    await page.setViewportSize({ width: 1280, height: 800 });

    // Copy answer with sources: the answer text, then each source with its heading path and offsets.
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await turn.getByRole('button', { name: '复制回答及出处' }).click();
    await turn.getByRole('button', { name: '已复制' }).waitFor();
    const copied = (await page.evaluate('navigator.clipboard.readText()')) as string;
    expect(copied.startsWith('劳动合同期限三年以上的，试用期不得超过六个月[2]。')).toBe(true);
    expect(copied).toContain(`[2] ${cited.documentTitle} › ${cited.headingPath.join(' › ')} (${cited.documentPath}:${cited.start}-${cited.end})`);

    // Escape closes the panel (keyboard use); a new conversation clears the page.
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    await page.getByTestId('new-conversation').click();
    expect(await page.getByTestId('assistant-turn').count()).toBe(0);

    const requestsBefore = model.requests.length;
    await page.getByRole('textbox').fill('火星有几颗卫星？');
    await page.getByRole('button', { name: '发送' }).click();
    const refusal = page.getByTestId('refusal');
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/知识库未涵盖此问题.*证据分数 \d+\.\d\d（阈值 \d+\.\d\d）/);
    expect(await page.getByTestId('assistant-turn').getAttribute('data-kind')).toBe('refused');
    // Refused below the evidence threshold: the model was never asked.
    expect(model.requests.length).toBe(requestsBefore);
    await page.context().close();
  });

  it('creates a knowledge base, uploads two dropped files with progress, lists the broken one with its reason, and finds the other', async () => {
    const home = temporaryDirectory();
    server = await serve(home);
    const page = await openPage('#/kb', { width: 1280, height: 800 });
    await page.getByRole('textbox').fill('contracts');
    await page.getByRole('button', { name: '创建' }).click();
    await page.getByRole('link', { name: 'contracts' }).click();
    const dropzone = page.getByTestId('dropzone');
    await dropzone.waitFor();

    const files = [
      { name: '保密制度.md', text: '# 保密制度\n\n## 第一条 客户名单\n\n员工不得向外部披露客户名单。\n' },
      { name: 'broken.docx', text: 'this is not a zip archive, so not a Word document' },
    ];
    const dataTransfer = await page.evaluateHandle((list) => {
      const scope = globalThis as unknown as { DataTransfer: new () => { items: { add(file: unknown): void } }; File: new (parts: string[], name: string) => unknown };
      const transfer = new scope.DataTransfer();
      for (const file of list) transfer.items.add(new scope.File([file.text], file.name));
      return transfer;
    }, files);
    await dropzone.dispatchEvent('drop', { dataTransfer });

    const batch = page.getByTestId('upload-batch');
    await batch.and(page.locator('[data-status="completed"]')).waitFor();
    expect(await batch.locator('progress').evaluateAll((bars) => bars.map((bar) => (bar as unknown as { value: number }).value))).toEqual([1, 1, 1]);
    const failed = batch.getByTestId('failed-files');
    expect(await failed.textContent()).toContain('broken.docx');
    expect(await failed.locator('code').textContent()).toMatch(/^E_/);
    await page.getByTestId('document-row').filter({ hasText: '保密制度' }).waitFor();
    expect(await page.getByTestId('document-row').count()).toBe(1);
    await shoot(page, 'knowledge-base');

    await page.getByRole('button', { name: '片段' }).click();
    expect(await page.locator('ol.chunks .heading-path').first().textContent()).toBe('保密制度 › 第一条');

    await page.goto(`${server.url}/#/search/contracts`);
    await page.getByRole('searchbox').fill('客户名单');
    await page.getByRole('button', { name: '检索' }).click();
    const hit = page.getByTestId('hit').first();
    await hit.waitFor();
    expect(await hit.textContent()).toContain('保密制度');
    expect(await hit.locator('mark').allTextContents()).toContain('客户名单');
    await shoot(page, 'search');

    // No model configured: the chat labels its answer extractive.
    await page.goto(`${server.url}/#/chat/contracts`);
    await page.getByRole('textbox').fill('能否向外部披露客户名单？');
    await page.keyboard.press('Enter');
    await page.getByTestId('extractive-label').waitFor();
    await page.context().close();
  });

  it('asks for a key; a reader key sees neither the admin page nor restricted documents; an admin creates and revokes keys', async () => {
    const home = temporaryDirectory();
    await createTestKnowledgeBase(home, temporaryDirectory(), 'hr', {
      'handbook.md': HANDBOOK,
      '薪酬/薪酬制度.md': '# 薪酬制度\n\n## 第一条 薪酬表\n\n总经理年薪九百八十万元。\n',
      '.hangjia-access.yaml': '"薪酬/**": [hr]\n',
    });
    const admin = createApiKey(home, { name: 'admin', role: 'admin' }).secret;
    const reader = createApiKey(home, { name: 'reader', knowledgeBases: ['hr'] }).secret;
    server = await serve(home);
    // The UI's routes need a key like the rest of the API; the admin page's API refuses non-admin keys on the server side, not only in the UI.
    for (const route of ['/api/me', '/api/keys', '/api/evaluations', '/api/knowledge-bases/hr/datasets']) expect((await fetch(`${server.url}${route}`)).status).toBe(401);
    expect((await fetch(`${server.url}/api/evaluations`, { headers: { authorization: `Bearer ${reader}` } })).status).toBe(403);
    expect((await fetch(`${server.url}/api/knowledge-bases/hr/datasets`, { headers: { authorization: `Bearer ${reader}` } })).status).toBe(404);
    expect((await fetch(`${server.url}/api/keys`, { headers: { authorization: `Bearer ${reader}` } })).status).toBe(403);
    expect((await fetch(`${server.url}/api/keys`, { method: 'POST', headers: { authorization: `Bearer ${reader}`, 'content-type': 'application/json' }, body: '{"name":"sneaky","role":"admin"}' })).status).toBe(403);

    const page = await openPage('#/kb/hr');
    await page.getByTestId('key-input').fill('hj_wrong');
    await page.getByTestId('key-input').press('Enter');
    await page.getByText('密钥无效或已撤销').waitFor();
    await page.getByTestId('key-input').fill(reader);
    await page.getByTestId('key-input').press('Enter');
    await page.getByTestId('document-row').first().waitFor();
    expect(await page.getByTestId('document-list').textContent()).not.toContain('薪酬制度');
    expect(await page.getByTestId('nav-admin').count()).toBe(0);
    expect(await page.getByTestId('dropzone').count()).toBe(0);
    await page.goto(`${server.url}/#/admin`);
    await page.getByTestId('forbidden').waitFor();
    expect(await page.getByTestId('key-list').count()).toBe(0);
    await page.goto(`${server.url}/#/search/hr`);
    await page.getByRole('searchbox').fill('总经理年薪');
    await page.getByRole('button', { name: '检索' }).click();
    await page.getByText('没有结果').or(page.getByTestId('hit').first()).waitFor();
    expect(await page.locator('main').textContent()).not.toContain('九百八十万');
    // The key lives in session storage only.
    expect(await page.evaluate('[sessionStorage.getItem("hangjia.apiKey"), JSON.stringify(localStorage)]')).toEqual([reader, expect.not.stringContaining(reader)]);
    await page.context().close();

    const adminPage = await openPage('#/admin');
    await adminPage.getByTestId('key-input').fill(admin);
    await adminPage.getByTestId('key-input').press('Enter');
    await adminPage.getByTestId('key-list').waitFor();
    await adminPage.getByLabel('名称').fill('analyst');
    await adminPage.getByRole('button', { name: '创建密钥' }).click();
    const secret = (await adminPage.getByTestId('new-secret').locator('code').textContent())!;
    expect((await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${secret}` } })).status).toBe(200);
    const row = adminPage.getByTestId('key-list').locator('tr').filter({ hasText: 'analyst' });
    await row.getByRole('button', { name: '撤销' }).click();
    await row.filter({ hasText: 'revoked' }).waitFor();
    expect((await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${secret}` } })).status).toBe(401);
    await shoot(adminPage, 'admin-keys');
    await adminPage.context().close();
  });

  it('reviews a generated dataset by keyboard beside its source chunk, in the same file the CLI reads and writes', async () => {
    const home = temporaryDirectory();
    await createTestKnowledgeBase(home, temporaryDirectory(), 'hr');
    server = await serve(home);
    const search = (await (await fetch(`${server.url}/api/knowledge-bases/hr/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '年休假', k: 1 }) })).json()) as SearchResponse;
    const chunkId = search.hits[0]!.chunkId;
    const file = path.join(home, 'datasets', 'hr', 'qa.jsonl');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const item = (id: string, question: string, answer: string) => JSON.stringify({ id, messages: [{ role: 'user', content: question }, { role: 'assistant', content: answer }], chunkIds: [chunkId], source: { knowledgeBase: 'hr' } });
    fs.writeFileSync(file, [item('q1', '年休假有几天？', '五天。'), item('q2', '满十年呢？', '十天。'), item('q3', '重复的问题？', '重复。')].join('\n') + '\n');
    // A decision made in the terminal shows in the UI…
    expect((await runCliCaptured(['data', 'review', file, '--reject', 'q3', '--reason', 'duplicate'], { home })).code).toBe(0);

    const page = await openPage('#/review/hr');
    await page.getByRole('link', { name: 'qa.jsonl' }).click();
    await page.getByTestId('review-item').filter({ hasText: '年休假有几天？' }).waitFor();
    await page.locator('.review-source .passage').filter({ hasText: '年休假五天' }).waitFor();
    expect(await page.locator('.review-source .heading-path').textContent()).toBe(search.hits[0]!.headingPath.join(' › '));
    await shoot(page, 'data-review');

    await page.keyboard.press('e');
    const editor = page.getByTestId('edit-output');
    await editor.fill('累计工作满一年不满十年的，年休假五天。');
    await editor.press('Control+Enter');
    await page.getByTestId('review-item').filter({ hasText: '满十年呢？' }).waitFor();
    await page.keyboard.press('a');
    await page.getByTestId('review-item').filter({ hasText: '重复的问题？' }).waitFor();
    expect(await page.getByTestId('review-status').textContent()).toBe('已拒绝');
    await page.context().close();

    // …and the UI's decisions are the CLI's.
    const listed = await runCliCaptured(['data', 'review', file, '--list', 'all', '--json'], { home });
    expect(listed.code).toBe(0);
    const decisions = (JSON.parse(listed.stdout) as Array<{ id: string; status: string; decision: { edited?: { output?: string }; reason?: string } | null }>).map(({ id, status, decision }) => ({ id, status, output: decision?.edited?.output, reason: decision?.reason }));
    expect(decisions).toEqual([
      { id: 'q1', status: 'edit', output: '累计工作满一年不满十年的，年休假五天。', reason: undefined },
      { id: 'q2', status: 'accept', output: undefined, reason: undefined },
      { id: 'q3', status: 'reject', output: undefined, reason: 'duplicate' },
    ]);
  });

  it('lists evaluation runs and takes a blinded human pairwise review that the CLI resumes', async () => {
    const home = temporaryDirectory();
    const run = path.join(home, 'runs', 'tuned-vs-base');
    fs.mkdirSync(run, { recursive: true });
    const questions = ['试用期最长多久？', '年休假几天？', '试用期工资多少？'];
    const answersA = ['最长六个月。', '五天到十天。', '不低于百分之八十。'];
    const answersB = ['不知道。', '五天。', '和正式工资一样。'];
    const write = (file: string, answers: string[]) => fs.writeFileSync(path.join(run, file), questions.map((question, index) => JSON.stringify({ id: `q${index + 1}`, question, answer: answers[index] })).join('\n') + '\n');
    write('answers-a.jsonl', answersA);
    write('answers-b.jsonl', answersB);
    server = await serve(home);

    const page = await openPage('#/eval');
    await page.getByRole('link', { name: 'tuned-vs-base' }).click();
    const shownFirst: string[] = [];
    for (const key of ['g', 's']) {
      const pair = page.getByTestId('pair');
      await pair.waitFor();
      const id = (await pair.getAttribute('data-id'))!;
      const index = Number(id.slice(1)) - 1;
      const first = await page.getByTestId('answer-1').textContent();
      // Blinded: answer 1 is one of the two, without a label saying which system wrote it.
      expect([answersA[index], answersB[index]]).toContain(first);
      expect(await pair.textContent()).not.toMatch(/\b[AB]\b/);
      shownFirst.push(first === answersA[index] ? 'A' : 'B');
      await page.keyboard.press(key);
      await page.getByTestId('pair').and(page.locator(`:not([data-id="${id}"])`)).waitFor();
    }
    expect(await page.getByTestId('win-rate').textContent()).toContain('已评 2/3');
    await shoot(page, 'pairwise-review');
    await page.context().close();

    // The CLI resumes the same run directory with the last pair, and reports the UI's decisions with it.
    const cli = await runCliCaptured(['eval', 'pairwise', path.join(run, 'answers-a.jsonl'), path.join(run, 'answers-b.jsonl'), '--human', '--run-dir', run, '--json'], { home, stdin: Readable.from(['b\n']) });
    expect(cli.code).toBe(0);
    const decisions = fs.readFileSync(path.join(run, 'decisions.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { id: string; key: string; shownFirst: string; outcome: string });
    expect(decisions.map(({ id, key, shownFirst: first }) => ({ id, key, first }))).toEqual([
      { id: 'q1', key: 'g', first: shownFirst[0] },
      { id: 'q2', key: 's', first: shownFirst[1] },
      { id: 'q3', key: 'b', first: expect.stringMatching(/^[AB]$/) },
    ]);
    expect(decisions[0]!.outcome).toBe(shownFirst[0] === 'A' ? 'win' : 'loss');
    expect(decisions[1]!.outcome).toBe('tie');

    const list = await openPage('#/eval');
    await list.getByTestId('evaluation-runs').getByTestId('win-rate').filter({ hasText: '已评 3/3' }).waitFor();
    await list.context().close();
  });

  it("lets an admin edit a document's access groups (a reader key cannot, and then no longer sees it) and opens a comparison report", async () => {
    const home = temporaryDirectory();
    await createTestKnowledgeBase(home, temporaryDirectory(), 'hr', { 'handbook.md': HANDBOOK, 'notice.md': '# 通知\n\n## 第一条 班车\n\n班车每天早上八点发车。\n' });
    const run = path.join(home, 'runs', 'compare-strategies');
    fs.mkdirSync(run, { recursive: true });
    fs.writeFileSync(path.join(run, 'report.html'), '<!doctype html><html><body><h1>策略比较报告</h1><script>document.title = "ran"</script></body></html>');
    const admin = createApiKey(home, { name: 'admin', role: 'admin' }).secret;
    const reader = createApiKey(home, { name: 'reader', knowledgeBases: ['hr'] }).secret;
    server = await serve(home);
    const readerDocuments = async () =>
      ((await (await fetch(`${server!.url}/api/knowledge-bases/hr/documents`, { headers: { authorization: `Bearer ${reader}` } })).json()) as { documents: Array<{ path: string }> }).documents.map((document) => path.basename(document.path));
    expect(await readerDocuments()).toContain('handbook.md');

    const readerPage = await openPage('#/kb/hr');
    await readerPage.getByTestId('key-input').fill(reader);
    await readerPage.getByTestId('key-input').press('Enter');
    await readerPage.getByTestId('document-row').first().waitFor();
    expect(await readerPage.getByRole('button', { name: '修改访问组' }).count()).toBe(0);
    await readerPage.context().close();

    const page = await openPage('#/kb/hr');
    await page.getByTestId('key-input').fill(admin);
    await page.getByTestId('key-input').press('Enter');
    const row = page.getByTestId('document-row').filter({ hasText: 'handbook.md' });
    await row.getByRole('button', { name: '修改访问组' }).click();
    await row.getByRole('textbox', { name: '修改访问组' }).fill('hr, legal');
    await row.getByRole('button', { name: '保存' }).click();
    await row.getByTestId('document-groups').filter({ hasText: 'hr, legal' }).waitFor();
    expect(await readerDocuments()).not.toContain('handbook.md');
    expect(await readerDocuments()).toContain('notice.md');

    await page.goto(`${server.url}/#/eval`);
    await page.getByRole('button', { name: '查看比较报告' }).click();
    const frame = page.getByTestId('comparison-report');
    expect(await frame.getAttribute('sandbox')).toBe('');
    await page.frameLocator('[data-testid="comparison-report"]').getByRole('heading', { name: '策略比较报告' }).waitFor();
    // The sandbox runs no script the report might carry.
    const reportFrame = await (await frame.elementHandle())!.contentFrame();
    expect(await reportFrame!.evaluate('document.title')).not.toBe('ran');
    await page.context().close();
  });
});
