import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { needsSharedDataset } from '../../test/support/shared-dataset.js';
import { readBeirDataset } from './read-beir-dataset.js';
import { readCorpus } from './read-corpus.js';
import { readQrels } from './qrels.js';
import { readQueries } from './read-queries.js';

function datasetFolder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'hangjia-beir-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

describe('readBeirDataset', () => {
  it('loads corpus, queries and qrels (header line optional, TREC 4-column qrels too)', () => {
    const dir = datasetFolder({
      'corpus.jsonl': '{"id":"d1","title":"劳动法第一条","text":"为了保护劳动者的合法权益"}\n\n{"_id":"d2","text":"no title"}\n',
      'queries.jsonl': '{"id":"q1","text":"试用期多久"}\n{"id":7,"text":"numeric id"}\n',
      'qrels.tsv': 'query-id\tcorpus-id\tscore\nq1\td1\t1\n7\td2\t2\n',
      'qrels.trec': 'q1 0 d1 1\nq1 0 d2 0\n',
    });
    const dataset = readBeirDataset(dir);
    expect(dataset.corpus).toEqual([
      { id: 'd1', title: '劳动法第一条', text: '为了保护劳动者的合法权益' },
      { id: 'd2', title: '', text: 'no title' },
    ]);
    expect(dataset.queries).toEqual([{ id: 'q1', text: '试用期多久' }, { id: '7', text: 'numeric id' }]);
    expect(dataset.qrels).toEqual(new Map([['q1', new Map([['d1', 1]])], ['7', new Map([['d2', 2]])]]));
    expect(readBeirDataset(dir, { qrelsPath: 'qrels.trec' }).qrels).toEqual(new Map([['q1', new Map([['d1', 1], ['d2', 0]])]]));
  });

  it('names the missing file', () => {
    const dir = datasetFolder({ 'corpus.jsonl': '' , 'queries.jsonl': '' });
    expect(() => readBeirDataset(dir)).toThrow(expect.objectContaining({ code: 'E_DATASET', details: { path: join(dir, 'qrels.tsv') } }));
  });

  it('names path and line of malformed lines', () => {
    const dir = datasetFolder({
      'corpus.jsonl': '{"id":"d1","text":"ok"}\n{"id":"d2","text":\n',
      'queries.jsonl': '{"id":"q1"}\n',
      'array.jsonl': '[1,2]\n',
      'qrels.tsv': 'q1\td1\t1\nq1\td1\n',
      'grade.tsv': 'q1\td1\tyes\n',
      'conflict.tsv': 'q1\td1\t1\nq1\td1\t2\n',
    });
    const at = (name: string, line: number) => expect.objectContaining({ code: 'E_DATASET', details: expect.objectContaining({ path: join(dir, name), line }) });
    expect(() => readCorpus(join(dir, 'corpus.jsonl'))).toThrow(at('corpus.jsonl', 2));
    expect(() => readQueries(join(dir, 'queries.jsonl'))).toThrow(at('queries.jsonl', 1));
    expect(() => readQueries(join(dir, 'array.jsonl'))).toThrow(at('array.jsonl', 1));
    expect(() => readQrels(join(dir, 'qrels.tsv'))).toThrow(at('qrels.tsv', 2));
    expect(() => readQrels(join(dir, 'grade.tsv'))).toThrow(at('grade.tsv', 1));
    expect(() => readQrels(join(dir, 'conflict.tsv'))).toThrow(at('conflict.tsv', 2));
  });

  const shared = needsSharedDataset('pubmedqa');
  const pubmedqa = shared.path;
  shared.it('reads the shared PubMedQA set whole', () => {
    const dataset = readBeirDataset(pubmedqa);
    expect(dataset.corpus).toHaveLength(1000);
    expect(dataset.queries).toHaveLength(1000);
    expect(dataset.qrels.size).toBe(1000);
    expect(readQrels(join(pubmedqa, 'qrels.test.tsv')).size).toBe(500);
  });
});
