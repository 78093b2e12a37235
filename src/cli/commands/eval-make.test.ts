import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lastUserMessage } from '../../eval/exam/__fixtures__/scripted-examinee.js';
import { runCliCaptured } from '../../../test/support/run-cli.js';
import { startScriptedOpenAIServer, type RecordedRequest, type ScriptedOpenAIServer } from '../../../test/support/scripted-openai-server.js';
import { useTemporaryDirectories, writeFiles } from '../../../test/support/temporary-directory.js';

const temporaryDirectory = useTemporaryDirectories();

/** Three documents, one chunk each (each is one short section). */
const DOCUMENTS = {
  'probation.md': '# 试用期\n\n劳动合同期限三年以上固定期限和无固定期限的劳动合同，试用期不得超过六个月。同一用人单位与同一劳动者只能约定一次试用期。\n',
  'leave.md': '# 年休假\n\n职工累计工作已满1年不满10年的，年休假5天；已满10年不满20年的，年休假10天；已满20年的，年休假15天。\n',
  'overtime.md': '# 加班工资\n\n安排劳动者延长工作时间的，支付不低于工资的百分之一百五十的工资报酬；休息日安排工作又不能安排补休的，支付不低于工资的百分之二百的工资报酬。\n',
};

/** Asks about the chunk and answers with its first clause, so every answer is grounded. */
function questionWriter(request: RecordedRequest) {
  const chunk = lastUserMessage(request).replace(/^材料：\n/, '');
  const body = chunk.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'))[0]!;
  const answer = body.split(/[，；。]/)[0]!;
  return {
    json: {
      id: 'chatcmpl-make',
      object: 'chat.completion',
      created: 0,
      model: 'scripted-model',
      choices: [{ index: 0, message: { role: 'assistant', content: JSON.stringify({ question: `${answer.slice(0, 6)}的规定是什么？`, answer }) }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 50, completion_tokens: 20, total_tokens: 70 },
    },
  };
}

describe('hangjia eval make', () => {
  let server: ScriptedOpenAIServer;
  let home: string;
  let env: NodeJS.ProcessEnv;
  let workspace: string;
  beforeEach(async () => {
    server = await startScriptedOpenAIServer();
    server.enqueue('/v1/chat/completions', ...Array.from({ length: 20 }, () => questionWriter));
    home = temporaryDirectory();
    workspace = temporaryDirectory();
    env = { HANGJIA_MODEL_PROVIDER: 'openai-compatible', HANGJIA_BASE_URL: server.baseURL, HANGJIA_MODEL: 'scripted-model' };
    const sources = path.join(workspace, 'docs');
    writeFiles(sources, DOCUMENTS);
    const created = await runCliCaptured(['kb', 'create', 'labor', sources, '--quiet'], { home, env });
    expect(created.code, created.stderr).toBe(0);
  });
  afterEach(async () => {
    await server.close();
  });

  const readSet = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { question: string; answer: string; sourceChunkId: string; documentPath: string });

  it('writes grounded questions that name their chunk, and the decontamination list', async () => {
    const out = path.join(workspace, 'set.jsonl');
    const run = await runCliCaptured(['eval', 'make', 'labor', '--out', out, '--count', '3'], { home, env });
    expect(run.code, run.stderr).toBe(0);
    const set = readSet(out);
    expect(set).toHaveLength(3);
    expect(server.requests).toHaveLength(3);
    // One question per chunk (count = chunks), each answered from the document it names.
    expect(set.map((question) => question.answer).sort()).toEqual(['安排劳动者延长工作时间的', '劳动合同期限三年以上固定期限和无固定期限的劳动合同', '职工累计工作已满1年不满10年的'].sort());
    for (const question of set) expect(DOCUMENTS[path.basename(question.documentPath) as keyof typeof DOCUMENTS]).toContain(question.answer);
    expect(new Set(set.map((question) => question.sourceChunkId)).size).toBe(3);
    const decontamination = JSON.parse(readFileSync(path.join(workspace, 'set.decontamination.json'), 'utf8'));
    expect(decontamination.chunkIds).toEqual(set.map((question) => question.sourceChunkId).sort());
    expect(run.stdout).toContain('questions   3 of 3 wanted, from 3 chunks picked of 3');
  });

  it('never uses a chunk the training data used, and refuses when none is left or overlap cannot be checked', async () => {
    const first = path.join(workspace, 'all.jsonl');
    expect((await runCliCaptured(['eval', 'make', 'labor', '--out', first, '--count', '3'], { home, env })).code).toBe(0);
    const chunkIds = readSet(first).map((question) => question.sourceChunkId);

    const training = path.join(workspace, 'train.jsonl');
    writeFileSync(training, `${JSON.stringify({ instruction: 'q', output: 'a', metadata: { sourceChunkId: chunkIds[0] } })}\n`);
    const partial = path.join(workspace, 'partial.jsonl');
    const kept = await runCliCaptured(['eval', 'make', 'labor', '--out', partial, '--count', '3', '--exclude-training', training], { home, env });
    expect(kept.code, kept.stderr).toBe(0);
    expect(readSet(partial).map((question) => question.sourceChunkId)).toEqual(chunkIds.slice(1));
    expect(kept.stdout).toContain('skipped     excluded 1');

    writeFileSync(training, chunkIds.map((id) => JSON.stringify({ instruction: 'q', output: 'a', sourceChunkId: id })).join('\n'));
    const asked = server.requests.length;
    const refused = await runCliCaptured(['eval', 'make', 'labor', '--out', path.join(workspace, 'none.jsonl'), '--exclude-training', training], { home, env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('has no chunk left to ask about: 3 chunks, 3 used by the training data');
    writeFileSync(training, `${JSON.stringify({ instruction: 'q', output: 'a' })}\n`);
    const unchecked = await runCliCaptured(['eval', 'make', 'labor', '--out', path.join(workspace, 'none.jsonl'), '--exclude-training', training], { home, env });
    expect(unchecked.code).toBe(2);
    expect(unchecked.stderr).toContain('names no source chunks');
    expect(server.requests.length).toBe(asked);
  });

  it('says clearly that it needs a model', async () => {
    const run = await runCliCaptured(['eval', 'make', 'labor', '--out', path.join(workspace, 'set.jsonl')], { home, env: {} });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('eval make writes questions with a chat model, and none is configured');
  });
});
