import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExtractedFact } from '../../graph/index.js';
import { runCliCaptured } from '../../../test/support/run-cli.js';
import { startScriptedOpenAIServer, type RecordedRequest, type ScriptedOpenAIServer } from '../../../test/support/scripted-openai-server.js';
import { useTemporaryDirectories, writeFiles } from '../../../test/support/temporary-directory.js';
import { evaluateExtraction } from './evaluate-extraction.js';
import { readExtractionGold, type ExtractionGoldItem } from './extraction-gold.js';

const temporaryDirectory = useTemporaryDirectories();
const GOLD = path.resolve(import.meta.dirname, '../../../bench/extraction/gold.jsonl');

const TEXT = '依照《土地管理法》第七十四条的规定处以罚款的，罚款额为违法所得的10%以上50%以下。';
const ITEM: ExtractionGoldItem = {
  id: 'land-54',
  documentTitle: '土地管理法实施条例第五十四条',
  headingPath: [],
  text: TEXT,
  entities: [{ type: '法律', name: '土地管理法', span: { start: 2, end: 9 } }],
  attributes: [
    { entityType: '条款', entity: '土地管理法实施条例第五十四条', attribute: '比例', value: '10%', span: { start: 32, end: 35 } },
    { entityType: '条款', entity: '土地管理法实施条例第五十四条', attribute: '比例', value: '百分之五十', span: { start: 37, end: 40 } },
  ],
  relations: [],
};
const fact = (partial: Omit<ExtractedFact, 'evidence'>, start: number, end: number): ExtractedFact => ({ ...partial, evidence: { start, end } });

describe('evaluateExtraction', () => {
  it('matches facts by resolved names and normalized values; exact needs the same span, partial an overlap', () => {
    const predictions: ExtractedFact[][] = [[
      // 《中华人民共和国土地管理法》 resolves to the same entity; its span is wider than the label's.
      fact({ kind: 'entity', subject: { type: '法律', name: '中华人民共和国土地管理法' } }, 2, 15),
      // The own-document reference names the article the item's title names; 50% = 百分之五十.
      fact({ kind: 'attribute', subject: { type: '@document', name: '' }, predicate: '比例', value: '50%', normalized: '50%' }, 37, 40),
      // Wrong value: an extra, not a match.
      fact({ kind: 'attribute', subject: { type: '@document', name: '' }, predicate: '比例', value: '20%', normalized: '20%' }, 32, 35),
    ]];
    const evaluation = evaluateExtraction([ITEM], predictions, { resamples: 200 });
    expect(evaluation.scores.entities.exact).toMatchObject({ gold: 1, predicted: 1, correct: 0, precision: 0, recall: 0, f1: 0 });
    expect(evaluation.scores.entities.partial).toMatchObject({ gold: 1, predicted: 1, correct: 1, precision: 1, recall: 1, f1: 1 });
    expect(evaluation.scores.attributes.exact).toMatchObject({ gold: 2, predicted: 2, correct: 1, precision: 0.5, recall: 0.5, f1: 0.5 });
    // One item: every resample is that item, so the interval is the point.
    expect(evaluation.scores.attributes.exact.f1Interval).toEqual([0.5, 0.5]);
    expect(evaluation.byType.attributes['比例']!.exact).toMatchObject({ gold: 2, predicted: 2, correct: 1 });
    expect(evaluation.errors).toEqual([
      {
        id: 'land-54',
        missed: [
          { kind: 'entities', type: '法律', identity: '法律:土地管理法', span: { start: 2, end: 9 } },
          { kind: 'attributes', type: '比例', identity: '条款:土地管理法实施条例第54条.比例=10%', span: { start: 32, end: 35 } },
        ],
        extra: [
          { kind: 'entities', type: '法律', identity: '法律:土地管理法', span: { start: 2, end: 15 } },
          { kind: 'attributes', type: '比例', identity: '条款:土地管理法实施条例第54条.比例=20%', span: { start: 32, end: 35 } },
        ],
      },
    ]);
  });

  it('gives intervals that widen with disagreement between items', () => {
    const perfect = { ...ITEM, id: 'a', attributes: [] };
    const predictions: ExtractedFact[][] = [
      [fact({ kind: 'entity', subject: { type: '法律', name: '土地管理法' } }, 2, 9)],
      [],
    ];
    const evaluation = evaluateExtraction([perfect, { ...perfect, id: 'b' }], predictions, { resamples: 500, seed: 3 });
    expect(evaluation.scores.entities.exact).toMatchObject({ gold: 2, predicted: 1, correct: 1, precision: 1, recall: 0.5 });
    expect(evaluation.scores.entities.exact.recallInterval).toEqual([0, 1]);
  });

  it('reads the committed gold set, and names the line and field of a bad label', () => {
    const items = readExtractionGold(GOLD);
    expect(items.length).toBeGreaterThanOrEqual(15);
    for (const item of items) for (const label of [...item.entities, ...item.attributes, ...item.relations]) expect(label.span.end).toBeLessThanOrEqual(item.text.length);
    const directory = temporaryDirectory();
    writeFiles(directory, { 'bad.jsonl': `${JSON.stringify({ id: 'x', documentTitle: 't', text: '试用期六个月', attributes: [{ entityType: '条款', entity: 't', attribute: '期限', value: '三个月', evidence: '三个月' }] })}\n` });
    expect(() => readExtractionGold(path.join(directory, 'bad.jsonl'))).toThrow(/bad\.jsonl:1: attributes\[0\]\.evidence: "三个月" does not occur in the text/u);
  });
});

describe('hangjia eval extraction', () => {
  let server: ScriptedOpenAIServer;
  beforeEach(async () => {
    server = await startScriptedOpenAIServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('scores the model-free extractors without a model, and the model with one', async () => {
    const home = temporaryDirectory();
    const rules = await runCliCaptured(['eval', 'extraction', GOLD, '--json'], { home });
    expect(rules.code, rules.stderr).toBe(0);
    const rulesOnly = JSON.parse(rules.stdout);
    expect(rulesOnly.extractor).toBe('rules');
    expect(rulesOnly.byType.entities['主体'].exact).toMatchObject({ predicted: 0, recall: 0 });
    expect(rulesOnly.byType.entities['法律'].exact.f1).toBe(1);

    // The scripted model names the parties of every text that has them: 用人单位 and 劳动者, each
    // quoted in the shortest phrase (a partial match where the label quotes more), plus one fact
    // whose evidence the text lacks.
    const reply = (request: RecordedRequest) => {
      const text = (request.body as { messages: Array<{ content: string }> }).messages.at(-1)!.content.split('文本：\n')[1] ?? '';
      const entities = ['用人单位', '劳动者'].filter((name) => text.includes(name)).map((name) => ({ type: '主体', name, evidence: name }));
      entities.push({ type: '主体', name: '消费者', evidence: '消费者协会' });
      const content = JSON.stringify({ entities, attributes: [], relations: [] });
      return { json: { id: 'x', object: 'chat.completion', created: 0, model: 'scripted-model', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }], usage: { prompt_tokens: 50, completion_tokens: 10 } } };
    };
    server.enqueue('/v1/chat/completions', ...Array.from({ length: 19 }, () => reply));
    const env = { HANGJIA_MODEL_PROVIDER: 'openai-compatible', HANGJIA_BASE_URL: server.baseURL, HANGJIA_MODEL: 'scripted-model' };
    const withModel = JSON.parse((await runCliCaptured(['eval', 'extraction', GOLD, '--schema', 'law', '--json'], { home, env })).stdout);
    expect(withModel.extractor).toBe('rules+model');
    expect(withModel.model).toEqual({ invalidReplies: 0, rejected: 19, usage: { inputTokens: 50 * 19, outputTokens: 10 * 19 } });
    const parties = withModel.byType.entities['主体'];
    expect(parties.partial).toMatchObject({ gold: 4, correct: 4, recall: 1 });
    expect(parties.exact.correct).toBe(0);
    expect(withModel.scores.entities.partial.recall).toBeGreaterThan(rulesOnly.scores.entities.partial.recall);
  });
});
