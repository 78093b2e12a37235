import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { readFixture } from '../../../test/fixtures/source-fixture.js';
import { documentId } from '../../documents/index.js';

describe('jsonl adapter', () => {
  it('reads id, title and text fields by default, one document per line', async () => {
    const jsonl = [
      '{"id": 7, "title": "试用期", "text": "试用期最长不超过六个月。", "tags": ["hr"]}',
      '{"title": "年假", "text": "工作满一年可享受五天年假。"}',
    ].join('\n');
    const { documents, warnings } = await readFixture('qa.jsonl', jsonl);
    expect(warnings).toEqual([]);
    expect(documents.map((document) => [document.id, document.rowKey, document.title, document.text, document.metadata.line])).toEqual([
      [documentId('qa.jsonl', '7'), '7', '试用期', '试用期最长不超过六个月。', 1],
      [documentId('qa.jsonl', '2'), '2', '年假', '工作满一年可享受五天年假。', 2], // no id: the line number
    ]);
  });

  it('uses every other field as `field: value` lines when there is no text field', async () => {
    const { documents } = await readFixture('records.ndjson', '{"id":"a","q":"问","a":"答","n":3,"extra":{"k":1}}\n');
    expect(documents[0]!.text).toBe('q: 问\na: 答\nn: 3\nextra: {"k":1}');
  });

  it('reports malformed and non-object lines with their line numbers and reads the rest', async () => {
    const jsonl = ['{"text": "第一行"}', '{"text": 坏}', '', '[1, 2]', '{"text": "第五行"}', 'null', '{"text": ""}'].join('\r\n');
    const { documents, warnings } = await readFixture('mixed.jsonl', jsonl);
    expect(documents.map((document) => [document.rowKey, document.text])).toEqual([
      ['1', '第一行'],
      ['5', '第五行'],
    ]);
    expect(warnings.map((warning) => [warning.reason, warning.line])).toEqual([
      ['malformed-line', 2],
      ['not-an-object', 4],
      ['not-an-object', 6],
      ['empty-row', 7],
    ]);
    expect(warnings[0]!.message).toMatch(/^line 2 is not valid JSON \(.+\); it was skipped\.$/);
    expect(warnings[1]!.message).toBe('line 4 is JSON but not an object (array); it was skipped.');
  });

  it('reads UTF-16 BE with a BOM', async () => {
    const { documents } = await readFixture('be.jsonl', iconv.encode('{"text":"加班费"}\n', 'utf-16be', { addBOM: true }));
    expect([documents[0]!.text, documents[0]!.encoding]).toEqual(['加班费', 'utf-16be']);
  });
});
