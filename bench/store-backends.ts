/**
 * What the PostgreSQL store costs next to the SQLite default, on one machine:
 *
 *   npx tsx bench/store-backends.ts --url postgres://postgres@127.0.0.1:5432/bench [--rounds 3]
 *
 * A generated corpus (400 Markdown files and a 4,000-row csv written in row batches of 1,000) is
 * synced into a fresh store of each kind, in an order that alternates per round; then, on each,
 * the full chunk read the index builder does (`iterateChunks`), 500 `chunksByIds` calls of 10
 * random ids (what a search's hits cost) and 500 `counts()` calls. Reported per store: the median
 * and raw rounds of sync and full read, and per-call p50/p99 over every call of every round.
 * PostgreSQL runs in a schema of its own, dropped at the end. Writes
 * bench/results/store-backends.json and the generated bench/results/store-backends.md.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { KnowledgeBaseStore } from '../src/knowledge-base/index.js';
import { openKnowledgeBaseStore, type StoreLocation } from '../src/knowledge-base/store/open-store.js';
import { syncSourceFiles } from '../src/knowledge-base/sync-knowledge-base.js';
import { storeSyncOptions } from '../test/support/store-sync-options.js';
import { describeCodeVersion, describeMachine } from './machine-info.js';
import { REPOSITORY_ROOT } from './retrieval-config.js';

const { values: flags } = parseArgs({ options: { url: { type: 'string' }, rounds: { type: 'string', default: '3' } } });
const url = flags.url ?? process.env['HANGJIA_TEST_STORE_URL'];
if (url === undefined) throw new Error('Give --url postgres://… (or set HANGJIA_TEST_STORE_URL): a PostgreSQL this benchmark may create a schema in.');
const rounds = Number(flags.rounds);
const CALLS = 500;
const RESULTS = join(REPOSITORY_ROOT, 'bench', 'results');
const schema = `bench_store_${process.pid}`;
const storeUrl = `${url}${url.includes('?') ? '&' : '?'}schema=${schema}`;

const work = mkdtempSync(join(tmpdir(), 'hangjia-store-bench-'));
const source = join(work, 'source');
for (let number = 0; number < 400; number += 1) {
  mkdirSync(join(source, `folder-${number % 8}`), { recursive: true });
  const body = Array.from({ length: 6 }, (_, paragraph) => `## 第${paragraph + 1}节\n\n${`第${number}号制度第${paragraph + 1}节：关于试用期、年假、加班和报销的规定，适用于全体员工。`.repeat(12)}`).join('\n\n');
  writeFileSync(join(source, `folder-${number % 8}`, `policy-${number}.md`), `# 制度 ${number}\n\n${body}\n`);
}
writeFileSync(join(source, 'rows.csv'), `id,text\n${Array.from({ length: 4000 }, (_, row) => `r${row},第${row}行：客户询问发票、保修和退货的处理方式。`).join('\n')}\n`);

type Kind = 'sqlite' | 'postgres';
const samples: Record<Kind, { syncMs: number[]; readMs: number[]; chunksByIdsMs: number[]; countsMs: number[]; chunks: number }> = {
  sqlite: { syncMs: [], readMs: [], chunksByIdsMs: [], countsMs: [], chunks: 0 },
  postgres: { syncMs: [], readMs: [], chunksByIdsMs: [], countsMs: [], chunks: 0 },
};

function locate(kind: Kind, round: number): StoreLocation {
  return kind === 'sqlite' ? { kind, file: join(work, `round-${round}.sqlite`) } : { kind, url: storeUrl, knowledgeBase: `round-${round}` };
}

async function measure(kind: Kind, round: number): Promise<void> {
  const store: KnowledgeBaseStore = openKnowledgeBaseStore(locate(kind, round), { create: true });
  const sample = samples[kind];
  let started = performance.now();
  // As `KnowledgeBase.sync` runs it: inside an ingest run.
  const run = store.startRun();
  await syncSourceFiles(store, { ...storeSyncOptions(source), rowBatchSize: 1000 });
  store.finishRun(run, 'completed', {});
  sample.syncMs.push(performance.now() - started);
  started = performance.now();
  const ids = [...store.iterateChunks()].map((stored) => stored.chunk.id);
  sample.readMs.push(performance.now() - started);
  sample.chunks = ids.length;
  for (let call = 0; call < CALLS; call += 1) {
    const wanted = Array.from({ length: 10 }, (_, index) => ids[(call * 7919 + index * 104_729) % ids.length]!);
    started = performance.now();
    store.chunksByIds(wanted);
    sample.chunksByIdsMs.push(performance.now() - started);
    started = performance.now();
    store.counts();
    sample.countsMs.push(performance.now() - started);
  }
  store.close();
}

const order: Kind[][] = [];
try {
  for (let round = 0; round < rounds; round += 1) {
    const kinds: Kind[] = round % 2 === 0 ? ['sqlite', 'postgres'] : ['postgres', 'sqlite'];
    order.push(kinds);
    for (const kind of kinds) await measure(kind, round);
    process.stderr.write(`round ${round + 1}/${rounds} done\n`);
  }
} finally {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
  rmSync(work, { recursive: true, force: true });
}

const percentile = (values: number[], share: number): number => {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))]!;
};
const round2 = (value: number): number => Math.round(value * 100) / 100;
const summary = Object.fromEntries(
  (Object.keys(samples) as Kind[]).map((kind) => {
    const sample = samples[kind];
    return [
      kind,
      {
        chunks: sample.chunks,
        syncMsMedian: round2(percentile(sample.syncMs, 0.5)),
        syncMsRounds: sample.syncMs.map(round2),
        fullReadMsMedian: round2(percentile(sample.readMs, 0.5)),
        fullReadMsRounds: sample.readMs.map(round2),
        chunksByIdsMs: { p50: round2(percentile(sample.chunksByIdsMs, 0.5)), p99: round2(percentile(sample.chunksByIdsMs, 0.99)) },
        countsMs: { p50: round2(percentile(sample.countsMs, 0.5)), p99: round2(percentile(sample.countsMs, 0.99)) },
      },
    ];
  }),
);

const command = `npx tsx bench/store-backends.ts --url ${new URL(url).protocol}//…@${new URL(url).host}${new URL(url).pathname} --rounds ${rounds}`;
const output = { command, corpus: '400 generated Markdown files + a 4,000-row csv (row batches of 1,000)', rounds, order, code: describeCodeVersion(), machine: describeMachine(), summary };
mkdirSync(RESULTS, { recursive: true });
writeFileSync(join(RESULTS, 'store-backends.json'), `${JSON.stringify(output, null, 2)}\n`);

const rows = (Object.keys(summary) as Kind[]).map((kind) => {
  const result = summary[kind]!;
  return `| ${kind} | ${result.chunks} | ${result.syncMsMedian} (${result.syncMsRounds.join(', ')}) | ${result.fullReadMsMedian} (${result.fullReadMsRounds.join(', ')}) | ${result.chunksByIdsMs.p50} / ${result.chunksByIdsMs.p99} | ${result.countsMs.p50} / ${result.countsMs.p99} |`;
});
const markdown = `<!-- Generated by bench/store-backends.ts; do not edit. -->
# SQLite and PostgreSQL stores

\`${command}\`

${output.corpus}; ${rounds} rounds, order alternating per round; code ${JSON.stringify(output.code)}.
PostgreSQL on loopback; its calls cross a worker thread (the synchronous bridge).

| store | chunks | sync ms, median (rounds) | full chunk read ms, median (rounds) | chunksByIds(10) ms p50 / p99 | counts() ms p50 / p99 |
| --- | ---: | ---: | ---: | ---: | ---: |
${rows.join('\n')}
`;
writeFileSync(join(RESULTS, 'store-backends.md'), markdown);
process.stdout.write(markdown);
