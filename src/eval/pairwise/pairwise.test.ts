import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOpenAICompatibleChatModel } from '../../providers/index.js';
import { startScriptedOpenAIServer, type RecordedRequest, type ScriptedOpenAIServer } from '../../../test/support/scripted-openai-server.js';
import { useTemporaryDirectories } from '../../../test/support/temporary-directory.js';
import { combineSwappedVerdicts, groupSeed, reviewPairwise, runPairwiseComparison, summarizePairwiseOutcomes, type PairwiseItem } from '../index.js';

const temporaryDirectory = useTemporaryDirectories();

function verdict(value: '1' | '2' | 'tie') {
  return {
    json: {
      id: 'chatcmpl-judge',
      object: 'chat.completion',
      created: 0,
      model: 'judge',
      choices: [{ index: 0, message: { role: 'assistant', content: JSON.stringify({ reason: '…', verdict: value }) }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
    },
  };
}
const userMessage = (request: RecordedRequest): string => (request.body as { messages: { role: string; content: string }[] }).messages.find((message) => message.role === 'user')!.content;

// Three items where A is the better (correct) answer, one where B is.
const items: PairwiseItem[] = [
  { id: 'q1', question: '试用期最长多久？', answerA: '六个月。GOOD', answerB: '一年。' },
  { id: 'q2', question: '试用期工资？', answerA: '不低于八成。GOOD', answerB: '随意。' },
  { id: 'q3', question: '加班费？', answerA: '150%。GOOD', answerB: '没有。' },
  { id: 'q4', question: '年假几天？', answerA: '三十天。', answerB: '五天起。GOOD' },
];

describe('combineSwappedVerdicts', () => {
  it('counts a preference only when both orders agree', () => {
    expect(combineSwappedVerdicts('A', 'A')).toBe('win');
    expect(combineSwappedVerdicts('B', 'B')).toBe('loss');
    expect(combineSwappedVerdicts('A', 'B')).toBe('tie'); // position bias: each order picked the first shown
    expect(combineSwappedVerdicts('B', 'A')).toBe('tie');
    expect(combineSwappedVerdicts('A', 'tie')).toBe('tie');
    expect(combineSwappedVerdicts('tie', 'tie')).toBe('tie');
  });

  it('win rate counts ties half, GSB is (wins − losses) / n', () => {
    const summary = summarizePairwiseOutcomes(['win', 'win', 'tie', 'loss']);
    expect([summary.winRate, summary.gsb]).toEqual([(2 + 0.5) / 4, (2 - 1) / 4]);
  });
});

describe('runPairwiseComparison (scripted judge)', () => {
  let server: ScriptedOpenAIServer;
  beforeEach(async () => {
    server = await startScriptedOpenAIServer();
  });
  afterEach(async () => {
    await server.close();
  });
  const judge = () => createOpenAICompatibleChatModel({ baseURL: server.baseURL, model: 'judge', maxRetries: 0 });

  it('a judge that always prefers the first position produces only ties', async () => {
    server.enqueue('/v1/chat/completions', ...Array.from({ length: 8 }, () => verdict('1')));
    const result = await runPairwiseComparison(items, { model: judge(), runDirectory: temporaryDirectory(), concurrency: 1 });
    expect(result.records.map((record) => [record.first.preference, record.second.preference, record.outcome])).toEqual(Array.from({ length: 4 }, () => ['A', 'B', 'tie']));
    expect(result.summary).toMatchObject({ wins: 0, ties: 4, losses: 0, winRate: 0.5, confidenceInterval: [0.5, 0.5], gsb: 0, consistent: 0, preferredFirstShown: 8, preferredSecondShown: 0 });
    // Each pair was asked in both orders: A as answer 1, then B as answer 1.
    expect(userMessage(server.requests[0]!)).toMatch(/回答 1\n六个月。GOOD\n\n回答 2\n一年。$/);
    expect(userMessage(server.requests[1]!)).toMatch(/回答 1\n一年。\n\n回答 2\n六个月。GOOD$/);
  });

  it('a judge that prefers the better answer in both orders produces wins and losses, and a rerun resumes', async () => {
    const better = (request: RecordedRequest) => {
      const text = userMessage(request);
      return verdict(text.indexOf('GOOD') < text.indexOf('回答 2') ? '1' : '2');
    };
    server.enqueue('/v1/chat/completions', ...Array.from({ length: 8 }, () => better));
    const runDirectory = temporaryDirectory();
    const result = await runPairwiseComparison(items, { model: judge(), runDirectory });
    expect(result.records.map((record) => record.outcome)).toEqual(['win', 'win', 'win', 'loss']);
    expect(result.summary).toMatchObject({ wins: 3, ties: 0, losses: 1, winRate: 0.75, gsb: 0.5, consistent: 4, preferredFirstShown: 4, preferredSecondShown: 4 });
    const again = await runPairwiseComparison(items, { model: judge(), runDirectory });
    expect(again).toMatchObject({ resumedItems: 4, judgedItems: 0, complete: true });
    expect(server.requests).toHaveLength(8);
  });
});

describe('reviewPairwise (scripted keys)', () => {
  it('shows each pair in a seeded order, maps g/s/b back to A, and resumes where the reviewer stopped', async () => {
    const runDirectory = temporaryDirectory();
    const shownFirst = items.map((item) => ((groupSeed(0, item.id) & 1) === 1 ? 'B' : 'A'));
    let shown = '';
    const output = { write: (text: string) => (shown += text) };
    // Session 1: a typo, then "g" for q1, then quit.
    const first = await reviewPairwise(items, { input: Readable.from(['x\ng\nq\n']), output, runDirectory });
    expect(first).toMatchObject({ stopped: true, complete: false, decidedItems: 1 });
    expect(shown).toContain('"x" is not one of g, s, b, q.');
    expect(shown).toContain(`── 回答 1 Answer 1 ──\n${shownFirst[0] === 'A' ? items[0]!.answerA : items[0]!.answerB}`);
    // g = the first-shown answer is better: a win for A exactly when A was shown first.
    expect(first.decisions[0]).toMatchObject({ id: 'q1', key: 'g', outcome: shownFirst[0] === 'A' ? 'win' : 'loss', shownFirst: shownFirst[0] });
    // Session 2 starts at q2; s, b, then the input ends before q4.
    const second = await reviewPairwise(items, { input: Readable.from(['s\n', 'b\n']), output, runDirectory });
    expect(second).toMatchObject({ resumedItems: 1, decidedItems: 2, stopped: true, complete: false });
    expect(second.decisions.map((decision) => [decision.id, decision.key, decision.outcome])).toEqual([
      ['q1', 'g', shownFirst[0] === 'A' ? 'win' : 'loss'],
      ['q2', 's', 'tie'],
      ['q3', 'b', shownFirst[2] === 'A' ? 'loss' : 'win'],
    ]);
    expect(second.summary).toMatchObject({ items: 4, decided: 3, pending: 1 });
    const third = await reviewPairwise(items, { input: Readable.from(['g\n']), output, runDirectory });
    expect(third).toMatchObject({ complete: true, stopped: false });
  });
});
