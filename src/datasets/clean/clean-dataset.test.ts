import { describe, expect, it } from 'vitest';
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
