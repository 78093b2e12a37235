import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../config/index.js';
import { createKnowledgeBase, type KnowledgeBase } from '../../knowledge-base/index.js';
import { createDefaultComponents } from '../../presets/index.js';
import { useTemporaryDirectories, writeFiles } from '../../../test/support/temporary-directory.js';
import { parseDataset } from '../read-dataset.js';
import { cleanDataset } from './clean-dataset.js';
import { buildContaminationIndex, findContamination } from './decontaminate.js';

const LONG = '职工累计工作已满1年不满10年的，年休假5天；已满10年不满20年的，年休假10天；已满20年的，年休假15天。';

describe('decontamination', () => {
  it('matches 13 Chinese characters or 13 English words across punctuation changes, not 12', () => {
    const index = buildContaminationIndex([{ id: 'exam:1', segments: ['下列关于税法基本原则的表述中，不正确的是', 'A'] }, { id: 'exam:2', segments: ['the quick brown fox jumps over the lazy dog while the cat sleeps all day'] }]);
    expect(findContamination('题目：下列关于税法基本原则的表述中不正确的是哪一项', index)).toEqual({ evaluationItem: 'exam:1' });
    expect(findContamination('关于税法基本原则的表述中', index)).toBeUndefined(); // 12 characters
    expect(findContamination('Note: The quick brown fox jumps over the lazy dog, while the cat sleeps.', index)).toEqual({ evaluationItem: 'exam:2' });
    expect(findContamination('A', index)).toBeUndefined();
  });
});

describe('cleanDataset', () => {
  it('removes by stage, records reasons and kept ids, and counts by reason', () => {
    const lines = [
      { instruction: '年休假有几天', output: LONG },
      { instruction: '年休假有几天？', output: LONG.replace(/，/gu, ',') }, // exact after normalisation
      { instruction: '年休假有几天呢', output: LONG }, // near-duplicate of line 1
      { instruction: '你好', output: 'As an AI language model, I cannot help.' },
      { instruction: '下列关于税法基本原则的表述中，不正确的是', output: 'B' },
      { instruction: '试用期最长多久', output: '劳动合同期限三年以上的，试用期不得超过六个月。' },
    ];
    const { records } = parseDataset(lines.map((line) => JSON.stringify(line)).join('\n'), 'train.jsonl');
    const contamination = buildContaminationIndex([{ id: 'ceval:1', segments: ['下列关于税法基本原则的表述中，不正确的是____。'] }]);
    const result = cleanDataset(records, { contamination });
    expect(result.kept.map((record) => record.id)).toEqual(['train.jsonl:1', 'train.jsonl:6']);
    expect(result.rejected.map((rejection) => [rejection.record.id, rejection.reason, rejection.keptId])).toEqual([
      ['train.jsonl:4', 'refusal', undefined],
      ['train.jsonl:2', 'exact-duplicate', 'train.jsonl:1'],
      ['train.jsonl:5', 'contaminated', undefined],
      ['train.jsonl:3', 'near-duplicate', 'train.jsonl:1'],
    ]);
    expect(result.counts).toMatchObject({ input: 6, kept: 2, refusal: 1, 'exact-duplicate': 1, contaminated: 1, 'near-duplicate': 1, 'too-short': 0 });
  });
});

const temporaryDirectory = useTemporaryDirectories();
const knowledgeBases: KnowledgeBase[] = [];
afterEach(() => {
  for (const kb of knowledgeBases.splice(0)) kb.close();
});

const PROBATION = '劳动合同期限三年以上的，试用期不得超过六个月。';

/** A one-document knowledge base built on disk; returns it and the id of its only chunk. */
async function probationKnowledgeBase(): Promise<{ kb: KnowledgeBase; chunkId: string }> {
  const root = temporaryDirectory();
  writeFiles(root, { 'probation.txt': PROBATION });
  const kb = createKnowledgeBase(
    { home: temporaryDirectory(), name: 'law', settings: { sources: [root], include: [], exclude: [], maxFileBytes: DEFAULT_CONFIG.ingest.maxFileBytes, chunking: DEFAULT_CONFIG.chunking } },
    createDefaultComponents({ ...DEFAULT_CONFIG, embedding: { provider: 'none' } }),
  );
  knowledgeBases.push(kb);
  await kb.sync();
  const chunks = [...kb.store.iterateChunks()];
  expect(chunks.map((stored) => stored.chunk.text)).toEqual([PROBATION]);
  return { kb, chunkId: chunks[0]!.chunk.id };
}

describe('cleanDataset grounding', () => {
  it('rejects answers below minSupport with their support, counts unchecked items, and sets aside unknown chunks', async () => {
    const { kb, chunkId } = await probationKnowledgeBase();
    const item = (question: string, answer: string, chunkIds?: string[]) => JSON.stringify({ messages: [{ role: 'user', content: question }, { role: 'assistant', content: answer }], ...(chunkIds ? { chunkIds } : {}) });
    const lines = [
      // 9 units (试用 用期 期不 不得 得超 超过 过六 六个 个月), all in the chunk: support 1.
      item('试用期最长多久？', '试用期不得超过六个月。', [chunkId]),
      // 15 units (试用 用员 员工 … 通知), only 试用 in the chunk: 1/15 ≈ 0.067 < 0.1.
      item('试用员工能随时走吗？', '试用员工可以随时辞职无需提前通知', [chunkId]),
      // 6 units (试用 用期 期最 最长 长一 一年), 2 in the chunk: 1/3, kept at 0.1, rejected at 0.5.
      item('试用期能约定多久？', '试用期最长一年', [chunkId]),
      // Not generated from the knowledge base: not checked, kept however unsupported.
      item('公司年会几号？', '公司年会在十二月举行'),
      // The chunk is gone from the knowledge base (re-synced since generation).
      item('加班费怎么算？', '按工资的百分之一百五十支付', ['gone.txt#0']),
    ];
    const { records } = parseDataset(lines.join('\n'), 'qa.jsonl');
    const chunkText = (ids: readonly string[]) => {
      const found = kb.store.chunksByIds([...ids]);
      return ids.every((id) => found.has(id)) ? ids.map((id) => found.get(id)!.chunk.text).join('\n') : undefined;
    };
    const options = { exactDedup: false, nearDuplicates: false } as const;

    const lenient = cleanDataset(records, { ...options, grounding: { chunkText } });
    expect(lenient.kept.map((record) => record.id)).toEqual(['qa.jsonl:1', 'qa.jsonl:3', 'qa.jsonl:4']);
    expect(lenient.rejected.map((rejection) => [rejection.record.id, rejection.reason, rejection.support])).toEqual([
      ['qa.jsonl:2', 'ungrounded', 1 / 15],
      ['qa.jsonl:5', 'unknown-chunk', undefined],
    ]);
    expect(lenient.rejected[0]!.detail).toBe('answer support 0.067 < 0.1; not in the chunk: 用员 员工 工可 可以 以随');
    expect(lenient.groundingStats).toEqual({ minSupport: 0.1, checked: 4, 'not-checked': 1 });
    expect(lenient.counts).toMatchObject({ input: 5, kept: 3, ungrounded: 1, 'unknown-chunk': 1 });

    const strict = cleanDataset(records, { ...options, grounding: { chunkText, minSupport: 0.5 } });
    expect(strict.rejected.filter((rejection) => rejection.reason === 'ungrounded').map((rejection) => [rejection.record.id, rejection.support])).toEqual([
      ['qa.jsonl:2', 1 / 15],
      ['qa.jsonl:3', 1 / 3],
    ]);
    // Without the option the stage does not run.
    expect(cleanDataset(records, options).groundingStats).toBeUndefined();
  });
});
