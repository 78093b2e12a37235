import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chatStreamEvents } from '../../answer/__fixtures__/handbook.js';
import { runCliCaptured } from '../../../test/support/run-cli.js';
import { startScriptedOpenAIServer, type RecordedRequest, type ScriptedOpenAIServer, type ScriptedReply } from '../../../test/support/scripted-openai-server.js';
import { useTemporaryDirectories, writeFiles } from '../../../test/support/temporary-directory.js';
import { DEFAULT_CONFIG } from '../../config/index.js';
import { buildGraph, parseGraphSchema } from '../../graph/index.js';
import { openKnowledgeBase } from '../../knowledge-base/index.js';
import { createDefaultComponents, createLanguageModelFromConfig } from '../../presets/index.js';
import { graphArgumentsInOrder } from './_graph-argument-order.js';
import { sqliteOnly } from '../../../test/support/postgres.js';

const graphStore = sqliteOnly('the knowledge graph keeps its tables in SQLite; with store.url graph commands stop with E_STORE_UNSUPPORTED');

const temporaryDirectory = useTemporaryDirectories();
const DEMO = path.resolve(import.meta.dirname, '../../../demo/kb');
const noInput = (): Readable => Readable.from([]);

interface XmlDocument {
  documentElement: { getAttribute(name: string): string | null } | null;
  getElementsByTagName(name: string): { length: number };
}

/**
 * A strict XML parser (@xmldom/xmldom, which mammoth already brings), loaded by a specifier the
 * type checker does not follow: its typings pull in the DOM library, whose global types would
 * change the rest of the project's.
 */
async function xmlParser(): Promise<new (options: { errorHandler: Record<'warning' | 'error' | 'fatalError', (message: string) => void> }) => { parseFromString(text: string, type: string): XmlDocument }> {
  const specifier: string = '@xmldom/xmldom';
  return ((await import(specifier)) as { DOMParser: never }).DOMParser;
}

graphStore.describe('hangjia graph without a model', () => {
  it('builds the model-free part of the demo graph and shows a statute with where it is cited', async () => {
    const home = temporaryDirectory();
    expect((await runCliCaptured(['kb', 'create', 'demo', DEMO, '--quiet'], { home })).code).toBe(0);
    const build = await runCliCaptured(['graph', 'build', 'demo'], { home });
    expect(build.code, build.stderr).toBe(0);
    expect(build.stderr).toContain('No chat model configured (model.provider is "none"): only the model-free extractors run');
    expect(build.stdout).toMatch(/^completed: 216 distinct chunk texts; rules ran on 216 \(0 unchanged\)\ngraph: \d+ nodes, \d+ edges, \d+ attribute values, \d+ mentions\n$/u);

    // The word order: the knowledge base first.
    const show = await runCliCaptured(['graph', 'demo', 'show', '《中华人民共和国劳动合同法》'], { home });
    expect(show.code, show.stderr).toBe(0);
    const lines = show.stdout.split('\n');
    expect(lines[0]).toBe('法律 中华人民共和国劳动合同法');
    expect(lines[1]).toBe('  referenced by:');
    expect(lines[2]).toBe('    条款 星河网络科技有限公司第一条 —引用→');
    expect(lines[3]).toMatch(/^ {6}\S+policies\/星河网络员工手册\.txt {2}星河网络科技有限公司 › 第一章 总则 › 第一条 {2}\(chunk doc_[0-9a-f]+#1, chars 62–76, rules\)$/u);
    expect(lines[4]).toContain('根据《中华人民共和国劳动法》《中华人民共和国劳动合同法》及相关法律法规');

    // The handbook's article 10: its durations, found by the rules, each with its sentence.
    const article = await runCliCaptured(['graph', 'show', 'demo', '星河网络科技有限公司第10条', '--json'], { home });
    const [facts] = JSON.parse(article.stdout);
    expect(facts.node).toMatchObject({ type: '条款', name: '星河网络科技有限公司第十条' });
    expect(facts.attributes.map((attribute: { value: string }) => attribute.value)).toContain('六个月');
    const sixMonths = facts.attributes.find((attribute: { value: string; sentence: string }) => attribute.value === '六个月' && attribute.sentence.startsWith('无论何种情形'));
    expect(sixMonths).toMatchObject({ name: '期限', normalized: '6 month', extractor: 'rules', sentence: '无论何种情形，试用期最长不得超过六个月。' });
    expect(sixMonths.evidence).toBe('六个月');

    // Two relations out: the handbook article that cites the law, then what else that article cites and its document.
    const neighbors = JSON.parse((await runCliCaptured(['graph', 'demo', 'neighbors', '劳动合同法', '--depth', '2', '--json'], { home })).stdout);
    expect(neighbors[0].neighbors.map((neighbor: { distance: number; node: { type: string; name: string } }) => `${neighbor.distance} ${neighbor.node.type} ${neighbor.node.name}`)).toEqual([
      '1 条款 星河网络科技有限公司第一条',
      '2 文档 星河网络科技有限公司',
      '2 法律 中华人民共和国劳动法',
    ]);

    const unknown = await runCliCaptured(['graph', 'demo', 'show', '不存在的法'], { home });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('No entity "不存在的法" in the graph of "demo"');
  });
});

graphStore.describe('chat --graph without a model', () => {
  it('brings the rules\' facts about the named article into each turn as sources; eval rag records --graph with its run', async () => {
    const home = temporaryDirectory();
    const root = temporaryDirectory();
    writeFiles(root, { 'labor-law.md': FILES['labor-law.md'] });
    expect((await runCliCaptured(['kb', 'create', 'law', root, '--quiet'], { home })).code).toBe(0);
    expect((await runCliCaptured(['graph', 'build', 'law', '--quiet'], { home })).code).toBe(0);
    const stdin = Readable.from(['劳动合同法第十九条规定试用期最长多久？\n', '/exit\n']);
    const run = await runCliCaptured(['chat', 'law', '--graph', '--json', '-k', '1', '--threshold', '0'], { home, stdin });
    expect(run.code, run.stderr).toBe(0);
    const [answer] = run.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as { kind: string; retrieval: Array<{ scores: Array<{ retriever: string }>; snippet: string; headingPath: string[] }> });
    expect(answer!.kind).toBe('extractive');
    const facts = answer!.retrieval.filter((hit) => hit.scores[0]!.retriever === 'graph');
    expect(facts.length).toBeGreaterThan(0);
    expect(facts[0]).toMatchObject({ headingPath: ['中华人民共和国劳动合同法', '第十九条'] });
    expect(facts[0]!.snippet).toMatch(/^知识图谱事实：中华人民共和国劳动合同法第十九条 —期限→ /u);

    // eval rag records --graph with the run: answers made with facts do not resume into answers made without.
    const cwd = temporaryDirectory();
    writeFiles(cwd, { 'set.jsonl': `${JSON.stringify({ id: 'q1', question: '劳动合同法第十九条规定试用期最长多久？', reference: '试用期不得超过六个月。' })}\n` });
    const withGraph = await runCliCaptured(['eval', 'rag', 'set.jsonl', '--kb', 'law', '--graph', '--run-dir', 'run', '--json'], { home, cwd });
    expect(withGraph.code, withGraph.stderr).toBe(0);
    const without = await runCliCaptured(['eval', 'rag', 'set.jsonl', '--kb', 'law', '--run-dir', 'run'], { home, cwd });
    expect(without.code).toBe(2);
    expect(without.stderr).toContain('holds a run with answering.graph true, but this run has (not recorded)');
  });
});

/** A statute, a handbook that cites it, and an FAQ that disagrees with the handbook on a warranty. */
const FILES = {
  'labor-law.md': `# 中华人民共和国劳动合同法

## 第十九条

劳动合同期限三个月以上不满一年的，试用期不得超过一个月；三年以上固定期限和无固定期限的劳动合同，试用期不得超过六个月。

## 第八十二条

用人单位自用工之日起超过一个月不满一年未与劳动者订立书面劳动合同的，应当向劳动者每月支付二倍的工资。
`,
  'handbook.md': `# 星河网络员工手册

## 第十条 试用期

根据《劳动合同法》第十九条，本公司与员工约定的试用期最长不得超过六个月，试用期包含在劳动合同期限内。

## 第十一条 保修

员工内购的 XR-5400 路由器保修期为24个月，自签收之日起计算，保修期内免费维修或者更换。
`,
  'faq.md': `# 常见问题

XR-5400 路由器的保修期为12个月，电源适配器另行计算，详情请咨询客服热线或者访问官网服务支持页面。
`,
};

const SCHEMA = `name: test
entities:
  法律: {}
  条款: {}
  期限:
    attributes:
      - { name: 时长, type: duration }
  产品:
    attributes:
      - { name: 保修期, type: duration }
relations:
  - { name: 规定, from: 条款, to: 期限 }
aliases:
  法律:
    劳动合同法: [中华人民共和国劳动合同法]
`;

/**
 * The scripted model: reads the chunk out of the extraction prompt and answers with the facts a
 * careful model would find in it — plus, for the handbook's warranty, one whose evidence the
 * text does not have (grounding must reject it), and for article 82 a reply off the schema.
 */
function extractionReply(request: RecordedRequest): ScriptedReply {
  const body = request.body as { messages: Array<{ role: string; content: string }> };
  const text = body.messages.at(-1)!.content.split('文本：\n')[1] ?? '';
  const reply = { entities: [] as object[], attributes: [] as object[], relations: [] as object[] };
  if (text.includes('二倍的工资')) return completion('{"entities": "not a list"}');
  if (text.includes('试用期不得超过六个月')) {
    reply.relations.push({ relation: '规定', fromType: '条款', from: '中华人民共和国劳动合同法第十九条', toType: '期限', to: '试用期上限', evidence: '试用期不得超过六个月' });
    reply.attributes.push({ entityType: '期限', entity: '试用期上限', attribute: '时长', value: '六个月', evidence: '试用期不得超过六个月' });
  }
  if (text.includes('保修期为24个月')) {
    reply.entities.push({ type: '产品', name: 'XR-5400', evidence: 'XR-5400 路由器' });
    reply.attributes.push({ entityType: '产品', entity: 'XR-5400', attribute: '保修期', value: '24个月', evidence: 'XR-5400 路由器保修期为24个月' });
    reply.attributes.push({ entityType: '产品', entity: 'XR-5400', attribute: '保修期', value: '36个月', evidence: '保修期为36个月' });
  }
  const faq = /保修期为(\d+)个月/u.exec(text);
  if (faq && text.includes('路由器的保修期')) {
    // Full-width: entity resolution must merge it with XR-5400.
    reply.attributes.push({ entityType: '产品', entity: 'ＸＲ－５４００', attribute: '保修期', value: `${faq[1]}个月`, evidence: `保修期为${faq[1]}个月` });
  }
  return completion(JSON.stringify(reply));
}

function completion(content: string): ScriptedReply {
  return {
    json: {
      id: 'chatcmpl-graph',
      object: 'chat.completion',
      created: 0,
      model: 'scripted-model',
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
    },
  };
}

graphStore.describe('hangjia graph with a model', () => {
  let server: ScriptedOpenAIServer;
  let home: string;
  let root: string;
  let cwd: string;
  beforeEach(async () => {
    server = await startScriptedOpenAIServer();
    home = temporaryDirectory();
    root = temporaryDirectory();
    cwd = temporaryDirectory();
    writeFiles(root, FILES);
    writeFiles(cwd, { 'schema.yaml': SCHEMA });
    const created = await runCliCaptured(['kb', 'create', 'law', root, '--quiet'], { home });
    expect(created.code, created.stderr).toBe(0);
  });
  afterEach(async () => {
    await server.close();
  });
  const env = () => ({ HANGJIA_MODEL_PROVIDER: 'openai-compatible', HANGJIA_BASE_URL: server.baseURL, HANGJIA_MODEL: 'scripted-model' });
  const extractionRequests = () => server.requests.filter((request) => (request.body as { response_format?: unknown }).response_format !== undefined);
  // Answers (streamed) and extraction calls share the route: each scripted step serves either.
  let answers: ScriptedReply[] = [];
  const script = (count: number) =>
    server.enqueue('/v1/chat/completions', ...Array.from({ length: count }, () => (request: RecordedRequest) => ((request.body as { stream?: boolean }).stream ? answers.shift()! : extractionReply(request))));
  const cli = (args: string[]) => runCliCaptured(args, { home, cwd, env: env(), stdin: noInput() });

  it('extracts, grounds, merges, reports conflicts, and updates incrementally on kb sync', async () => {
    script(20);
    const build = await cli(['graph', 'build', 'law', '--schema', 'schema.yaml', '--json']);
    expect(build.code, build.stderr).toBe(0);
    const result = JSON.parse(build.stdout);
    const chunks = result.chunks;
    expect(extractionRequests()).toHaveLength(chunks);
    // Every request carried the JSON schema derived from the YAML.
    const format = (extractionRequests()[0]!.body as { response_format: { json_schema: { schema: { properties: { entities: { items: { properties: { type: { enum: string[] } } } } } } } } }).response_format;
    expect(format.json_schema.schema.properties.entities.items.properties.type.enum).toEqual(['法律', '条款', '期限', '产品']);
    expect(result.model).toMatchObject({ extracted: chunks - 1, invalidReplies: 1, failures: [], rejected: 1, usage: { inputTokens: 100 * chunks, outputTokens: 20 * chunks } });

    const stats = JSON.parse((await cli(['graph', 'law', 'stats', '--json'])).stdout);
    expect(stats.rejected).toEqual([{ reason: 'evidence not found in the chunk', count: 1 }]);
    expect(stats.modelUsage).toEqual({ inputTokens: 100 * chunks, outputTokens: 20 * chunks });
    // Two values of the single-valued 保修期, both kept with their sources.
    expect(stats.conflicts).toHaveLength(1);
    expect(stats.conflicts[0]).toMatchObject({ node: '产品 XR-5400', attribute: '保修期' });
    expect(stats.conflicts[0].values.map((value: { value: string; documentPath: string }) => [value.value, path.basename(value.documentPath)])).toEqual([['12个月', 'faq.md'], ['24个月', 'handbook.md']]);

    // One article, named four ways (the statute's own heading, the handbook's 《劳动合同法》第十九条,
    // the model's 中华人民共和国劳动合同法第十九条), is one node holding every fact.
    const article = JSON.parse((await cli(['graph', 'law', 'show', '劳动合同法第十九条', '--json'])).stdout);
    expect(article).toHaveLength(1);
    expect(article[0].node.names).toEqual(['中华人民共和国劳动合同法第十九条', '劳动合同法第十九条']);
    expect(article[0].outgoing.map((edge: { relation: string; extractor: string; evidence: string }) => `${edge.relation}/${edge.extractor}/${edge.evidence}`)).toEqual([
      // The statute's own article belongs to it (said once, by the first fact placed in it) …
      '属于/rules/三个月',
      '规定/model/试用期不得超过六个月',
      // … and the handbook's reference says so again, with its own evidence.
      '属于/rules/《劳动合同法》第十九条',
    ]);
    expect(new Set(article[0].outgoing.filter((edge: { relation: string }) => edge.relation === '属于').map((edge: { target: { name: string } }) => edge.target.name))).toEqual(new Set(['劳动合同法']));
    const cites = article[0].incoming.find((edge: { relation: string }) => edge.relation === '引用');
    expect(cites).toMatchObject({ extractor: 'rules', evidence: '《劳动合同法》第十九条' });
    expect(path.basename(cites.documentPath)).toBe('handbook.md');
    const statute = JSON.parse((await cli(['graph', 'law', 'show', '法律:劳动合同法', '--json'])).stdout);
    expect(statute[0].node).toMatchObject({ type: '法律', name: '劳动合同法', key: '劳动合同法' });

    const query = JSON.parse((await cli(['graph', 'law', 'query', '(条款:*)-[规定]->(期限:*.时长 <= 6)', '--json'])).stdout);
    expect(query.matches).toHaveLength(1);
    expect(query.matches[0].edges[0]).toMatchObject({ from: '中华人民共和国劳动合同法第十九条', relation: '规定', to: '试用期上限' });
    expect(query.matches[0].attributes[0]).toMatchObject({ node: '试用期上限', name: '时长', value: '六个月', normalized: '6 month' });
    expect(query.matches[0].attributes[0].evidence.evidence).toBe('试用期不得超过六个月');

    // Nothing changed: nothing is sent again, except the chunk whose reply was off-schema.
    const again = JSON.parse((await cli(['graph', 'build', 'law', '--json'])).stdout);
    expect(again.model).toMatchObject({ extracted: 0, reused: chunks - 1, invalidReplies: 1 });
    expect(extractionRequests()).toHaveLength(chunks + 1);

    // The FAQ changes: kb sync, and the next build sends only its chunk.
    fs.writeFileSync(path.join(root, 'faq.md'), FILES['faq.md'].replace('12个月', '18个月'));
    expect((await cli(['kb', 'sync', 'law', '--quiet'])).code).toBe(0);
    const afterSync = JSON.parse((await cli(['graph', 'build', 'law', '--json'])).stdout);
    expect(afterSync.model).toMatchObject({ extracted: 1, reused: chunks - 2 });
    expect(afterSync.pruned).toBeGreaterThan(0);
    expect(extractionRequests()).toHaveLength(chunks + 3);
    const changed = JSON.parse((await cli(['graph', 'law', 'stats', '--json'])).stdout);
    expect(changed.conflicts[0].values.map((value: { value: string }) => value.value)).toEqual(['18个月', '24个月']);

    // The FAQ is deleted: its facts leave the graph with the next read, no build needed.
    fs.rmSync(path.join(root, 'faq.md'));
    expect((await cli(['kb', 'sync', 'law', '--quiet'])).code).toBe(0);
    const product = JSON.parse((await cli(['graph', 'law', 'show', 'XR-5400', '--json'])).stdout);
    expect(product[0].attributes.map((attribute: { value: string }) => attribute.value)).toEqual(['24个月']);
    expect(JSON.parse((await cli(['graph', 'law', 'stats', '--json'])).stdout).conflicts).toEqual([]);
  });

  it('asks before spending on many chunks, and resumes a limited build where it stopped', async () => {
    script(20);
    const refused = await cli(['graph', 'build', 'law', '--schema', 'schema.yaml', '--confirm-above', '1', '--price-per-million-tokens', '2']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/Error: Extracting \d+ chunks with openai-compatible:scripted-model needs about \d+ tokens \(≈0\.\d\d\)\. Confirm with --yes, or limit it with --limit-chunks N\. \[E_GRAPH_CONFIRM\]/u);
    expect(extractionRequests()).toHaveLength(0);

    const first = JSON.parse((await cli(['graph', 'build', 'law', '--limit-chunks', '1', '--confirm-above', '1', '--json'])).stdout);
    expect(first.model).toMatchObject({ extracted: 1, pending: 0 });
    expect(extractionRequests()).toHaveLength(1);
    const rest = JSON.parse((await cli(['graph', 'build', 'law', '--yes', '--confirm-above', '1', '--concurrency', '3', '--json'])).stdout);
    expect(rest.model.reused).toBe(1);
    expect(rest.model.extracted + rest.model.invalidReplies).toBe(rest.chunks - 1);
    expect(extractionRequests()).toHaveLength(rest.chunks);
  });

  it('stops between chunks on abort, keeps what finished, and the next build extracts only the rest', async () => {
    script(20);
    const config = { ...DEFAULT_CONFIG, home, embedding: { provider: 'none' as const } };
    const kb = openKnowledgeBase({ home, name: 'law' }, createDefaultComponents(config));
    const model = createLanguageModelFromConfig({ ...DEFAULT_CONFIG.model, provider: 'openai-compatible', baseURL: server.baseURL, model: 'scripted-model' });
    try {
      const controller = new AbortController();
      const schema = parseGraphSchema(SCHEMA);
      const stopped = await buildGraph(kb, { model, schema, signal: controller.signal, onProgress: (progress) => progress.phase === 'model' && progress.done === 2 && controller.abort() });
      expect(stopped.status).toBe('aborted');
      expect(stopped.model!.extracted + stopped.model!.invalidReplies).toBe(2);
      expect(stopped.model!.pending).toBe(stopped.chunks - 2);
      expect(extractionRequests()).toHaveLength(2);
      const resumed = await buildGraph(kb, { model, schema });
      expect(resumed.status).toBe('completed');
      expect(resumed.model!.extracted + resumed.model!.invalidReplies).toBe(resumed.chunks - 2 + (stopped.model!.invalidReplies > 0 ? 1 : 0));
      expect(extractionRequests()).toHaveLength(resumed.chunks + (stopped.model!.invalidReplies > 0 ? 1 : 0));
    } finally {
      kb.close();
    }
  });

  it('ask --graph adds the facts after the passages and cites the chunk a fact came from', async () => {
    script(20);
    expect((await cli(['graph', 'build', 'law', '--schema', 'schema.yaml', '--quiet'])).code).toBe(0);
    answers = [{ events: chatStreamEvents(['试用期最长不得超过六个月[3]。']) }, { events: chatStreamEvents(['不超过六个月[1]。']) }];
    const asked = await cli(['ask', 'law', '劳动合同法第十九条规定的试用期最长多久？', '--graph', '-k', '2', '--threshold', '0', '--json']);
    expect(asked.code, asked.stderr).toBe(0);
    const answer = JSON.parse(asked.stdout);
    const prompt = (server.requests.at(-1)!.body as { messages: Array<{ content: string }> }).messages.map((message) => message.content).join('\n');
    expect(prompt).toContain('知识图谱事实：中华人民共和国劳动合同法第十九条 —期限→');
    // Two passages, then the facts: [3] is the first fact.
    expect(answer.retrieval.map((hit: { scores: Array<{ retriever: string }> }) => hit.scores[0]!.retriever)).toEqual(['lexical', 'lexical', 'graph', 'graph', 'graph', 'graph', 'graph', 'graph']);
    expect(answer.citations).toHaveLength(1);
    const citation = answer.citations[0];
    expect(citation.n).toBe(3);
    expect(path.basename(citation.documentPath)).toBe('labor-law.md');
    expect(citation.chunkId).toBe(answer.retrieval[2].chunkId);
    expect(citation.snippet).toMatch(/^知识图谱事实：中华人民共和国劳动合同法第十九条 —期限→ 三个月 原文：劳动合同期限三个月以上不满一年的，试用期不得超过一个月/u);
    expect(citation.headingPath).toEqual(['中华人民共和国劳动合同法', '第十九条']);

    // Without --graph the same question gets passages only.
    expect((await cli(['ask', 'law', '劳动合同法第十九条规定的试用期最长多久？', '-k', '2', '--threshold', '0', '--json'])).code).toBe(0);
    const plainPrompt = (server.requests.at(-1)!.body as { messages: Array<{ content: string }> }).messages.map((message) => message.content).join('\n');
    expect(plainPrompt).not.toContain('知识图谱事实');
  });

  it('exports CSV Neo4j imports, GraphML that parses, and JSONL', async () => {
    script(20);
    expect((await cli(['graph', 'build', 'law', '--schema', 'schema.yaml', '--quiet'])).code).toBe(0);
    const stats = JSON.parse((await cli(['graph', 'law', 'stats', '--json'])).stdout);

    expect((await cli(['graph', 'export', 'law', '--format', 'csv', '--out', 'csv'])).code).toBe(0);
    const nodes = parseCsv(fs.readFileSync(path.join(cwd, 'csv/nodes.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
    const relationships = parseCsv(fs.readFileSync(path.join(cwd, 'csv/relationships.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
    expect(Object.keys(nodes[0]!)).toEqual(['nodeId:ID', 'name', 'type', 'key', 'names:string[]', 'attributes', ':LABEL']);
    expect(Object.keys(relationships[0]!)).toEqual([':START_ID', ':END_ID', ':TYPE', 'extractor', 'chunkId', 'evidenceStart:int', 'evidenceEnd:int', 'documentPath', 'evidence']);
    expect(nodes).toHaveLength(stats.nodes);
    expect(relationships).toHaveLength(stats.edges);
    const ids = new Set(nodes.map((node) => node['nodeId:ID']));
    for (const relationship of relationships) expect(ids.has(relationship[':START_ID']!) && ids.has(relationship[':END_ID']!)).toBe(true);
    const product = nodes.find((node) => node['name'] === 'XR-5400')!;
    expect(JSON.parse(product['attributes']!).map((attribute: { value: string }) => attribute.value)).toEqual(['12个月', '24个月']);

    expect((await cli(['graph', 'export', 'law', '--format', 'graphml', '--out', 'graphml'])).code).toBe(0);
    const problems: string[] = [];
    const report = (level: string) => (message: string) => problems.push(`${level}: ${message}`);
    const graphml = fs.readFileSync(path.join(cwd, 'graphml/graph.graphml'), 'utf8');
    // xmldom forgives a bare & in text; XML does not.
    expect(graphml).not.toMatch(/&(?!(?:amp|lt|gt|quot|apos);)/u);
    const xml = new (await xmlParser())({ errorHandler: { warning: report('warning'), error: report('error'), fatalError: report('fatal') } }).parseFromString(graphml, 'text/xml');
    expect(problems).toEqual([]);
    expect(xml.documentElement!.getAttribute('xmlns')).toBe('http://graphml.graphdrawing.org/xmlns');
    expect(xml.getElementsByTagName('node')).toHaveLength(stats.nodes);
    expect(xml.getElementsByTagName('edge')).toHaveLength(stats.edges);

    expect((await cli(['graph', 'export', 'law', '--format', 'jsonl', '--out', 'jsonl'])).code).toBe(0);
    const lines = fs.readFileSync(path.join(cwd, 'jsonl/graph.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { kind: string });
    expect(lines.filter((line) => line.kind === 'node')).toHaveLength(stats.nodes);
    expect(lines.filter((line) => line.kind === 'edge')).toHaveLength(stats.edges);
    expect(lines.filter((line) => line.kind === 'attribute')).toHaveLength(stats.attributes);
  });

  it('refuses a schema that does not parse, naming the line and field, and keeps the old one', async () => {
    expect((await cli(['graph', 'schema', 'law', '--preset', 'law'])).code).toBe(0);
    writeFiles(cwd, { 'bad.yaml': 'name: bad\nentities:\n  药物:\n    attributes:\n      - { name: 剂量, type: dose }\n' });
    const bad = await cli(['graph', 'schema', 'law', 'bad.yaml']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('bad.yaml:5:27 entities.药物.attributes[0].type: "dose" is not an attribute type');
    const printed = await cli(['graph', 'schema', 'law', '--print']);
    expect(printed.stdout).toContain('name: law');
  });
});

graphStore.describe('graph command word order and queries', () => {
  it('reads the knowledge base before or after the action', () => {
    expect(graphArgumentsInOrder(['graph', 'demo', 'show', 'x'])).toEqual(['graph', 'show', 'demo', 'x']);
    expect(graphArgumentsInOrder(['graph', 'show', 'demo', 'x'])).toEqual(['graph', 'show', 'demo', 'x']);
    expect(graphArgumentsInOrder(['graph', 'build', 'stats'])).toEqual(['graph', 'build', 'stats']);
    expect(graphArgumentsInOrder(['search', 'demo', 'show'])).toEqual(['search', 'demo', 'show']);
  });

  it('names the position of a query it cannot read', async () => {
    const home = temporaryDirectory();
    const root = temporaryDirectory();
    writeFiles(root, { 'a.md': '# 手册\n\n根据《劳动法》制定本手册，适用于全体员工，自二〇二四年一月一日起施行。' });
    expect((await runCliCaptured(['kb', 'create', 'a', root, '--quiet'], { home })).code).toBe(0);
    const bad = await runCliCaptured(['graph', 'a', 'query', '(文档:*)-[引用]>(法律:*)'], { home });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Cannot read the graph query at character 7: expected an edge like -[关系]-> or <-[关系]-; found "-[引用]>(法律:*)"');
    const good = await runCliCaptured(['graph', 'a', 'query', '(*)-[引用]->(法律:劳动法)'], { home });
    expect(good.stdout.split('\n').slice(0, 2)).toEqual(['1 match', '(文档:手册) · (法律:劳动法)']);
  });
});
