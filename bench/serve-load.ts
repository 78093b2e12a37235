/**
 * Load on `hangjia serve` (issue 12): the server in its own process on loopback, serving the
 * stard-legal knowledge base and answering with the instant scripted model
 * (test/support/scripted-openai-server.ts), driven over real HTTP by this process:
 *
 *   npx tsx bench/serve-load.ts [--seconds 60] [--clients 64] [--overload-seconds 30] [--overload-clients 256] [--overload-admitted 32]
 *                               [--search-seconds 15] [--search-clients 8] [--home <dir with kb/stard-legal>]
 *
 * Phases, each against a freshly started server:
 * 1. search-only: `--search-clients` clients POST /api/knowledge-bases/stard-legal/search (k 5)
 *    back to back; compared with the same questions searched in-process (the library, one
 *    thread, measured in this process before the server starts): HTTP QPS / in-process QPS.
 * 2. load: `--clients` clients for `--seconds`, each request in turn a search, a non-streaming
 *    ask (POST …/ask) or a streaming chat (POST /v1/chat/completions, stream: true, read to
 *    [DONE]); every status but 200 counts as an error.
 * 3. overload: `--overload-clients` clients the same way against a server whose model queue is
 *    small (server.modelConcurrency 2, server.modelQueue 4) and which admits
 *    `--overload-admitted` requests at once (server.maxConcurrentRequests, default 32): only 200,
 *    429 and 503 are acceptable; anything else, a network error or a request over 30 s counts
 *    against it. Clients wait what a 429/503's Retry-After says before their next request, as a
 *    well-behaved client does.
 * Per route: requests, QPS, p50/p99 latency, statuses. The server's peak RSS (its own
 * `process.resourceUsage().maxRSS`, reported at exit) per phase. Writes
 * bench/results/serve-load.json and bench/results/serve-load.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/index.js';
import { createKnowledgeBase, listKnowledgeBaseNames, openKnowledgeBase } from '../src/knowledge-base/index.js';
import { createDefaultComponents } from '../src/presets/index.js';
import { startScriptedOpenAIServer } from '../test/support/scripted-openai-server.js';
import { describeCodeVersion, describeMachine } from './machine-info.js';
import { REPOSITORY_ROOT } from './retrieval-config.js';

const { values: flags } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    clients: { type: 'string', default: '64' },
    'overload-seconds': { type: 'string', default: '30' },
    'overload-clients': { type: 'string', default: '256' },
    'search-seconds': { type: 'string', default: '15' },
    'search-clients': { type: 'string', default: '8' },
    'overload-admitted': { type: 'string', default: '32' },
    home: { type: 'string' },
  },
});
const KNOWLEDGE_BASE = 'stard-legal';
const DATASET = join(REPOSITORY_ROOT, '..', 'shared', 'datasets', KNOWLEDGE_BASE);
const RESULTS = join(REPOSITORY_ROOT, 'bench', 'results');
const REQUEST_TIMEOUT_MS = 30_000;
// A --home folder is this machine's; the results name it only as <home> (it only saves building the knowledge base again).
const command = `npx tsx bench/serve-load.ts ${process.argv.slice(2).join(' ')}`.trim().replace(/--home(=|\s+)\S+/, '--home <home>');

type Route = 'search' | 'ask' | 'chat-stream';
const ROUTES: Route[] = ['search', 'ask', 'chat-stream'];

interface Sample {
  route: Route;
  /** The HTTP status, `timeout` (over 30 s), or `network-error:<code>`. */
  status: number | 'timeout' | `network-error:${string}`;
  milliseconds: number;
  /** From a 429/503's Retry-After. */
  retryAfterSeconds?: number;
  /** When it was sent, in ms since the benchmark started (to see when failures happen). */
  sentAtMs: number;
}

interface RouteSummary {
  requests: number;
  qps: number;
  p50Ms: number;
  p99Ms: number;
  statuses: Record<string, number>;
}

interface PhaseResult {
  name: string;
  clients: number;
  seconds: number;
  serverSettings: Record<string, string>;
  requests: number;
  qps: number;
  errors: number;
  byRoute: Partial<Record<Route, RouteSummary>>;
  serverPeakRssMegabytes: number;
  loadAverageAfter: number;
  /** Seconds into the phase at which each timed-out or failed request was sent. */
  failuresSentAtSeconds: number[];
}

if (!existsSync(join(DATASET, 'corpus.jsonl'))) {
  console.error(`The stard-legal dataset is not at ${DATASET}; this benchmark needs it.`);
  process.exit(1);
}
const questions = readFileSync(join(DATASET, 'queries.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => (JSON.parse(line) as { text: string }).text);

const home = flags.home ?? mkdtempSync(join(tmpdir(), 'hangjia-serve-load-'));
const config = loadConfig({ env: { HANGJIA_HOME: home }, cwd: home }).config;
if (!listKnowledgeBaseNames(home).includes(KNOWLEDGE_BASE)) {
  console.error(`Building the ${KNOWLEDGE_BASE} knowledge base in ${home} …`);
  const knowledgeBase = createKnowledgeBase(
    { home, name: KNOWLEDGE_BASE, settings: { sources: [join(DATASET, 'corpus.jsonl')], include: [], exclude: [], maxFileBytes: config.ingest.maxFileBytes, chunking: config.chunking } },
    createDefaultComponents(config),
  );
  await knowledgeBase.sync();
  knowledgeBase.close();
}

const inProcess = await measureInProcessSearch(Number(flags['search-seconds']));
console.error(`in-process search: ${inProcess.qps.toFixed(1)} QPS, p50 ${inProcess.p50Ms.toFixed(2)} ms`);

const model = await startScriptedOpenAIServer();
const phases: PhaseResult[] = [];
phases.push(await runPhase('search-only', Number(flags['search-clients']), Number(flags['search-seconds']), {}, ['search']));
phases.push(await runPhase('load', Number(flags.clients), Number(flags.seconds), {}, ROUTES));
phases.push(await runPhase('overload', Number(flags['overload-clients']), Number(flags['overload-seconds']), { 'server.modelConcurrency': '2', 'server.modelQueue': '4', 'server.maxConcurrentRequests': flags['overload-admitted']! }, ROUTES));
await model.close();
if (!flags.home) rmSync(home, { recursive: true, force: true });

const searchOnly = phases[0]!.byRoute.search!;
const load = phases[1]!;
const overload = phases[2]!;
const overloadUnexpected = Object.values(overload.byRoute).reduce(
  (total, route) => total + Object.entries(route.statuses).filter(([status]) => !['200', '429', '503'].includes(status)).reduce((sum, [, count]) => sum + count, 0),
  0,
);
const output = {
  command,
  code: describeCodeVersion(),
  machine: describeMachine(),
  note: 'Run on a 2-core build machine shared with other jobs (load average recorded per phase): absolute numbers are low and noisy; the load generator shares the machine with the server.',
  knowledgeBase: KNOWLEDGE_BASE,
  questions: questions.length,
  inProcessSearch: inProcess,
  httpSearch: { qps: searchOnly.qps, p50Ms: searchOnly.p50Ms, p99Ms: searchOnly.p99Ms, shareOfInProcessQps: searchOnly.qps / inProcess.qps },
  targets: {
    loadErrorsZero: load.errors === 0,
    overloadOnly200429503: overloadUnexpected === 0,
    httpSearchP50AtMost3Ms: searchOnly.p50Ms <= 3,
    httpSearchAtLeast60PercentOfInProcess: searchOnly.qps / inProcess.qps >= 0.6,
  },
  phases,
};
writeFileSync(join(RESULTS, 'serve-load.json'), `${JSON.stringify(output, null, 2)}\n`);
writeFileSync(join(RESULTS, 'serve-load.md'), renderMarkdown(output));
console.error(`Wrote bench/results/serve-load.json and serve-load.md`);

async function measureInProcessSearch(seconds: number): Promise<{ queries: number; qps: number; p50Ms: number; p99Ms: number }> {
  const knowledgeBase = openKnowledgeBase({ home, name: KNOWLEDGE_BASE }, createDefaultComponents(config));
  knowledgeBase.hasVectorSearch();
  const latencies: number[] = [];
  const started = performance.now();
  // One query at a time on one thread, as the server's event loop runs them.
  for (let index = 0; performance.now() - started < seconds * 1000; index++) {
    const begin = performance.now();
    await knowledgeBase.search(questions[index % questions.length]!, { k: 5 });
    latencies.push(performance.now() - begin);
  }
  const elapsed = (performance.now() - started) / 1000;
  knowledgeBase.close();
  return { queries: latencies.length, qps: latencies.length / elapsed, p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99) };
}

async function runPhase(name: string, clients: number, seconds: number, settings: Record<string, string>, routes: Route[]): Promise<PhaseResult> {
  const server = await startServerProcess(settings);
  const samples: Sample[] = [];
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      let turn = client;
      while (performance.now() < deadline) {
        const route = routes[turn++ % routes.length]!;
        const question = questions[next++ % questions.length]!;
        const sample = await request(server.url, route, question);
        samples.push(sample);
        const wait = sample.retryAfterSeconds;
        if (wait !== undefined) await new Promise((resolve) => setTimeout(resolve, Math.min(wait * 1000, Math.max(0, deadline - performance.now()))));
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const peakRss = await stopServerProcess(server);
  const byRoute: PhaseResult['byRoute'] = {};
  for (const route of routes) {
    const mine = samples.filter((sample) => sample.route === route);
    const statuses: Record<string, number> = {};
    for (const sample of mine) statuses[String(sample.status)] = (statuses[String(sample.status)] ?? 0) + 1;
    const latencies = mine.map((sample) => sample.milliseconds);
    byRoute[route] = { requests: mine.length, qps: mine.length / elapsed, p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99), statuses };
  }
  const result: PhaseResult = {
    name,
    clients,
    seconds,
    serverSettings: settings,
    requests: samples.length,
    qps: samples.length / elapsed,
    errors: samples.filter((sample) => sample.status !== 200).length,
    byRoute,
    serverPeakRssMegabytes: peakRss,
    loadAverageAfter: loadavg()[0]!,
    failuresSentAtSeconds: samples.filter((sample) => typeof sample.status !== 'number').map((sample) => Math.round((sample.sentAtMs - started) / 100) / 10),
  };
  console.error(`${name}: ${result.requests} requests, ${result.qps.toFixed(1)} QPS, non-200: ${result.errors}, ${JSON.stringify(Object.fromEntries(Object.entries(byRoute).map(([route, summary]) => [route, summary.statuses])))}`);
  return result;
}

async function request(url: string, route: Route, question: string): Promise<Sample> {
  const begin = performance.now();
  const sentAtMs = Math.round(begin);
  const [path, body] =
    route === 'search'
      ? [`/api/knowledge-bases/${KNOWLEDGE_BASE}/search`, { query: question, k: 5 }]
      : route === 'ask'
        ? [`/api/knowledge-bases/${KNOWLEDGE_BASE}/ask`, { question }]
        : ['/v1/chat/completions', { model: `kb:${KNOWLEDGE_BASE}`, stream: true, messages: [{ role: 'user', content: question }] }];
  try {
    const response = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const text = await response.text();
    // A 200 stream that broke off is not a success.
    const status = route === 'chat-stream' && response.status === 200 && !text.trimEnd().endsWith('data: [DONE]') ? 599 : response.status;
    const retryAfter = response.headers.get('retry-after');
    return { route, status, milliseconds: performance.now() - begin, sentAtMs, ...(retryAfter === null ? {} : { retryAfterSeconds: Number(retryAfter) }) };
  } catch (error) {
    const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
    return { route, status: (error as Error).name === 'TimeoutError' ? 'timeout' : `network-error:${cause?.code ?? cause?.message ?? (error as Error).message}`, milliseconds: performance.now() - begin, sentAtMs };
  }
}

interface ServerProcess {
  child: ChildProcess;
  url: string;
  rssFile: string;
}

async function startServerProcess(settings: Record<string, string>): Promise<ServerProcess> {
  const rssFile = join(home, `server-rss-${Date.now()}`);
  const set = Object.entries(settings).map(([key, value]) => `${key}=${value}`).join(',');
  const script = [
    `import { writeFileSync } from 'node:fs';`,
    `import { runCli } from ${JSON.stringify(join(REPOSITORY_ROOT, 'src/cli/main.ts'))};`,
    // The server's own peak RSS, reported when it exits after its drain.
    `process.on('exit', () => writeFileSync(process.env.HANGJIA_BENCH_RSS_FILE, String(process.resourceUsage().maxRSS)));`,
    `process.exitCode = await runCli(${JSON.stringify(['serve', '--port', '0', ...(set ? ['--set', set] : [])])});`,
  ].join('\n');
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: REPOSITORY_ROOT,
    env: { ...process.env, HANGJIA_HOME: home, HANGJIA_MODEL_PROVIDER: 'openai-compatible', HANGJIA_BASE_URL: model.baseURL, HANGJIA_MODEL: 'scripted-model', HANGJIA_BENCH_RSS_FILE: rssFile },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let stderr = '';
    child.stderr!.on('data', (data: Buffer) => {
      stderr += data.toString();
      const match = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (match) resolve(match[1]!);
    });
    child.on('exit', (code) => reject(new Error(`the server exited (${code}) before listening:\n${stderr}`)));
  });
  // Warm: load the index before the clock starts.
  await fetch(`${url}/api/knowledge-bases/${KNOWLEDGE_BASE}/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: questions[0], k: 5 }) });
  return { child, url, rssFile };
}

async function stopServerProcess(server: ServerProcess): Promise<number> {
  const exited = new Promise<number | null>((resolve) => server.child.on('exit', (code) => resolve(code)));
  server.child.kill('SIGTERM');
  const code = await exited;
  if (code !== 0) throw new Error(`the server exited with ${code} after SIGTERM; expected a clean drain (0)`);
  // maxRSS is in kilobytes.
  return Math.round(Number(readFileSync(server.rssFile, 'utf8')) / 1024);
}

function percentile(values: number[], fraction: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

function renderMarkdown(result: typeof output): string {
  const lines = [
    '# `hangjia serve` under load',
    '',
    `Generated by \`${result.command}\` at ${result.code.commit ?? 'unknown commit'} — do not edit by hand.`,
    '',
    `Machine: ${JSON.stringify(result.machine)}. ${result.note}`,
    '',
    `Knowledge base: ${result.knowledgeBase} (${result.questions} questions cycled). Model: the instant scripted OpenAI-compatible server.`,
    '',
    '## Search through HTTP vs in-process',
    '',
    '| | QPS | p50 ms | p99 ms |',
    '|---|---:|---:|---:|',
    `| in-process (library, one thread) | ${result.inProcessSearch.qps.toFixed(1)} | ${result.inProcessSearch.p50Ms.toFixed(2)} | ${result.inProcessSearch.p99Ms.toFixed(2)} |`,
    `| HTTP (${result.phases[0]!.clients} clients) | ${result.httpSearch.qps.toFixed(1)} | ${result.httpSearch.p50Ms.toFixed(2)} | ${result.httpSearch.p99Ms.toFixed(2)} |`,
    '',
    `HTTP QPS is ${(result.httpSearch.shareOfInProcessQps * 100).toFixed(0)} % of in-process (target ≥ 60 %); HTTP p50 ${result.httpSearch.p50Ms.toFixed(2)} ms (target ≤ 3 ms).`,
    '',
    '## Phases',
    '',
    '| phase | clients | s | route | requests | QPS | p50 ms | p99 ms | statuses | server peak RSS MB |',
    '|---|---:|---:|---|---:|---:|---:|---:|---|---:|',
  ];
  for (const phase of result.phases) {
    for (const [route, summary] of Object.entries(phase.byRoute)) {
      lines.push(
        `| ${phase.name} | ${phase.clients} | ${phase.seconds} | ${route} | ${summary.requests} | ${summary.qps.toFixed(1)} | ${summary.p50Ms.toFixed(1)} | ${summary.p99Ms.toFixed(1)} | ${Object.entries(summary.statuses).map(([status, count]) => `${status}: ${count}`).join(', ')} | ${phase.serverPeakRssMegabytes} |`,
      );
    }
  }
  lines.push('', `Targets: ${Object.entries(result.targets).map(([target, met]) => `${target} ${met ? 'met' : 'NOT met'}`).join('; ')}.`, '');
  return `${lines.join('\n')}\n`;
}
