/**
 * Where one machine ends (issue 16 item 5, issue 18 item 5): a synthetic knowledge base of N
 * chunks (default 1,000,000) built with the shipped `kb create` (bin/hangjia.js, built from this
 * tree first), then searched with real stard-legal questions.
 *
 *   npx tsx bench/scale.ts                   # 1,000,000 chunks
 *   npx tsx bench/scale.ts --chunks 100000   # a quick look
 *   npx tsx bench/scale.ts --skip-build      # dist/ is current already
 *
 * The corpus is generated, not committed (under bench/.work/scale/, git-ignored), from
 * stard-legal's own distributions with a fixed seed: article lengths are drawn from its articles'
 * lengths, words (and punctuation) from its jieba word frequencies, and titles are statute
 * articles ("<region><statute>第N条", its statutes' names under 35 regions, with as many articles
 * per statute as its statutes have), so the analyzer, the chunker and statute grouping meet what
 * they meet on the real corpus. Rows are spread over files of 50,000, under `kb create`'s file size limit.
 *
 * Recorded per size: `kb create` wall and CPU time and peak RSS (its process, worker threads
 * included), the store and index sizes (`kb stats --json`), the time to load the index, and query
 * latency (p50/p99, one query at a time on one thread) over stard-legal's questions. Each size is
 * one row of bench/results/scale.json (a run of another size keeps the others) and scale.md.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { splitStatuteArticleTitle } from '../src/chunking/index.js';
import { loadConfig } from '../src/config/index.js';
import { openKnowledgeBase } from '../src/knowledge-base/index.js';
import { createDefaultComponents } from '../src/presets/index.js';
import { createSeededRandom } from '../src/support/index.js';
import { describeCodeVersion, describeMachine } from './machine-info.js';
import { REPOSITORY_ROOT } from './retrieval-config.js';

const { values: flags } = parseArgs({
  options: {
    chunks: { type: 'string', default: '1000000' },
    queries: { type: 'string', default: '500' },
    keep: { type: 'boolean', default: false },
    // The CLI in dist/ is rebuilt first unless told it is current.
    'skip-build': { type: 'boolean', default: false },
    // Internal: the query measurement runs in a child process of its own (a fresh heap).
    'measure-queries': { type: 'string' },
  },
});
const STARD = join(REPOSITORY_ROOT, '..', 'shared', 'datasets', 'stard-legal');
const WORK = join(REPOSITORY_ROOT, 'bench', '.work', 'scale');
const RESULTS = join(REPOSITORY_ROOT, 'bench', 'results');
const BIN = join(REPOSITORY_ROOT, 'bin', 'hangjia.js');
const SEED = 16;
const ROWS_PER_FILE = 50_000;
const WARM_UP_QUERIES = 20;
const TARGETS = { peakRssMegabytes: 4096, queryP50Ms: 20 };

interface QueryMeasurement {
  queries: number;
  loadSeconds: number;
  latencyMs: { p50: number; p99: number; mean: number };
  queriesPerSecond: number;
}

interface ScaleRun {
  command: string;
  date: string;
  code: ReturnType<typeof describeCodeVersion>;
  machine: ReturnType<typeof describeMachine>;
  requestedChunks: number;
  counts: { documents: number; chunks: number; characters: number; databaseBytes: number; indexBytes: number };
  build: { wallSeconds: number; cpuSeconds: number; peakRssMegabytes: number; loadAverage: [number, number] };
  search: QueryMeasurement;
  targets: typeof TARGETS & { met: { peakRss: boolean; queryP50: boolean } };
}


async function main(): Promise<void> {
  const chunks = Number(flags.chunks);
  if (!Number.isInteger(chunks) || chunks < 1000) throw new Error(`--chunks must be an integer ≥ 1000, got ${flags.chunks}`);
  if (!existsSync(join(STARD, 'corpus.jsonl'))) throw new Error(`bench/scale.ts needs stard-legal at ${STARD}`);
  const corpus = generateCorpus(chunks);
  if (!flags['skip-build']) {
    process.stderr.write('Building the CLI from this tree (npm run build)…\n');
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: REPOSITORY_ROOT, stdio: 'inherit' });
  }
  const home = mkdtempSync(join(tmpdir(), 'hangjia-scale-home-'));
  try {
    const run = buildOneReplica(corpus, home, chunks);
    // Replicas on one PostgreSQL (issue 18 item 5) go here: the same corpus in a PostgreSQL store
    // (`store.url`), then 2 and 3 `hangjia serve` replicas on it under bench/serve-load.ts, recording
    // QPS per replica count and that every replica returns the same hits. They add a `replicas`
    // entry to the run; nothing is measured for them yet.
    writeResults(run);
  } finally {
    if (!flags.keep) rmSync(home, { recursive: true, force: true });
    else process.stderr.write(`Kept the knowledge base in ${home}\n`);
  }
}

/** Writes (or reuses) the synthetic corpus of `chunks` rows; returns its folder. */
function generateCorpus(chunks: number): string {
  const folder = join(WORK, `corpus-${chunks}-seed-${SEED}`);
  const done = join(folder, 'complete');
  if (existsSync(done)) return folder;
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  process.stderr.write(`Generating ${chunks} statute articles from stard-legal's distributions into ${folder}…\n`);
  const rows = readFileSync(join(STARD, 'corpus.jsonl'), 'utf8').split('\n').filter((line) => line.trim().length > 0).map((line) => JSON.parse(line) as { title: string; text: string });
  const jieba = Jieba.withDict(dict);
  const wordCounts = new Map<string, number>();
  const lengths: number[] = [];
  const articlesPerStatute = new Map<string, number>();
  for (const row of rows) {
    lengths.push(row.text.length);
    for (const word of jieba.cut(row.text, true)) wordCounts.set(word, (wordCounts.get(word) ?? 0) + 1);
    const statute = splitStatuteArticleTitle(row.title)?.statute ?? row.title;
    articlesPerStatute.set(statute, (articlesPerStatute.get(statute) ?? 0) + 1);
  }
  const words = [...wordCounts.keys()];
  const cumulative = new Float64Array(words.length);
  words.reduce((sum, word, index) => (cumulative[index] = sum + wordCounts.get(word)!), 0);
  const random = createSeededRandom(SEED);
  const drawWord = (): string => {
    const target = random() * cumulative[cumulative.length - 1]!;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (cumulative[middle]! < target) low = middle + 1;
      else high = middle;
    }
    return words[low]!;
  };
  // Each statute under each region once (in a seeded order), so no two synthetic statutes share a title.
  const statutes = [...articlesPerStatute.entries()].map((entry) => ({ entry, order: random() })).sort((a, b) => a.order - b.order).map(({ entry }) => entry);
  let written = 0;
  let file = 0;
  let buffer: string[] = [];
  const flush = (): void => {
    writeFileSync(join(folder, `part-${String(++file).padStart(4, '0')}.jsonl`), `${buffer.join('\n')}\n`);
    buffer = [];
  };
  for (let variant = 0; written < chunks; variant++) {
    const [statute, articles] = statutes[variant % statutes.length]!;
    const region = REGIONS[Math.floor(variant / statutes.length) % REGIONS.length]!;
    for (let article = 1; article <= articles && written < chunks; article++) {
      const length = lengths[Math.floor(random() * lengths.length)]!;
      let text = '';
      while (text.length < length) text += drawWord();
      buffer.push(JSON.stringify({ id: `scale-${written}`, title: `${region}${statute}第${chineseNumeral(article)}条`, text: `${text}。` }));
      written++;
      if (buffer.length === ROWS_PER_FILE) flush();
    }
  }
  if (buffer.length > 0) flush();
  writeFileSync(done, `${written}\n`);
  return folder;
}

const REGIONS = ['', '北京市', '天津市', '河北省', '山西省', '内蒙古自治区', '辽宁省', '吉林省', '黑龙江省', '上海市', '江苏省', '浙江省', '安徽省', '福建省', '江西省', '山东省', '河南省', '湖北省', '湖南省', '广东省', '广西壮族自治区', '海南省', '重庆市', '四川省', '贵州省', '云南省', '西藏自治区', '陕西省', '甘肃省', '青海省', '宁夏回族自治区', '新疆维吾尔自治区', '深圳市', '厦门市', '苏州市'];

/** 1 → 一, 19 → 十九, 47 → 四十七, 105 → 一百零五 (as statute articles are numbered). */
function chineseNumeral(value: number): string {
  const digits = '零一二三四五六七八九';
  const hundreds = Math.floor(value / 100);
  const tens = Math.floor((value % 100) / 10);
  const ones = value % 10;
  let text = hundreds > 0 ? `${digits[hundreds]}百` : '';
  if (tens > 0) text += `${hundreds === 0 && tens === 1 ? '' : digits[tens]}十`;
  else if (hundreds > 0 && ones > 0) text += '零';
  if (ones > 0) text += digits[ones];
  return text;
}

/** `kb create` of the corpus on one process (the embedded SQLite store), then the query measurement. */
function buildOneReplica(corpus: string, home: string, requestedChunks: number): ScaleRun {
  const preload = join(home, 'report-usage.mjs');
  const usageFile = join(home, 'usage.json');
  writeFileSync(
    preload,
    "import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => { const usage = process.resourceUsage(); writeFileSync(process.env.HANGJIA_BENCH_USAGE_FILE, JSON.stringify({ maxRSS: usage.maxRSS, cpuMicroseconds: usage.userCPUTime + usage.systemCPUTime })); });\n",
  );
  process.stderr.write(`kb create of ${corpus}…\n`);
  const loadBefore = loadavg()[0]!;
  const started = performance.now();
  const child = spawnSync(process.execPath, ['--import', preload, BIN, 'kb', 'create', 'scale', corpus, '--quiet'], {
    env: { ...process.env, HANGJIA_HOME: home, HANGJIA_BENCH_USAGE_FILE: usageFile },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const wallSeconds = (performance.now() - started) / 1000;
  if (child.status !== 0) throw new Error(`hangjia kb create failed (${child.status})`);
  const usage = JSON.parse(readFileSync(usageFile, 'utf8')) as { maxRSS: number; cpuMicroseconds: number };
  const build = { wallSeconds, cpuSeconds: usage.cpuMicroseconds / 1e6, peakRssMegabytes: usage.maxRSS / 1024, loadAverage: [loadBefore, loadavg()[0]!] as [number, number] };
  process.stderr.write(`  ${wallSeconds.toFixed(1)} s, ${build.cpuSeconds.toFixed(1)} CPU s, peak RSS ${build.peakRssMegabytes.toFixed(0)} MB\n`);
  const stats = JSON.parse(execFileSync(process.execPath, [BIN, 'kb', 'stats', 'scale', '--json'], { env: { ...process.env, HANGJIA_HOME: home }, encoding: 'utf8' })) as Record<string, number>;
  process.stderr.write('Searching with stard-legal questions…\n');
  const measured = execFileSync(process.execPath, ['--import', 'tsx', join(REPOSITORY_ROOT, 'bench', 'scale.ts'), '--measure-queries', home, '--queries', flags.queries!], {
    cwd: REPOSITORY_ROOT,
    env: { ...process.env, HANGJIA_HOME: home },
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  const search = JSON.parse(measured) as QueryMeasurement;
  return {
    command: `npx tsx bench/scale.ts --chunks ${requestedChunks} --queries ${flags.queries}`,
    date: new Date().toISOString(),
    code: describeCodeVersion(),
    machine: describeMachine(),
    requestedChunks,
    counts: { documents: stats['documents']!, chunks: stats['chunks']!, characters: stats['characters']!, databaseBytes: stats['databaseBytes']!, indexBytes: stats['indexBytes']! },
    build,
    search,
    targets: { ...TARGETS, met: { peakRss: build.peakRssMegabytes <= TARGETS.peakRssMegabytes, queryP50: search.latencyMs.p50 <= TARGETS.queryP50Ms } },
  };
}

/** In a fresh process: load the index (the first search), then time each question alone, as `hangjia search` runs it. */
async function measureQueries(home: string, limit: number): Promise<QueryMeasurement> {
  const questions = readFileSync(join(STARD, 'queries.jsonl'), 'utf8').split('\n').filter((line) => line.trim().length > 0).map((line) => (JSON.parse(line) as { text: string }).text).slice(0, limit);
  const { config } = loadConfig({ env: { ...process.env, HANGJIA_HOME: home } });
  const knowledgeBase = openKnowledgeBase({ home: config.home, name: 'scale', readOnly: true }, createDefaultComponents({ ...config, embedding: { provider: 'none' } } as typeof config));
  try {
    const loadStarted = performance.now();
    await knowledgeBase.search(questions[0]!, { k: 10 });
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    for (const question of questions.slice(0, WARM_UP_QUERIES)) await knowledgeBase.search(question, { k: 10 });
    const latencies: number[] = [];
    for (const question of questions) {
      const started = performance.now();
      await knowledgeBase.search(question, { k: 10 });
      latencies.push(performance.now() - started);
    }
    latencies.sort((a, b) => a - b);
    const at = (share: number): number => latencies[Math.min(latencies.length - 1, Math.floor(share * latencies.length))]!;
    const total = latencies.reduce((sum, value) => sum + value, 0);
    return { queries: latencies.length, loadSeconds, latencyMs: { p50: at(0.5), p99: at(0.99), mean: total / latencies.length }, queriesPerSecond: (latencies.length / total) * 1000 };
  } finally {
    knowledgeBase.close();
  }
}

function writeResults(run: ScaleRun): void {
  const file = join(RESULTS, 'scale.json');
  const previous = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { runs: Record<string, ScaleRun> }) : { runs: {} };
  const runs = { ...previous.runs, [String(run.requestedChunks)]: run };
  writeFileSync(file, `${JSON.stringify({ runs }, null, 2)}\n`);
  const megabytes = (bytes: number): string => (bytes / 1024 / 1024).toFixed(0);
  const ordered = Object.values(runs).sort((a, b) => a.requestedChunks - b.requestedChunks);
  const markdown = [
    '# Where one machine ends',
    '',
    '<!-- Generated by bench/scale.ts from bench/results/scale.json (one row per size, each with its own command). Do not edit by hand. -->',
    '',
    "A synthetic knowledge base generated from stard-legal's distributions (article lengths, jieba word frequencies, statute titles under 35 regions), built with the shipped `kb create` (embedded SQLite store, lexical index; no embedding model), then searched one question at a time with stard-legal's questions (`KnowledgeBase.search`, k = 10, evidence stages on).",
    '',
    '| chunks | `kb create` wall s | CPU s | peak RSS MB | store MB | index MB | index load s | query p50 ms | p99 ms | QPS | load avg start→end | command |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|',
    ...ordered.map(
      (row) =>
        `| ${row.counts.chunks} | ${row.build.wallSeconds.toFixed(1)} | ${row.build.cpuSeconds.toFixed(1)} | ${row.build.peakRssMegabytes.toFixed(0)} | ${megabytes(row.counts.databaseBytes)} | ${megabytes(row.counts.indexBytes)} | ` +
        `${row.search.loadSeconds.toFixed(1)} | ${row.search.latencyMs.p50.toFixed(2)} | ${row.search.latencyMs.p99.toFixed(2)} | ${row.search.queriesPerSecond.toFixed(0)} | ` +
        `${row.build.loadAverage[0].toFixed(1)}→${row.build.loadAverage[1].toFixed(1)} | \`${row.command}\` |`,
    ),
    '',
    `Targets (issue 16): peak RSS ≤ ${TARGETS.peakRssMegabytes} MB and query p50 ≤ ${TARGETS.queryP50Ms} ms at 1,000,000 chunks. ` +
      ordered.map((row) => `${row.counts.chunks} chunks: RSS ${row.targets.met.peakRss ? 'met' : 'NOT met'}, p50 ${row.targets.met.queryP50 ? 'met' : 'NOT met'}`).join('; ') +
      '.',
    '',
    ...ordered.map((row) => `- ${row.counts.chunks} chunks: ${row.machine.cpuModel}, ${row.machine.cores} cores, Node ${row.machine.node}; commit ${row.code.commit}${row.code.dirty ? ' (uncommitted changes)' : ''}; ${row.date}.`),
    '',
  ].join('\n');
  writeFileSync(join(RESULTS, 'scale.md'), markdown);
  process.stdout.write(markdown);
}

if (flags['measure-queries'] !== undefined) {
  process.stdout.write(JSON.stringify(await measureQueries(flags['measure-queries'], Number(flags.queries))));
} else {
  await main();
}
