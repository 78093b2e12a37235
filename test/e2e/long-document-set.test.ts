import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildLongDocumentSet } from '../../bench/build-long-document-set.js';
import { runCliCaptured } from '../support/run-cli.js';
import { needsSharedDataset } from '../support/shared-dataset.js';
import { startScriptedOpenAIServer, textReply, toolCallsReply, type ScriptedOpenAIServer } from '../support/scripted-openai-server.js';
import { useTemporaryDirectories, writeFiles } from '../support/temporary-directory.js';

const temporaryDirectory = useTemporaryDirectories();
const stardLegal = needsSharedDataset('stard-legal');
const STARD = stardLegal.path;

const article = (id: string, title: string, text: string) => JSON.stringify({ id, title, text: `${text}\n` });
const CORPUS = [
  article('a10', '中华人民共和国民法典第七百三十三条', '租赁期限届满，承租人应当返还租赁物。'),
  article('a2', '中华人民共和国民法典第七百零三条', '租赁合同是出租人将租赁物交付承租人使用、收益，承租人支付租金的合同。'),
  article('a3', '中华人民共和国民法典第七百零三条之一', '（假设的条文）押金应当在租赁期满后返还。'),
  article('b1', '中华人民共和国民事诉讼法第二十四条', '因合同纠纷提起的诉讼，由被告住所地或者合同履行地人民法院管辖。'),
  article('c1', '旅行社条例第十八条', '旅行社应当补足质量保证金。'),
];
const question = (id: string, split: string, evidence: string[]) =>
  JSON.stringify({ id, split, question: `问题${id}：租赁期满押金怎么退，去哪里起诉？`, answer: '承租人应当返还租赁物，可以向被告住所地法院起诉。', evidence: evidence.map((doc_id) => ({ doc_id, name: `name-of-${doc_id}` })) });
const POOL = [question('1', 'train', ['a10', 'b1']), question('2', 'test', ['a10']), question('3', 'train', ['a10', 'b1', 'c1']), question('4', 'train', ['zz']), `{"id": "5", "split": "train", "question": "q", "answer": "a", "keywords": NaN, "evidence": []}`];

describe('the long-document question set', () => {
  it('reassembles each law in article order and keeps train questions whose evidence lies in one or two laws', () => {
    const set = buildLongDocumentSet(CORPUS, POOL.map((line) => line.replace(/:\s*NaN\b/gu, ': null')));
    expect([...set.laws.keys()]).toEqual(['旅行社条例', '中华人民共和国民法典', '中华人民共和国民事诉讼法']);
    expect(set.laws.get('中华人民共和国民法典')).toBe(
      '中华人民共和国民法典\n\n第七百零三条　租赁合同是出租人将租赁物交付承租人使用、收益，承租人支付租金的合同。\n\n第七百零三条之一　（假设的条文）押金应当在租赁期满后返还。\n\n第七百三十三条　租赁期限届满，承租人应当返还租赁物。\n',
    );
    expect(set.questions).toEqual([
      { id: '1', question: '问题1：租赁期满押金怎么退，去哪里起诉？', reference: '承租人应当返还租赁物，可以向被告住所地法院起诉。', evidence: ['name-of-a10', 'name-of-b1'], laws: ['中华人民共和国民法典', '中华人民共和国民事诉讼法'] },
    ]);
    expect(set.skipped).toEqual({ 'not-train': 1, 'no-evidence': 1, 'unknown-article': 1, 'more-than-two-laws': 1 });
  });

  stardLegal.it('builds from ../shared/datasets/stard-legal', () => {
    const read = (name: string) => fs.readFileSync(path.join(STARD, name), 'utf8').split('\n');
    const set = buildLongDocumentSet(read('corpus.jsonl'), read('qa_pool.jsonl'));
    expect(set.articles).toBe(58435);
    expect(set.laws.size).toBe(1338);
    expect(set.questions).toHaveLength(1205);
    expect(set.skipped).toEqual({ 'not-train': 0, 'no-evidence': 0, 'unknown-article': 0, 'more-than-two-laws': 29 });
  });
});

describe('eval rag --kb --strategy on long documents', () => {
  let server: ScriptedOpenAIServer;
  let home: string;
  let directory: string;
  beforeEach(async () => {
    server = await startScriptedOpenAIServer();
    home = temporaryDirectory();
    directory = temporaryDirectory();
    const set = buildLongDocumentSet(CORPUS, [question('1', 'train', ['a10', 'b1'])]);
    writeFiles(directory, Object.fromEntries([...set.laws].map(([law, text]) => [`laws/${law}.txt`, text])));
    const lines = set.questions.map((item) => JSON.stringify({ ...item, evidence: ['中华人民共和国民法典第七百三十三条', '中华人民共和国民事诉讼法第二十四条'] }));
    fs.writeFileSync(path.join(directory, 'questions.jsonl'), `${lines.join('\n')}\n`);
    const created = await runCliCaptured(['kb', 'create', 'long', path.join(directory, 'laws'), '--quiet'], { home });
    expect(created.code, created.stderr).toBe(0);
  });
  afterEach(async () => {
    await server.close();
  });
  const modelEnv = () => ({ HANGJIA_MODEL_PROVIDER: 'openai-compatible', HANGJIA_BASE_URL: server.baseURL, HANGJIA_MODEL: 'scripted-model' });

  it('scores evidence recall, steps and tokens for the agent', async () => {
    server.enqueue(
      '/v1/chat/completions',
      toolCallsReply([{ name: 'get_article', arguments: { law: '民法典', article: '第七百三十三条' } }]),
      textReply('租赁期限届满，承租人应当返还租赁物[1]。'),
    );
    const run = await runCliCaptured(['eval', 'rag', 'questions.jsonl', '--kb', 'long', '--strategy', 'agent', '--json', '--run-dir', 'run-agent'], { home, cwd: directory, env: modelEnv() });
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    // The agent read 第七百三十三条 of 民法典 but not 民事诉讼法 第二十四条: half the gold evidence.
    expect(result.items[0].work).toEqual({ strategy: 'agent', steps: 2, tokens: 160, evidenceRecall: 0.5 });
    expect(result.summary.work.evidenceRecall).toMatchObject({ items: 1, mean: 0.5 });
    expect(result.summary.work.steps).toMatchObject({ items: 1, mean: 2 });
    expect(result.summary.metrics.citationPrecision.mean).toBe(1);
    expect(result.config.answering).toMatchObject({ strategy: 'agent' });
  });

  it('scores the same for plain RAG (one step, the prompt passages read), and prints the rows', async () => {
    const run = await runCliCaptured(['eval', 'rag', 'questions.jsonl', '--kb', 'long', '--threshold', '0.5', '--run-dir', 'run-rag', '-k', '5'], { home, cwd: directory });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/\nevidenceRecall\s+1\s+1\.0000/u);
    expect(run.stdout).toMatch(/\nsteps\s+1\s+1\.00/u);
  });
});
