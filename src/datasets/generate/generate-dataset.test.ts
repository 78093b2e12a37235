import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../config/index.js';
import { HangjiaError } from '../../errors/index.js';
import { createKnowledgeBase, type KnowledgeBase } from '../../knowledge-base/index.js';
import { createDefaultComponents } from '../../presets/index.js';
import { createOpenAICompatibleChatModel } from '../../providers/index.js';
import { startScriptedOpenAIServer, type RecordedRequest, type ScriptedOpenAIServer, type ScriptedReply } from '../../../test/support/scripted-openai-server.js';
import { useTemporaryDirectories, writeFiles } from '../../../test/support/temporary-directory.js';
import { cleanDataset } from '../clean/clean-dataset.js';
import { readDatasetFile } from '../read-dataset.js';
import { filterUngrounded, generateDataset, jobStatePath, type GeneratedItem, type GenerationProgress } from './index.js';

const temporaryDirectory = useTemporaryDirectories();
const servers: ScriptedOpenAIServer[] = [];
const knowledgeBases: KnowledgeBase[] = [];
afterEach(async () => {
  for (const kb of knowledgeBases.splice(0)) kb.close();
  for (const server of servers.splice(0)) await server.close();
});

/** Four one-chunk documents; each chunk carries a marker the scripted server uses to tell which chunk a request is for. */
const DOCUMENTS = {
  'probation.txt': '第十九条 【试用期】劳动合同期限三个月以上不满一年的，试用期不得超过一个月；劳动合同期限三年以上的，试用期不得超过六个月。',
  'leave.txt': '第三条 【年休假】职工累计工作已满1年不满10年的，年休假5天；已满10年不满20年的，年休假10天；已满20年的，年休假15天。',
  'overtime.txt': '第四十四条 【加班费】安排劳动者延长工作时间的，支付不低于工资的百分之一百五十的工资报酬；休息日安排工作又不能安排补休的，支付不低于工资的百分之二百的工资报酬。',
  'router.md': '# Reset\n\nHold the RESET button for 10 seconds until the power light blinks, then sign in with the default password printed on the label.',
};
const MARKERS = ['试用期', '年休假', '加班费', 'RESET'] as const;

async function setUp(documents: Record<string, string> = DOCUMENTS): Promise<{ kb: KnowledgeBase; server: ScriptedOpenAIServer; directory: string; chunkIds: Map<string, string> }> {
  const home = temporaryDirectory();
  const root = temporaryDirectory();
  writeFiles(root, documents);
  const kb = createKnowledgeBase(
    { home, name: 'law', settings: { sources: [root], include: [], exclude: [], maxFileBytes: DEFAULT_CONFIG.ingest.maxFileBytes, chunking: DEFAULT_CONFIG.chunking } },
    createDefaultComponents({ ...DEFAULT_CONFIG, embedding: { provider: 'none' } }),
  );
  knowledgeBases.push(kb);
  await kb.sync();
  const chunkIds = new Map<string, string>();
  for (const stored of kb.store.iterateChunks()) chunkIds.set(MARKERS.find((marker) => stored.chunk.text.includes(marker))!, stored.chunk.id);
  expect(chunkIds.size).toBe(Object.keys(documents).length);
  const server = await startScriptedOpenAIServer();
  servers.push(server);
  return { kb, server, directory: temporaryDirectory(), chunkIds };
}

function modelFor(server: ScriptedOpenAIServer) {
  // maxRetries 0: retries are the job's business here, so requests map one-to-one onto job attempts.
  return createOpenAICompatibleChatModel({ baseURL: server.baseURL, model: 'scripted-model', maxRetries: 0 });
}

function promptOf(request: RecordedRequest): string {
  const messages = (request.body as { messages: Array<{ role: string; content: string }> }).messages;
  return messages.find((message) => message.role === 'user')!.content;
}

function markerOf(request: RecordedRequest): string {
  return MARKERS.find((marker) => promptOf(request).includes(marker))!;
}

function completion(content: unknown, usage = { prompt_tokens: 100, completion_tokens: 20 }): ScriptedReply {
  return {
    json: {
      id: 'chatcmpl-scripted',
      object: 'chat.completion',
      created: 0,
      model: 'scripted-model',
      choices: [{ index: 0, message: { role: 'assistant', content: typeof content === 'string' ? content : JSON.stringify(content) }, finish_reason: 'stop' }],
      usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
    },
  };
}

/** Schema-valid, fluent, meaningless: the kind of output the Gudibande caution warns about. */
function meaningless(request: RecordedRequest, count = 2): ScriptedReply {
  const marker = markerOf(request);
  return completion({ items: Array.from({ length: count }, (_, index) => ({ question: `关于${marker}的第${index + 1}个问题是什么？`, answer: '这是一个很好的问题，答案因人而异，需要综合考虑多方面因素。' })) });
}

function readItems(file: string): GeneratedItem[] {
  return fs.readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as GeneratedItem);
}

function chatRequests(server: ScriptedOpenAIServer): RecordedRequest[] {
  return server.requests.filter((request) => request.path === '/v1/chat/completions');
}

describe('generateDataset', () => {
  it('writes self-QA items with their chunk ids, constrains output to the schema, and counts tokens and cost', async () => {
    const { kb, server, directory, chunkIds } = await setUp();
    for (let index = 0; index < 4; index += 1) server.enqueue('/v1/chat/completions', (request) => meaningless(request));
    const output = path.join(directory, 'law.self-qa.jsonl');
    const result = await generateDataset({ kb, model: modelFor(server), method: 'self-qa', perChunk: 2, concurrency: 2, output, pricePerMillionTokens: 2, now: () => new Date('2026-01-02T03:04:05Z') });

    expect(result).toMatchObject({ status: 'completed', chunksTotal: 4, chunksDone: 4, chunksFailed: 0, items: 8, itemsWritten: 8, usage: { inputTokens: 400, outputTokens: 80 }, wastedUsage: { inputTokens: 0, outputTokens: 0 }, failures: [] });
    // (400 + 80) tokens / 1e6 × 2 per million.
    expect(result.estimatedCost).toBeCloseTo(0.00096, 10);
    const items = readItems(output);
    const probation = items.find((item) => item.chunkIds[0] === chunkIds.get('试用期'))!;
    expect(probation).toMatchObject({
      id: `${chunkIds.get('试用期')}:self-qa:0`,
      method: 'self-qa',
      language: 'zh',
      source: { knowledgeBase: 'law', documentTitle: 'probation' },
      model: 'openai-compatible:scripted-model',
      createdAt: '2026-01-02T03:04:05.000Z',
      messages: [
        { role: 'user', content: '关于试用期的第1个问题是什么？' },
        { role: 'assistant', content: '这是一个很好的问题，答案因人而异，需要综合考虑多方面因素。' },
      ],
    });
    // The English chunk got the English prompt; every call asked for JSON through the endpoint's schema format.
    const english = chatRequests(server).find((request) => markerOf(request) === 'RESET')!;
    expect(promptOf(english)).toContain('Write 2 question-answer pairs');
    const body = english.body as { response_format: { type: string; json_schema: { name: string; schema: { required: string[] } } } };
    expect(body.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'self_qa', schema: { required: ['items'] } } });
    expect(JSON.parse(fs.readFileSync(jobStatePath(output), 'utf8'))).toMatchObject({ config: { method: 'self-qa', perChunk: 2, knowledgeBase: 'law' }, failures: [] });
  });

  it('rejects questions that lean on "the passage" and asks again for the shortfall', async () => {
    const { kb, server, directory } = await setUp({ 'probation.txt': DOCUMENTS['probation.txt'] });
    server.enqueue(
      '/v1/chat/completions',
      completion({ items: [{ question: '根据上文，试用期最长多久？', answer: '不得超过六个月。' }, { question: '劳动合同期限三年以上的，试用期最长多久？', answer: '试用期不得超过六个月。' }] }),
      completion({ items: [{ question: '本文规定的试用期是多久？', answer: '六个月。' }] }),
      completion({ items: [{ question: '劳动合同期限三个月以上不满一年的，试用期最长多久？', answer: '试用期不得超过一个月。' }] }),
    );
    const output = path.join(directory, 'out.jsonl');
    const result = await generateDataset({ kb, model: modelFor(server), method: 'self-qa', perChunk: 2, concurrency: 1, maxRetries: 2, limitChunks: 1, retryDelayMs: 1, output });
    expect(result).toMatchObject({ status: 'completed', items: 2, rejected: { 'passage-reference': 2, duplicate: 0, empty: 0 }, shortChunks: 0 });
    expect(readItems(output).map((item) => item.messages[0]!.content)).toEqual(['劳动合同期限三年以上的，试用期最长多久？', '劳动合同期限三个月以上不满一年的，试用期最长多久？']);
    const requests = chatRequests(server);
    expect(requests).toHaveLength(3);
    // Retries ask only for what is missing, and show what is already written so it is not repeated.
    expect(promptOf(requests[1]!)).toContain('编写 1 个问答对');
    expect(promptOf(requests[1]!)).toContain('- 劳动合同期限三年以上的，试用期最长多久？');
  });

  it('cleanDataset catches refusals; the grounding check catches fluent answers the chunk does not support', async () => {
    const { kb, server, directory, chunkIds } = await setUp({ 'probation.txt': DOCUMENTS['probation.txt'] });
    server.enqueue('/v1/chat/completions', (request) =>
      completion({
        items: [
          { question: `${markerOf(request)}有什么规定？`, answer: '作为一个AI语言模型，我无法回答这个问题。' },
          { question: `${markerOf(request)}的要点是什么？`, answer: '这是一个很好的问题，答案因人而异，需要综合考虑多方面因素。' },
          { question: `劳动合同期限三年以上的，${markerOf(request)}最长多久？`, answer: '劳动合同期限三年以上的，试用期不得超过六个月。' },
        ],
      }),
    );
    const output = path.join(directory, 'out.jsonl');
    await generateDataset({ kb, model: modelFor(server), method: 'self-qa', perChunk: 3, limitChunks: 1, output });
    const { records, format } = readDatasetFile(output);
    expect(format).toBe('openai');
    const cleaned = cleanDataset(records);
    expect(cleaned.rejected.map((rejection) => [rejection.record.raw!.id, rejection.reason])).toEqual([[`${chunkIds.get('试用期')}:self-qa:0`, 'refusal']]);
    // The rule filters cannot see that "答案因人而异" says nothing about the chunk; the grounding check can.
    const chunks = kb.store.chunksByIds([chunkIds.get('试用期')!]);
    const grounded = filterUngrounded(cleaned.kept, (id) => chunks.get(id)?.chunk.text);
    expect(grounded.kept.map((record) => record.raw!.id)).toEqual([`${chunkIds.get('试用期')}:self-qa:2`]);
    expect(grounded.rejected).toHaveLength(1);
    expect(grounded.rejected[0]).toMatchObject({ reason: 'ungrounded', record: { raw: { id: `${chunkIds.get('试用期')}:self-qa:1` } } });
    // One of 22 answer bigrams ("一个"-like filler) happens to occur in the chunk.
    expect(grounded.rejected[0]!.check!.support).toBeLessThan(0.1);
  });

  it('resumes after an abort: the re-run asks only for the missing chunks and duplicates nothing', async () => {
    const { kb, server, directory } = await setUp();
    const order = [...kb.store.iterateChunks()].map((stored) => MARKERS.find((marker) => stored.chunk.text.includes(marker))!);
    for (let index = 0; index < 8; index += 1) server.enqueue('/v1/chat/completions', (request) => meaningless(request));
    const output = path.join(directory, 'out.jsonl');
    const controller = new AbortController();
    const first = await generateDataset({
      kb, model: modelFor(server), method: 'self-qa', perChunk: 2, concurrency: 1, output, signal: controller.signal, checkpointIntervalMs: 60_000,
      onProgress: (progress) => {
        if (progress.chunksDone === 2) controller.abort(new Error('killed'));
      },
    });
    expect(first).toMatchObject({ status: 'aborted', chunksDone: 2, items: 4 });
    expect(chatRequests(server).map(markerOf)).toEqual(order.slice(0, 2));

    // A crash between appending a chunk's lines and saving the state leaves lines of an unfinished
    // chunk behind; simulate one (plus a torn last line) and check the re-run drops and regenerates them.
    const third = [...kb.store.iterateChunks()][2]!.chunk.id;
    fs.appendFileSync(output, `${JSON.stringify({ id: `${third}:self-qa:0`, chunkIds: [third], messages: [] })}\n{"id":"torn`);

    const before = chatRequests(server).length;
    const second = await generateDataset({ kb, model: modelFor(server), method: 'self-qa', perChunk: 2, concurrency: 2, output });
    expect(second).toMatchObject({ status: 'completed', chunksSkipped: 2, chunksDone: 4, items: 8, itemsWritten: 4, droppedOnResume: 2 });
    expect(chatRequests(server).slice(before).map(markerOf).sort()).toEqual(order.slice(2).sort());
    const ids = readItems(output).map((item) => item.id);
    expect(ids).toHaveLength(8);
    expect(new Set(ids).size).toBe(8);
    // A third run has nothing left to do and calls no model.
    const third3 = await generateDataset({ kb, model: modelFor(server), method: 'self-qa', perChunk: 2, output });
    expect(third3).toMatchObject({ status: 'completed', chunksSkipped: 4, itemsWritten: 0, items: 8 });
    expect(chatRequests(server).length).toBe(before + 2);
  });

  it('asks nothing again for chunks finished just before a kill, though the state had not been saved since (issue 17)', async () => {
    const { kb, server, directory } = await setUp();
    const order = [...kb.store.iterateChunks()].map((stored) => MARKERS.find((marker) => stored.chunk.text.includes(marker))!);
    for (let index = 0; index < 8; index += 1) server.enqueue('/v1/chat/completions', (request) => meaningless(request));
    const output = path.join(directory, 'out.jsonl');
    // What a kill -9 right after the second chunk would leave on disk: copied at that moment.
    const onDisk = new Map<string, Buffer>();
    await generateDataset({
      kb, model: modelFor(server), method: 'self-qa', perChunk: 2, concurrency: 1, output, checkpointIntervalMs: 60_000,
      onProgress: (progress) => {
        if (progress.chunksDone !== 2 || onDisk.size > 0) return;
        for (const file of fs.readdirSync(directory).filter((name) => name.startsWith('out.jsonl'))) onDisk.set(file, fs.readFileSync(path.join(directory, file)));
      },
    });
    for (const file of fs.readdirSync(directory).filter((name) => name.startsWith('out.jsonl'))) fs.rmSync(path.join(directory, file));
    for (const [file, bytes] of onDisk) fs.writeFileSync(path.join(directory, file), bytes);

    const before = chatRequests(server).length;
    const resumed = await generateDataset({ kb, model: modelFor(server), method: 'self-qa', perChunk: 2, concurrency: 1, output });
    expect(resumed).toMatchObject({ status: 'completed', chunksSkipped: 2, items: 8, itemsWritten: 4, droppedOnResume: 0 });
    expect(chatRequests(server).slice(before).map(markerOf)).toEqual(order.slice(2));
    expect(new Set(readItems(output).map((item) => item.id)).size).toBe(8);
  });

  it('counts and lists chunks the model fails on, retries model errors with backoff, and retries failures on the next run', async () => {
    const { kb, server, directory } = await setUp();
    let failOvertime = true;
    let brokeOnce = false;
    for (let index = 0; index < 20; index += 1) {
      server.enqueue('/v1/chat/completions', (request) => {
        // 加班费: a non-retryable HTTP error (until fixed); 年休假: output that breaks the schema once, then good output.
        if (markerOf(request) === '加班费' && failOvertime) return { status: 400, json: { error: { message: 'bad request' } } };
        if (markerOf(request) === '年休假' && !brokeOnce) {
          brokeOnce = true;
          return completion('{"items": [{"question": 1}]}');
        }
        return meaningless(request, 1);
      });
    }
    const output = path.join(directory, 'out.jsonl');
    const first = await generateDataset({ kb, model: modelFor(server), method: 'self-qa', perChunk: 1, concurrency: 1, maxRetries: 2, retryDelayMs: 1, output });
    expect(first.status).toBe('completed-with-errors');
    expect(first).toMatchObject({ chunksDone: 3, chunksFailed: 1, items: 3 });
    expect(first.failures).toHaveLength(1);
    expect(first.failures[0]).toMatchObject({ code: 'E_PROVIDER_HTTP', attempts: 1 });
    // 年休假 took two calls (schema violation, then good), 加班费 one (400 is not retryable): 4 + 1 calls.
    const markers = chatRequests(server).map(markerOf);
    expect(markers.filter((marker) => marker === '年休假')).toHaveLength(2);
    expect(markers.filter((marker) => marker === '加班费')).toHaveLength(1);

    const before = chatRequests(server).length;
    failOvertime = false;
    const retry = await generateDataset({ kb, model: modelFor(server), method: 'self-qa', perChunk: 1, concurrency: 1, maxRetries: 0, output });
    expect(chatRequests(server).slice(before).map(markerOf)).toEqual(['加班费']);
    expect(retry).toMatchObject({ status: 'completed', chunksDone: 4, failures: [], items: 4 });
  });

  it('counts the tokens of every answered call, rejected and unparsable output included, and keeps them across runs', async () => {
    const { kb, server, directory } = await setUp();
    // Each call reports its own token counts (1xx in, 1x out), so every total below names exactly
    // the calls it includes; the good calls report the default 100 in, 20 out.
    const notJson = (inputTokens: number, outputTokens: number) => completion('这不是 JSON', { prompt_tokens: inputTokens, completion_tokens: outputTokens });
    const offSchema = (inputTokens: number, outputTokens: number) => completion('{"items": [{"question": 1}]}', { prompt_tokens: inputTokens, completion_tokens: outputTokens });
    const good = (request: RecordedRequest) => meaningless(request, 1);
    const script: Record<string, Array<(request: RecordedRequest) => ScriptedReply>> = {
      试用期: [() => notJson(101, 11), good],
      // Off-schema twice: with maxRetries 1 the chunk fails (E_MODEL_OUTPUT), and both calls still cost.
      年休假: [() => offSchema(102, 12), () => offSchema(103, 13)],
      // Valid JSON whose only item leans on "the passage": rejected, so the call added nothing.
      加班费: [() => completion({ items: [{ question: '根据上文，加班费怎么算？', answer: '不低于工资的百分之一百五十。' }] }, { prompt_tokens: 104, completion_tokens: 14 }), good],
      RESET: [good],
    };
    for (let index = 0; index < 10; index += 1) server.enqueue('/v1/chat/completions', (request) => script[markerOf(request)]!.shift()!(request));
    const output = path.join(directory, 'out.jsonl');
    const options = { kb, model: modelFor(server), method: 'self-qa' as const, perChunk: 1, concurrency: 1, maxRetries: 1, retryDelayMs: 1, pricePerMillionTokens: 2, output };
    const progress: GenerationProgress[] = [];
    const first = await generateDataset({ ...options, onProgress: (event) => progress.push(event) });
    expect(first).toMatchObject({ status: 'completed-with-errors', chunksDone: 3, chunksFailed: 1, items: 3, rejected: { 'passage-reference': 1, duplicate: 0, empty: 0 } });
    expect(first.failures).toMatchObject([{ code: 'E_MODEL_OUTPUT', attempts: 2 }]);
    // 7 calls: 101 + 100 (试用期) + 102 + 103 (年休假) + 104 + 100 (加班费) + 100 (RESET) in; 11 + 20 + 12 + 13 + 14 + 20 + 20 out.
    expect(first.usage).toEqual({ inputTokens: 710, outputTokens: 110 });
    // The four calls that added no item: 101, 102, 103, 104 in; 11, 12, 13, 14 out.
    expect(first.wastedUsage).toEqual({ inputTokens: 410, outputTokens: 50 });
    // (710 + 110) tokens / 1e6 × 2 per million: the cost includes the wasted calls.
    expect(first.estimatedCost).toBeCloseTo(0.00164, 10);
    expect(progress.at(-1)).toMatchObject({ usage: { inputTokens: 710, outputTokens: 110 }, wastedUsage: { inputTokens: 410, outputTokens: 50 } });
    expect(JSON.parse(fs.readFileSync(jobStatePath(output), 'utf8'))).toMatchObject({ usage: { inputTokens: 710, outputTokens: 110 }, wastedUsage: { inputTokens: 410, outputTokens: 50 } });

    // The next run retries 年休假 (unparsable once more, then good) and adds to the saved totals.
    script['年休假']!.push(() => notJson(105, 15), good);
    const second = await generateDataset(options);
    expect(second).toMatchObject({ status: 'completed', chunksDone: 4, items: 4, failures: [] });
    expect(second.usage).toEqual({ inputTokens: 710 + 105 + 100, outputTokens: 110 + 15 + 20 });
    expect(second.wastedUsage).toEqual({ inputTokens: 410 + 105, outputTokens: 50 + 15 });
    expect(second.estimatedCost).toBeCloseTo(0.00212, 10);
    expect(JSON.parse(fs.readFileSync(jobStatePath(output), 'utf8'))).toMatchObject({ usage: { inputTokens: 915, outputTokens: 145 }, wastedUsage: { inputTokens: 515, outputTokens: 65 } });
  });

  it('counts the answered calls of a chunk that is aborted half-way, and saves them for the next run', async () => {
    const { kb, server, directory } = await setUp({ 'probation.txt': DOCUMENTS['probation.txt'] });
    const controller = new AbortController();
    server.enqueue(
      '/v1/chat/completions',
      completion('这不是 JSON', { prompt_tokens: 107, completion_tokens: 17 }),
      // The retry is in flight when the job is killed: it never gets an answer, so it costs nothing known.
      (request) => {
        controller.abort(new Error('killed'));
        return { ...meaningless(request, 1), delayMs: 5_000 };
      },
    );
    const output = path.join(directory, 'out.jsonl');
    const result = await generateDataset({ kb, model: modelFor(server), method: 'self-qa', perChunk: 1, maxRetries: 1, retryDelayMs: 1, output, signal: controller.signal });
    expect(result).toMatchObject({ status: 'aborted', chunksDone: 0, items: 0, usage: { inputTokens: 107, outputTokens: 17 }, wastedUsage: { inputTokens: 107, outputTokens: 17 } });
    expect(JSON.parse(fs.readFileSync(jobStatePath(output), 'utf8'))).toMatchObject({ usage: { inputTokens: 107, outputTokens: 17 }, wastedUsage: { inputTokens: 107, outputTokens: 17 } });
  });

  it('resumes a job whose state predates wasted-token counting, reading those as zero', async () => {
    const { kb, server, directory } = await setUp({ 'probation.txt': DOCUMENTS['probation.txt'] });
    const output = path.join(directory, 'out.jsonl');
    fs.writeFileSync(
      jobStatePath(output),
      JSON.stringify({ version: 1, config: { method: 'self-qa', perChunk: 1 }, models: [], createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', doneChunkIds: [], failures: [], rejected: { 'passage-reference': 0, duplicate: 0, empty: 0 }, usage: { inputTokens: 1000, outputTokens: 200 } }),
    );
    server.enqueue('/v1/chat/completions', completion('这不是 JSON', { prompt_tokens: 107, completion_tokens: 17 }), (request) => meaningless(request, 1));
    const result = await generateDataset({ kb, model: modelFor(server), method: 'self-qa', perChunk: 1, retryDelayMs: 1, output });
    expect(result).toMatchObject({ status: 'completed', usage: { inputTokens: 1207, outputTokens: 237 }, wastedUsage: { inputTokens: 107, outputTokens: 17 } });
  });

  it('refuses to resume with other settings, or to overwrite a file that is not a job', async () => {
    const { kb, server, directory } = await setUp();
    const output = path.join(directory, 'out.jsonl');
    server.enqueue('/v1/chat/completions', (request) => meaningless(request, 1));
    await generateDataset({ kb, model: modelFor(server), method: 'self-qa', perChunk: 1, limitChunks: 1, output });
    const mismatch = await generateDataset({ kb, model: modelFor(server), method: 'dialogue', perChunk: 1, output }).catch((error: unknown) => error);
    expect(HangjiaError.is(mismatch, 'E_USAGE')).toBe(true);
    expect((mismatch as HangjiaError).details).toMatchObject({ method: 'dialogue', stateMethod: 'self-qa' });
    // Issue 11: everything that changes what the model writes is the job's identity, endpoint included.
    const identity = async (options: Partial<Parameters<typeof generateDataset>[0]>): Promise<string> =>
      ((await generateDataset({ kb, model: modelFor(server), method: 'self-qa', perChunk: 1, output, modelSource: 'http://a/v1', ...options }).catch((error: unknown) => error)) as Error).message;
    expect(await identity({ modelSource: 'http://b/v1' })).toBe(
      `${output} belongs to a job with model.source null, but this run has "http://b/v1": its items cannot be resumed into this job. Resume it with the same settings, or write to another output file.`,
    );
    expect(await identity({ modelSource: undefined, temperature: 0.2 })).toContain('belongs to a job with temperature 0.7, but this run has 0.2');
    expect(await identity({ modelSource: undefined, model: createOpenAICompatibleChatModel({ baseURL: server.baseURL, model: 'other-model', maxRetries: 0 }) })).toContain('model.modelId "scripted-model", but this run has "other-model"');
    expect(await identity({ modelSource: undefined, maxTokens: 512 })).toContain('maxTokens 2048, but this run has 512');
    expect(JSON.parse(fs.readFileSync(`${output}.state.json`, 'utf8')).identity).toMatchObject({ model: { provider: 'openai-compatible', modelId: 'scripted-model', source: null }, knowledgeBaseGeneration: kb.store.generation() });
    const foreign = path.join(directory, 'foreign.jsonl');
    fs.writeFileSync(foreign, '{"instruction":"x","output":"y"}\n');
    await expect(generateDataset({ kb, model: modelFor(server), method: 'self-qa', output: foreign })).rejects.toThrow('has no generation state');
    await expect(generateDataset({ kb, model: modelFor(server), method: 'evol', output: path.join(directory, 'evol.jsonl') })).rejects.toThrow('--seeds');
  });

  it('evol rewrites seed instructions against their own chunk; dialogue keeps every turn', async () => {
    const { kb, server, directory, chunkIds } = await setUp({ 'probation.txt': DOCUMENTS['probation.txt'] });
    const probation = chunkIds.get('试用期')!;
    server.enqueue('/v1/chat/completions', (request) => {
      expect(promptOf(request)).toContain('试用期最长多久？');
      expect(promptOf(request)).toContain('deepen, broaden');
      return completion({ items: [{ operation: 'deepen', instruction: '劳动合同期限为三年的员工，试用期约定为八个月是否合法？', output: '不合法，劳动合同期限三年以上的，试用期不得超过六个月。' }, { operation: 'broaden', instruction: '一年期劳动合同的试用期上限是多少？', output: '试用期不得超过一个月。' }] });
    });
    const evolOut = path.join(directory, 'evol.jsonl');
    const seeds = [{ instruction: '年休假有几天？' }, { instruction: '试用期最长多久？', chunkIds: [probation] }];
    const result = await generateDataset({ kb, model: modelFor(server), method: 'evol', perChunk: 2, limitChunks: 1, seeds, output: evolOut });
    expect(result.items).toBe(2);
    expect(readItems(evolOut)[0]).toMatchObject({ id: `${probation}:evol:0`, operation: 'deepen', evolvedFrom: '试用期最长多久？' });

    server.enqueue('/v1/chat/completions', completion({ items: [{ turns: [{ user: '试用期最长能约定多久？', assistant: '看合同期限，三年以上的不得超过六个月。' }, { user: '那一年的呢？', assistant: '三个月以上不满一年的，不得超过一个月。' }] }] }));
    const dialogueOut = path.join(directory, 'dialogue.jsonl');
    await generateDataset({ kb, model: modelFor(server), method: 'dialogue', perChunk: 1, limitChunks: 1, output: dialogueOut });
    expect(readItems(dialogueOut)[0]!.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
  });
});
