/**
 * `--rerank` end to end: a knowledge base built by `kb create` is searched, asked and evaluated with
 * a reranker in front of its first-stage ranking — the HTTP adapter against the scripted server's
 * `/v1/rerank` (relevance = share of the query's characters in the passage), and the local
 * transformers.js adapter with the tiny ONNX cross-encoder (logit = shared tokens).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { vocabularyList } from '../fixtures/make-tiny-onnx-embedder.js';
import { ensureTinyOnnxReranker } from '../fixtures/make-tiny-onnx-reranker.js';
import { runCliCaptured } from '../support/run-cli.js';
import { scoreRelevanceDeterministically, startScriptedOpenAIServer, type ScriptedOpenAIServer } from '../support/scripted-openai-server.js';
import { useTemporaryDirectories, writeFiles } from '../support/temporary-directory.js';

const temporaryDirectory = useTemporaryDirectories();

const CORPUS = [
  { id: 'lab-19', title: '劳动合同法第十九条', text: '劳动合同期限三个月以上不满一年的，试用期不得超过一个月；三年以上固定期限的劳动合同，试用期不得超过六个月。' },
  { id: 'lab-20', title: '劳动合同法第二十条', text: '劳动者在试用期的工资不得低于本单位相同岗位最低档工资的百分之八十。' },
  { id: 'lab-39', title: '劳动合同法第三十九条', text: '劳动者在试用期间被证明不符合录用条件的，用人单位可以解除劳动合同。' },
  { id: 'civ-1165', title: '民法典第一千一百六十五条', text: '行为人因过错侵害他人民事权益造成损害的，应当承担侵权责任。' },
  { id: 'civ-1188', title: '民法典第一千一百八十八条', text: '无民事行为能力人、限制民事行为能力人造成他人损害的，由监护人承担侵权责任。' },
  { id: 'con-55', title: '消费者权益保护法第五十五条', text: '经营者提供商品有欺诈行为的，应当按照消费者的要求增加赔偿其受到的损失，增加赔偿的金额为购买商品价款的三倍。' },
];
const QUERIES = [
  { id: 'q1', text: '试用期最长可以约定多久？' },
  { id: 'q2', text: '试用期工资可以比正式工资低多少？' },
  { id: 'q3', text: '孩子把同学打伤了，监护人要承担侵权责任吗？' },
];

interface SearchJson {
  reranker: string | null;
  hits: Array<{ score: number; documentRowKey: string; text: string; scores: Array<{ retriever: string; score: number; rank: number }> }>;
}

describe('--rerank', () => {
  let server: ScriptedOpenAIServer;
  let home: string;
  let dataset: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    server = await startScriptedOpenAIServer();
    env = { HANGJIA_RERANK_BASE_URL: server.baseURL, HANGJIA_RERANK_MODEL: 'bge-reranker-v2-m3' };
  });
  // Temporary directories are removed after each test, so each test builds its knowledge base.
  beforeEach(async () => {
    home = temporaryDirectory();
    dataset = temporaryDirectory();
    writeFiles(dataset, {
      'corpus.jsonl': CORPUS.map((row) => JSON.stringify(row)).join('\n') + '\n',
      'queries.jsonl': QUERIES.map((query) => JSON.stringify(query)).join('\n') + '\n',
      'qrels.tsv': 'query-id\tcorpus-id\tscore\nq1\tlab-19\t1\nq2\tlab-20\t1\nq3\tciv-1188\t1\n',
    });
    const created = await runCliCaptured(['kb', 'create', 'law', path.join(dataset, 'corpus.jsonl'), '--quiet'], { home });
    expect(created.code, created.stderr).toBe(0);
  });
  afterAll(async () => {
    await server.close();
  });

  it('search --rerank http: the endpoint reads the first-stage top N, and its order and scores are final', async () => {
    const firstStage = JSON.parse((await runCliCaptured(['search', 'law', '试用期工资', '-k', '5', '--json'], { home })).stdout) as SearchJson;
    const before = server.requests.length;
    const run = await runCliCaptured(['search', 'law', '试用期工资', '-k', '5', '--set', 'rerank.topN=3', '--json', '--rerank', 'http'], { home, env });
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as SearchJson;
    expect(result.reranker).toBe('http:bge-reranker-v2-m3');
    const sent = server.requests.slice(before);
    expect(sent).toHaveLength(1);
    // The reranker saw exactly the first stage's top 3, in first-stage order.
    expect((sent[0]!.body as { documents: string[] }).documents).toEqual(firstStage.hits.slice(0, 3).map((hit) => hit.text));
    const reranked = result.hits.slice(0, 3);
    expect(reranked.map((hit) => hit.score)).toEqual(reranked.map((hit) => scoreRelevanceDeterministically('试用期工资', hit.text)));
    expect([...reranked.map((hit) => hit.score)].sort((left, right) => right - left)).toEqual(reranked.map((hit) => hit.score));
    for (const [index, hit] of reranked.entries()) expect(hit.scores.at(-1)).toEqual({ retriever: 'rerank', score: hit.score, rank: index + 1 });
    // Past the top 3: first-stage order and scores, no rerank entry.
    expect(result.hits.slice(3)).toEqual(firstStage.hits.slice(3));
  });

  it('search --rerank transformers: the local cross-encoder scores each (query, passage) pair', async () => {
    const modelDir = await ensureTinyOnnxReranker();
    const run = await runCliCaptured(['search', 'law', '劳动合同试用期', '-k', '3', '--json', '--rerank', 'transformers'], { home, env: { HANGJIA_RERANK_MODEL_DIR: modelDir } });
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as SearchJson;
    expect(result.reranker).toBe(`transformers:${modelDir}`);
    // The tiny cross-encoder's logit is Σ over vocabulary characters of (count in query × count in passage).
    const vocabulary = new Set(vocabularyList);
    const count = (text: string, character: string): number => [...text].filter((other) => other === character).length;
    const sharedPairs = (passage: string): number => [...new Set('劳动合同试用期')].filter((character) => vocabulary.has(character)).reduce((sum, character) => sum + count('劳动合同试用期', character) * count(passage, character), 0);
    expect(result.hits).toHaveLength(3);
    for (const hit of result.hits) expect(hit.score).toBeCloseTo(1 / (1 + Math.exp(-sharedPairs(hit.text))), 6);
    expect(result.hits[0]!.documentRowKey).toBe('lab-19');
    expect(result.hits.map((hit) => hit.scores.at(-1)!.rank)).toEqual([1, 2, 3]);
  });

  it('stops with the setting to fix when reranking is asked for and none is configured, or the value is unknown', async () => {
    const none = await runCliCaptured(['search', 'law', '试用期', '--rerank', 'on'], { home });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('rerank.provider is "none"');
    const missing = await runCliCaptured(['search', 'law', '试用期', '--rerank', 'http'], { home });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('rerank.baseURL');
    const bogus = await runCliCaptured(['search', 'law', '试用期', '--rerank', '--k', '3'], { home, env });
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toContain('--rerank takes on, off, http, transformers; got "--k"');
    const off = await runCliCaptured(['search', 'law', '试用期', '--json', '--rerank', 'off'], { home, env: { ...env, HANGJIA_RERANK_PROVIDER: 'http' } });
    expect((JSON.parse(off.stdout) as SearchJson).reranker).toBeNull();
  });

  it('ask --rerank: the answer is made from the reranked passages', async () => {
    const run = await runCliCaptured(['ask', 'law', '试用期工资最低多少？', '-k', '2', '--json', '--rerank', 'http'], { home, env });
    expect(run.code, run.stderr).toBe(0);
    const answer = JSON.parse(run.stdout) as { retrieval: Array<{ scores: Array<{ retriever: string }> }> };
    expect(answer.retrieval[0]!.scores.at(-1)!.retriever).toBe('rerank');
  });

  it('eval retrieval --kb --rerank: every query is reranked, the run file follows the reranked order, and the summary says so', async () => {
    const before = server.requests.length;
    const runFile = path.join(temporaryDirectory(), 'run.txt');
    const run = await runCliCaptured(['eval', 'retrieval', dataset, '--kb', 'law', '--run-out', runFile, '--set', 'rerank.topN=4', '--json', '--quiet', '--rerank', 'http'], { home, env });
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as { tag: string; retrieval: { reranker: { name: string; topN: number } }; metrics: Record<string, number> };
    expect(summary.retrieval.reranker).toEqual({ name: 'http:bge-reranker-v2-m3', topN: 4 });
    expect(summary.tag).toBe('hangjia.kb.lexical.rerank');
    const sent = server.requests.slice(before).map((request) => request.body as { query: string; documents: string[] });
    expect(sent.map((body) => body.query)).toEqual(QUERIES.map((query) => query.text));
    const lines = fs.readFileSync(runFile, 'utf8').trim().split('\n').map((line) => line.split(' '));
    for (const [position, body] of sent.entries()) {
      expect(body.documents.length).toBeLessThanOrEqual(4);
      const best = Math.max(...body.documents.map((document) => scoreRelevanceDeterministically(body.query, document)));
      const top = lines.find((line) => line[0] === QUERIES[position]!.id && line[3] === '1')!;
      const topText = CORPUS.find((row) => row.id === top[2])!.text;
      // The document ranked first is one the reranker scored best (its chunk holds the row's text).
      expect(body.documents.some((document) => document.includes(topText) && scoreRelevanceDeterministically(body.query, document) === best)).toBe(true);
    }
    expect(summary.metrics['ndcg@10']).toBeGreaterThan(0);
  });
});
