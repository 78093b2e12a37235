/**
 * `hangjia eval retrieval <dataset> --kb <name>`: a knowledge base built by `kb create` from the
 * dataset's corpus.jsonl is searched as users search it (its chunks, settings and, when it has
 * them, embeddings) and scored against the dataset's judgments. Lexically it must rank exactly as
 * the fresh index `eval retrieval` builds without `--kb`: the two paths shape records the same way
 * (statute rows grouped by statute), so any difference is a bug in one of them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureTinyOnnxEmbedder } from '../fixtures/make-tiny-onnx-embedder.js';
import { runCliCaptured } from '../support/run-cli.js';
import { useTemporaryDirectories, writeFiles } from '../support/temporary-directory.js';

const temporaryDirectory = useTemporaryDirectories();

const CORPUS = [
  { id: 'lab-19', title: '劳动合同法第十九条', text: '劳动合同期限三个月以上不满一年的，试用期不得超过一个月；三年以上固定期限的劳动合同，试用期不得超过六个月。' },
  { id: 'lab-20', title: '劳动合同法第二十条', text: '劳动者在试用期的工资不得低于本单位相同岗位最低档工资的百分之八十。' },
  { id: 'lab-39', title: '劳动合同法第三十九条', text: '劳动者在试用期间被证明不符合录用条件的，用人单位可以解除劳动合同。' },
  { id: 'lab-47', title: '劳动合同法第四十七条', text: '经济补偿按劳动者在本单位工作的年限，每满一年支付一个月工资的标准向劳动者支付。' },
  { id: 'civ-1165', title: '民法典第一千一百六十五条', text: '行为人因过错侵害他人民事权益造成损害的，应当承担侵权责任。' },
  { id: 'civ-1179', title: '民法典第一千一百七十九条', text: '侵害他人造成人身损害的，应当赔偿医疗费、护理费、交通费等为治疗和康复支出的合理费用。' },
  { id: 'civ-1188', title: '民法典第一千一百八十八条', text: '无民事行为能力人、限制民事行为能力人造成他人损害的，由监护人承担侵权责任。' },
  { id: 'con-24', title: '消费者权益保护法第二十四条', text: '经营者提供的商品不符合质量要求的，消费者可以要求退货、更换或者修理。' },
  { id: 'con-55', title: '消费者权益保护法第五十五条', text: '经营者提供商品有欺诈行为的，应当按照消费者的要求增加赔偿其受到的损失，增加赔偿的金额为购买商品价款的三倍。' },
  // Names 劳动合同法 by title: both paths must give its articles the same citation evidence.
  { id: 'wage-1', title: '工资支付暂行规定第一条', text: '为了维护劳动者通过劳动获得劳动报酬的权利，根据《中华人民共和国劳动合同法》，制定本规定。' },
  { id: 'faq-leave', title: 'Annual leave FAQ', text: 'Employees who have worked for one full year are entitled to five days of paid annual leave.' },
];

const QUERIES = [
  { id: 'q1', text: '试用期最长可以约定多久？' },
  { id: 'q2', text: '试用期工资可以比正式工资低多少？' },
  { id: 'q3', text: '公司以试用期不合格为由辞退我，要给经济补偿吗？' },
  { id: 'q4', text: '孩子在学校把同学打伤了，家长要赔偿医疗费吗？' },
  { id: 'q5', text: '网购买到假货可以要求三倍赔偿吗？' },
  { id: 'q6', text: 'How many days of annual leave after one year?' },
];

const QRELS = [
  ['q1', 'lab-19'],
  ['q2', 'lab-20'],
  ['q3', 'lab-39'],
  ['q3', 'lab-47'],
  ['q4', 'civ-1188'],
  ['q4', 'civ-1179'],
  ['q5', 'con-55'],
  ['q6', 'faq-leave'],
];

function writeDataset(rows: ReadonlyArray<Record<string, string>> = CORPUS): string {
  const directory = temporaryDirectory();
  writeFiles(directory, {
    'corpus.jsonl': rows.map((row) => JSON.stringify(row)).join('\n') + '\n',
    'queries.jsonl': QUERIES.map((query) => JSON.stringify(query)).join('\n') + '\n',
    'qrels.tsv': 'query-id\tcorpus-id\tscore\n' + QRELS.map(([query, document]) => `${query}\t${document}\t1`).join('\n') + '\n',
  });
  return directory;
}

/** A TREC run file as query id → document ids in rank order. */
function readRanking(file: string): Map<string, string[]> {
  const ranking = new Map<string, string[]>();
  for (const line of fs.readFileSync(file, 'utf8').trim().split('\n')) {
    const [query, , document] = line.split(/\s+/);
    ranking.set(query!, [...(ranking.get(query!) ?? []), document!]);
  }
  return ranking;
}

async function cli(args: string[], home: string) {
  const run = await runCliCaptured(args, { home });
  return { ...run, json: run.code === 0 && args.includes('--json') ? JSON.parse(run.stdout) : undefined };
}

describe('hangjia eval retrieval --kb', () => {
  it('scores a knowledge base built from the corpus exactly as the fresh lexical index ranks it', async () => {
    const home = temporaryDirectory();
    const dataset = writeDataset();
    const freshRun = path.join(dataset, 'fresh.run');
    const kbRun = path.join(dataset, 'kb.run');

    const fresh = await cli(['eval', 'retrieval', dataset, '--run-out', freshRun, '--json'], home);
    expect(fresh.code, fresh.stderr).toBe(0);
    // Eleven documents are far too few to learn topic vectors from; one statute is named by another.
    expect(fresh.json.retrieval).toEqual({ source: 'lexical-index', topicWords: 0, citedDocuments: 1 });

    const created = await cli(['kb', 'create', 'statutes', path.join(dataset, 'corpus.jsonl')], home);
    expect(created.code, created.stderr).toBe(0);
    const viaKb = await cli(['eval', 'retrieval', dataset, '--kb', 'statutes', '--run-out', kbRun, '--json'], home);
    expect(viaKb.code, viaKb.stderr).toBe(0);

    expect(viaKb.json.retrieval).toEqual({ source: 'knowledge-base', knowledgeBase: 'statutes', mode: 'lexical', embeddingModelId: null, corpusDocumentsHeld: CORPUS.length, reranker: null });
    expect(viaKb.json.tag).toBe('hangjia.kb.lexical');
    expect(viaKb.json.buildMs).toBeNull();
    expect(viaKb.json.metrics).toEqual(fresh.json.metrics);
    expect(readRanking(kbRun)).toEqual(readRanking(freshRun));
    // The collection is easy enough that both put q1's only relevant article first.
    expect(readRanking(kbRun).get('q1')![0]).toBe('lab-19');
    expect(viaKb.json.evaluatedQueries).toBe(QUERIES.length);
  });

  it('uses the knowledge base\'s embeddings: vector mode ranks every document, hybrid fuses both lists', async () => {
    const home = temporaryDirectory();
    const dataset = writeDataset();
    const embedding = ['--set', `embedding.provider=transformers,embedding.modelDir=${await ensureTinyOnnxEmbedder()}`];
    const created = await cli(['kb', 'create', 'embedded', path.join(dataset, 'corpus.jsonl'), ...embedding], home);
    expect(created.code, created.stderr).toBe(0);

    const runs: Record<string, Map<string, string[]>> = {};
    for (const mode of ['lexical', 'vector', 'hybrid'] as const) {
      const file = path.join(dataset, `${mode}.run`);
      const result = await cli(['eval', 'retrieval', dataset, '--kb', 'embedded', '--mode', mode, '--run-out', file, '--json', ...embedding], home);
      expect(result.code, result.stderr).toBe(0);
      expect(result.json.retrieval).toMatchObject({ source: 'knowledge-base', mode, corpusDocumentsHeld: CORPUS.length });
      expect(result.json.retrieval.embeddingModelId === null).toBe(mode === 'lexical');
      expect(result.json.tag).toBe(`hangjia.kb.${mode}`);
      runs[mode] = readRanking(file);
    }
    for (const query of QUERIES) {
      const lexical = runs['lexical']!.get(query.id) ?? [];
      const vector = runs['vector']!.get(query.id)!;
      // A vector search ranks every chunk; each of the ten rows is one chunk.
      expect(new Set(vector)).toEqual(new Set(CORPUS.map((row) => row.id)));
      expect(lexical.length).toBeLessThan(CORPUS.length);
      // Fusion keeps every document either list found.
      expect(new Set(runs['hybrid']!.get(query.id))).toEqual(new Set([...lexical, ...vector]));
    }
  });

  it('says how much of the corpus the knowledge base holds, and leaves other rows out of the run', async () => {
    const home = temporaryDirectory();
    const dataset = writeDataset();
    const partial = temporaryDirectory();
    // Two articles missing (one of them relevant to q2), one row that is not in the corpus.
    const rows = [...CORPUS.filter((row) => row.id !== 'lab-20' && row.id !== 'con-24'), { id: 'extra-1', title: '劳动合同法第二十一条', text: '试用期工资和试用期期限的约定。' }];
    writeFiles(partial, { 'rows.jsonl': rows.map((row) => JSON.stringify(row)).join('\n') });
    expect((await cli(['kb', 'create', 'partial', path.join(partial, 'rows.jsonl')], home)).code).toBe(0);

    const runFile = path.join(dataset, 'partial.run');
    const result = await cli(['eval', 'retrieval', dataset, '--kb', 'partial', '--run-out', runFile, '--json'], home);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`holds ${CORPUS.length - 2} of the ${CORPUS.length} corpus documents`);
    expect(result.json.retrieval.corpusDocumentsHeld).toBe(CORPUS.length - 2);
    const ranked = [...readRanking(runFile).values()].flat();
    expect(ranked).not.toContain('extra-1');
    expect(ranked).not.toContain('lab-20');
  });

  it('refuses a knowledge base that holds none of the corpus, and --mode without --kb', async () => {
    const home = temporaryDirectory();
    const dataset = writeDataset();
    // BEIR's original field name: without --id-field the rows are keyed by line number.
    const renamed = temporaryDirectory();
    writeFiles(renamed, { 'corpus.jsonl': CORPUS.map(({ id, ...rest }) => JSON.stringify({ _id: id, ...rest })).join('\n') });
    expect((await cli(['kb', 'create', 'by-line', path.join(renamed, 'corpus.jsonl')], home)).code).toBe(0);
    const refused = await cli(['eval', 'retrieval', dataset, '--kb', 'by-line'], home);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`Knowledge base "by-line" holds none of the ${CORPUS.length} documents`);
    expect(refused.stderr).toContain('kb create by-line');

    // With the id field named, the same file gives a knowledge base the evaluation can score.
    expect((await cli(['kb', 'create', 'by-id', path.join(renamed, 'corpus.jsonl'), '--id-field', '_id'], home)).code).toBe(0);
    const scored = await cli(['eval', 'retrieval', dataset, '--kb', 'by-id', '--json'], home);
    expect(scored.code, scored.stderr).toBe(0);
    expect(scored.json.retrieval.corpusDocumentsHeld).toBe(CORPUS.length);
    // …and keeps the field for later syncs.
    const stats = await cli(['kb', 'stats', 'by-id', '--json'], home);
    expect(stats.json.settings.rows).toEqual({ idField: '_id' });

    // An empty field name is refused, naming the flag, and creates nothing.
    const emptyField = await cli(['kb', 'create', 'no-field', path.join(renamed, 'corpus.jsonl'), '--id-field', ' '], home);
    expect(emptyField.code).toBe(2);
    expect(emptyField.stderr).toContain('--id-field needs a field name');
    expect((await cli(['kb', 'list', '--json'], home)).stdout).not.toContain('no-field');

    const usage = await cli(['eval', 'retrieval', dataset, '--mode', 'hybrid'], home);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--mode needs --kb');
  });

  it('names the row a hit comes from in search results', async () => {
    const home = temporaryDirectory();
    const dataset = writeDataset();
    expect((await cli(['kb', 'create', 'statutes', path.join(dataset, 'corpus.jsonl')], home)).code).toBe(0);
    const text = await cli(['search', 'statutes', '试用期工资', '-k', '1'], home);
    expect(text.stdout).toContain(`${path.join(dataset, 'corpus.jsonl')} row lab-20`);
    const json = await cli(['search', 'statutes', '试用期工资', '-k', '1', '--json'], home);
    expect(json.json.hits[0]).toMatchObject({ documentRowKey: 'lab-20', documentTitle: '劳动合同法第二十条' });
  });
});
