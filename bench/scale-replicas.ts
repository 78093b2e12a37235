/**
 * Replicas on one PostgreSQL (issue 18, item 5): 1, 2 and 3 `hangjia serve` processes on loopback
 * over one knowledge base of `--articles` stard-legal articles stored in PostgreSQL, sharing one
 * home (one machine). Per replica count, in the same run: search QPS and p50/p99 with
 * `--clients` clients spread round-robin over the replicas for `--seconds`; whether every replica
 * gives identical hits (ids and scores) for each of the first 50 stard-legal queries; and, from 2
 * replicas on, how long after an upload's job completes on one replica the last replica finds it.
 *
 *   HANGJIA_STORE_URL=postgres://user@127.0.0.1:5432/db npx tsx bench/scale-replicas.ts [--articles 2000] [--seconds 10] [--clients 8]
 *
 * Uses (and first empties) the schema `bench_replicas`. Writes bench/results/scale-replicas.json
 * and .md. Replicas run from sources (tsx), as `npm test` runs them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { runCli } from '../src/cli/main.js';
import { parseStoreUrl } from '../src/knowledge-base/store/store-url.js';
import { describeCodeVersion, describeMachine } from './machine-info.js';
import { REPOSITORY_ROOT } from './retrieval-config.js';

const { values: flags } = parseArgs({ options: { articles: { type: 'string', default: '2000' }, seconds: { type: 'string', default: '10' }, clients: { type: 'string', default: '8' } } });
const ARTICLES = Number(flags.articles);
const SECONDS = Number(flags.seconds);
const CLIENTS = Number(flags.clients);
const DATASET = join(REPOSITORY_ROOT, '..', 'shared', 'datasets', 'stard-legal');
const RESULTS = join(REPOSITORY_ROOT, 'bench', 'results');
const command = `HANGJIA_STORE_URL=postgres://… npx tsx bench/scale-replicas.ts ${process.argv.slice(2).join(' ')}`.trim();

const given = process.env['HANGJIA_STORE_URL'];
if (!given) throw new Error('Set HANGJIA_STORE_URL to a PostgreSQL database (the benchmark uses its schema bench_replicas).');
const url = new URL(given);
url.searchParams.set('schema', 'bench_replicas');
const storeUrl = url.toString();

interface Replica {
  url: string;
  child: ChildProcess;
}

async function startReplica(home: string): Promise<Replica> {
  const script = `import { runCli } from ${JSON.stringify(join(REPOSITORY_ROOT, 'src/cli/main.ts'))}; process.exitCode = await runCli(['serve', '--port', '0']);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPOSITORY_ROOT, env: { ...process.env, HANGJIA_HOME: home, HANGJIA_STORE_URL: storeUrl, HANGJIA_MODEL_PROVIDER: 'none' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const listening = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (data: Buffer) => {
      stderr += data.toString();
      const match = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (match) resolve(match[1]!);
    });
    child.on('exit', () => reject(new Error(`hangjia serve exited:\n${stderr}`)));
  });
  return { url: listening, child };
}

async function search(replica: Replica, query: string): Promise<Array<{ chunkId: string; score: number; documentTitle: string }>> {
  const response = await fetch(`${replica.url}/api/knowledge-bases/stard-legal/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, k: 5 }) });
  if (response.status !== 200) throw new Error(`search answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { hits: Array<{ chunkId: string; score: number; documentTitle: string }> }).hits;
}

function percentile(sorted: number[], share: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))]!;
}

async function load(replicas: Replica[], queries: string[]): Promise<{ requests: number; qps: number; p50Ms: number; p99Ms: number }> {
  const latencies: number[] = [];
  const deadline = performance.now() + SECONDS * 1000;
  let next = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      while (performance.now() < deadline) {
        const turn = next++;
        const started = performance.now();
        await search(replicas[(client + turn) % replicas.length]!, queries[turn % queries.length]!);
        latencies.push(performance.now() - started);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return { requests: latencies.length, qps: Math.round((latencies.length / SECONDS) * 10) / 10, p50Ms: Math.round(percentile(latencies, 0.5) * 10) / 10, p99Ms: Math.round(percentile(latencies, 0.99) * 10) / 10 };
}

async function propagation(replicas: Replica[], marker: string): Promise<number> {
  const form = new FormData();
  form.append('files', new Blob([`# ${marker}\n\n${marker}条：本条为基准测试上传的条文。\n`]), `${marker}.md`);
  const { job } = (await (await fetch(`${replicas[0]!.url}/api/knowledge-bases/stard-legal/documents`, { method: 'POST', body: form })).json()) as { job: { id: string } };
  for (;;) {
    const state = (await (await fetch(`${replicas[0]!.url}/api/jobs/${job.id}`)).json()) as { status: string };
    if (state.status === 'failed') throw new Error(`upload job failed: ${JSON.stringify(state)}`);
    if (state.status === 'completed') break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const completed = performance.now();
  const last = replicas.at(-1)!;
  while (!(await search(last, marker)).some((hit) => hit.documentTitle === marker)) await new Promise((resolve) => setTimeout(resolve, 20));
  return Math.round(performance.now() - completed);
}

const target = parseStoreUrl(storeUrl);
const admin = new pg.Client({ connectionString: target.connectionString });
await admin.connect();
await admin.query('DROP SCHEMA IF EXISTS bench_replicas CASCADE');
await admin.end();

const home = mkdtempSync(join(tmpdir(), 'hangjia-scale-replicas-'));
const corpus = join(home, 'stard-legal.jsonl');
writeFileSync(corpus, readFileSync(join(DATASET, 'corpus.jsonl'), 'utf8').split('\n').filter(Boolean).slice(0, ARTICLES).join('\n') + '\n');
const queries = readFileSync(join(DATASET, 'queries.jsonl'), 'utf8').split('\n').filter(Boolean).slice(0, 50).map((line) => (JSON.parse(line) as { text: string }).text);
const createStarted = performance.now();
const created = await runCli(['kb', 'create', 'stard-legal', corpus, '--quiet'], { env: { ...process.env, HANGJIA_HOME: home, HANGJIA_STORE_URL: storeUrl, HANGJIA_MODEL_PROVIDER: 'none' }, cwd: REPOSITORY_ROOT, streams: { stdout: { write: () => true }, stderr: process.stderr } });
if (created !== 0) throw new Error(`kb create exited ${created}`);
const createSeconds = Math.round((performance.now() - createStarted) / 100) / 10;

const rows: Array<{ replicas: number; qps: number; p50Ms: number; p99Ms: number; requests: number; identicalQueries: number; propagationMs: number | null }> = [];
const replicas: Replica[] = [];
try {
  for (const count of [1, 2, 3]) {
    while (replicas.length < count) replicas.push(await startReplica(home));
    for (const replica of replicas) await search(replica, queries[0]!);
    const propagationMs = count > 1 ? await propagation(replicas, `基准上传${count}`) : null;
    let identicalQueries = 0;
    for (const query of queries) {
      const answers = await Promise.all(replicas.map((replica) => search(replica, query)));
      if (answers.every((answer) => JSON.stringify(answer) === JSON.stringify(answers[0]))) identicalQueries += 1;
    }
    const measured = await load(replicas, queries);
    rows.push({ replicas: count, ...measured, identicalQueries, propagationMs });
    process.stderr.write(`${count} replica(s): ${JSON.stringify(rows.at(-1))}\n`);
  }
} finally {
  for (const replica of replicas) replica.child.kill('SIGTERM');
  rmSync(home, { recursive: true, force: true });
}

const result = { command, machine: describeMachine(), code: describeCodeVersion(), loadAverageAtEnd: loadavg(), articles: ARTICLES, createSeconds, seconds: SECONDS, clients: CLIENTS, queries: queries.length, rows };
writeFileSync(join(RESULTS, 'scale-replicas.json'), `${JSON.stringify(result, null, 2)}\n`);
const table = rows.map((row) => `| ${row.replicas} | ${row.qps} | ${row.p50Ms} | ${row.p99Ms} | ${row.identicalQueries}/${queries.length} | ${row.propagationMs ?? '—'} |`).join('\n');
writeFileSync(
  join(RESULTS, 'scale-replicas.md'),
  `# Replicas on one PostgreSQL\n\n\`${command}\`\n\n${ARTICLES} stard-legal articles in PostgreSQL (kb create: ${createSeconds} s); ${CLIENTS} search clients for ${SECONDS} s per row, round-robin over the replicas, all on one machine (${result.machine.cpuModel}, ${result.machine.cores} cores; load average at the end ${loadavg().map((value) => value.toFixed(1)).join(' ')}). Identical: queries (of ${queries.length}) whose hits — ids and scores — are the same on every replica. Propagation: ms from an upload's job showing completed on the first replica until the last replica finds the document.\n\n| replicas | QPS | p50 ms | p99 ms | identical | propagation ms |\n|---|---|---|---|---|---|\n${table}\n\nAll replicas share this machine's cores: more replicas than free cores cannot add QPS here (docs/scaling.md, "Sizing rules").\n`,
);
