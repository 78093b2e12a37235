import { describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../analysis/index.js';
import { HangjiaError } from '../../errors/index.js';
import { createSeededRandom } from '../../support/index.js';
import { createFailingAnalyzer } from './__fixtures__/failing-analyzer.js';
import { Bm25Index } from './bm25-index.js';
import type { LexicalRecord } from './lexical-record.js';
import { buildBm25IndexInParallel } from './parallel-build.js';

/** Words of labour and contract law, so that jieba segments the texts as it would real statutes. */
const WORDS = ['劳动合同', '用人单位', '劳动者', '试用期', '工资', '解除', '经济补偿', '工作时间', '休息休假', '社会保险', '违约金', '培训', '保密', '竞业限制', '加班', '赔偿', '仲裁', '人民法院', '诉讼', '证据', '当事人', '合同', '租赁', '买卖', '借款', '利息', '担保', '抵押', '质押', '债权', '债务', '履行', '违约', '责任', '损失', '侵权', '消费者', '经营者', '商品', '服务', '质量', '退货', '欺诈', '广告', '价格', '行政', '处罚', '许可', '登记', '公司', '股东', '董事', '监事', '章程', '出资', '清算', '破产', '税务', '发票', '罚款'];

/** `count` statute-like records (several articles per statute, so groups and topics have something to learn); the same every time. */
function statuteRecords(count: number, seed = 7): LexicalRecord[] {
  const random = createSeededRandom(seed);
  const pick = (): string => WORDS[Math.floor(random() * WORDS.length)]!;
  return Array.from({ length: count }, (_, index) => {
    const statute = `${pick()}${pick()}法`;
    const sentences = Array.from({ length: 2 + Math.floor(random() * 4) }, () => `${pick()}的${pick()}应当${pick()}，${pick()}${pick()}。`);
    return { id: `law-${index}`, title: statute, headings: `第${index + 1}条`, text: `依照《${pick()}${pick()}法》，${sentences.join('')}`, group: `statute:${statute}` };
  });
}

function* batchesOf(records: LexicalRecord[], size: number): Generator<LexicalRecord[]> {
  for (let start = 0; start < records.length; start += size) yield records.slice(start, start + size);
}

// A small topic model, so that the word sequences' merge is part of what is compared.
const TOPICS = { minRecords: 100, minVocabulary: 20, minCount: 2, dimensions: 2 };

describe('buildBm25IndexInParallel', () => {
  it('writes the same bytes as the single-thread build, whatever the batch size', async () => {
    const records = statuteRecords(1200);
    const analyzer = createAnalyzer();
    const single = Bm25Index.build(records, { analyzer, topics: TOPICS });
    expect(single.stats().topicWords).toBeGreaterThan(0);
    for (const batchSize of [97, 500]) {
      const parallel = await buildBm25IndexInParallel(batchesOf(records, batchSize), { analyzer, topics: TOPICS, threads: 2, expectedRecords: records.length, parallelFrom: 0 });
      expect(Buffer.from(parallel.serialize()).equals(Buffer.from(single.serialize()))).toBe(true);
      expect(parallel.search('试用期 工资', { k: 5 })).toEqual(single.search('试用期 工资', { k: 5 }));
    }
  }, 60_000);

  it('builds on this thread below parallelFrom records, with the same result', async () => {
    const records = statuteRecords(300, 11);
    const analyzer = createAnalyzer();
    const single = Bm25Index.build(records, { analyzer });
    const small = await buildBm25IndexInParallel(batchesOf(records, 64), { analyzer, threads: 2, expectedRecords: records.length });
    expect(Buffer.from(small.serialize()).equals(Buffer.from(single.serialize()))).toBe(true);
  });

  it('reports an analyzer failure inside a worker with the record it failed on', async () => {
    const records: LexicalRecord[] = Array.from({ length: 200 }, (_, index) => ({ id: `doc-${index}`, title: `title ${index}`, headings: '', text: index === 137 ? 'broken poison text' : `plain text ${index}` }));
    const failure = await buildBm25IndexInParallel(batchesOf(records, 50), { analyzer: createFailingAnalyzer({ failOn: 'poison' }), threads: 2, expectedRecords: records.length, parallelFrom: 0 }).catch((error: unknown) => error);
    expect(HangjiaError.is(failure, 'E_INDEX_ANALYZE')).toBe(true);
    expect((failure as HangjiaError).message).toContain('record doc-137');
    expect((failure as HangjiaError).details).toMatchObject({ id: 'doc-137', field: 'text' });
  }, 30_000);

  it('fails with E_INDEX_WORKER, naming the records, when a worker cannot make the analyzer', async () => {
    const records = statuteRecords(100);
    const analyzer = { ...createFailingAnalyzer({ failOn: 'never' }), recipe: { module: new URL('./__fixtures__/no-such-analyzer.js', import.meta.url).href, factory: 'createAnalyzer', options: {} } };
    const failure = await buildBm25IndexInParallel(batchesOf(records, 50), { analyzer, threads: 2, expectedRecords: records.length, parallelFrom: 0 }).catch((error: unknown) => error);
    expect(HangjiaError.is(failure, 'E_INDEX_WORKER')).toBe(true);
    expect((failure as HangjiaError).message).toMatch(/while analyzing records law-\d+ … law-\d+: .*no-such-analyzer/);
  }, 30_000);
});
