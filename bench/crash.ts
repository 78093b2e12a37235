/**
 * Crash suite (issue 17): SIGKILL at random moments across `kb create`, `kb sync`, `kb reindex`,
 * `data generate` and `eval exam`, each against a scripted OpenAI-compatible server on 127.0.0.1
 * (embeddings and chat). After every kill the same work is resumed (`kb sync` for an interrupted
 * create, the same command otherwise) and checked:
 *
 * - corrupt: SQLite `integrity_check` or `foreign_key_check` fails, after the kill or after the
 *   resume; a job state or run file that does not parse;
 * - lost: after the resume, documents, chunks, embeddings, generated items or exam answers differ
 *   from a clean run's (exact ids and counts);
 * - search: the top 10 (chunk id and score) of 8 stard-legal questions differ from a clean build's;
 * - asked twice: after the kill, a request for an item whose result the killed run had already
 *   stored (a chunk text with a stored embedding, a chunk with items in the output, an exam
 *   question with a saved answer) — counted at the scripted server. An item
 *   in flight at the kill is asked again by design: its answer was never stored;
 * - failed resumes and "Unexpected error" traces.
 *
 * Kill moments are uniform over each command's clean duration, measured first in the same kind of
 * process. The corpus is sampled from ../shared/datasets/stard-legal (one jsonl file of `--rows`
 * articles, committed in batches, plus `--files` articles as markdown files); `kb sync` goes from
 * that corpus to a second version (rows changed and added, files changed, added and removed).
 *
 *   npx tsx bench/crash.ts                       # 100 kills, seed 17; writes bench/results/crash.{json,md}
 *   npx tsx bench/crash.ts --kills 10 --no-write # a quick look
 *   npx tsx bench/crash.ts --kills 6 --scenarios 'data generate' --no-write
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { loadConfig } from '../src/config/index.js';
import { contentHash } from '../src/documents/index.js';
import { createKeyLookup, chatReply, lastUserMessage } from '../src/eval/exam/__fixtures__/scripted-examinee.js';
import { readExam, type ExamItem } from '../src/eval/index.js';
import { openKnowledgeBase } from '../src/knowledge-base/index.js';
import { createDefaultComponents } from '../src/presets/index.js';
import { createSeededRandom } from '../src/support/index.js';
import { runCliCaptured, type CliRun } from '../test/support/run-cli.js';
import { startScriptedOpenAIServer, type RecordedRequest } from '../test/support/scripted-openai-server.js';
import { describeCodeVersion, describeMachine } from './machine-info.js';
import { REPOSITORY_ROOT } from './retrieval-config.js';

const { values: flags } = parseArgs({
  options: {
    kills: { type: 'string', default: '100' },
    seed: { type: 'string', default: '17' },
    rows: { type: 'string', default: '1100' },
    files: { type: 'string', default: '30' },
    'generate-chunks': { type: 'string', default: '15' },
    'exam-items': { type: 'string', default: '40' },
    scenarios: { type: 'string' },
    'no-write': { type: 'boolean', default: false },
  },
});
const KILLS = Number(flags.kills);
const SEED = Number(flags.seed);
const ROWS = Number(flags.rows);
const FILES = Number(flags.files);
const GENERATE_CHUNKS = Number(flags['generate-chunks']);
const EXAM_ITEMS = Number(flags['exam-items']);
const PER_CHUNK = 3;
const DATASETS = path.resolve(REPOSITORY_ROOT, '../shared/datasets');
const STARD = path.join(DATASETS, 'stard-legal');
const CMMLU = path.join(DATASETS, 'exams/cmmlu/test.jsonl');
const KB = 'law';
const QUERY_COUNT = 8;
const SCENARIOS = ['kb create', 'kb sync', 'kb reindex', 'data generate', 'eval exam'] as const;
type ScenarioName = (typeof SCENARIOS)[number];

if (!fs.existsSync(STARD) || !fs.existsSync(CMMLU)) {
  console.error(`The crash suite samples ${STARD} and ${CMMLU}; they are missing.`);
  process.exit(2);
}

interface KillRecord {
  scenario: ScenarioName;
  round: number;
  delayMs: number;
  /** Whether the process was still running when the kill came (otherwise it had finished). */
  killed: boolean;
  /** The command's last progress line before the kill. */
  lastProgress: string;
  corrupt: string[];
  lost: string[];
  search: string[];
  askedTwice: number;
  /** Items asked again that were in flight at the kill (allowed). */
  inFlightAskedAgain: number;
  resumeExit: number;
  unexpected: boolean;
  resumeMs: number;
}

const random = createSeededRandom(SEED);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hangjia-crash-'));
const started = performance.now();
// The code under test, taken before the run: edits made while it runs do not change what ran.
const codeVersion = describeCodeVersion();

// ---------------------------------------------------------------- corpus, exam, server

function readJsonl<T>(file: string): T[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as T);
}
interface Article { id: string; title: string; text: string }
const articles = readJsonl<Article>(path.join(STARD, 'corpus.jsonl'));
// Every 7th article from a seeded offset: a spread over many laws, the same for every run.
const sample = articles.filter((_, index) => index % 7 === 3).slice(0, ROWS + FILES + 600);
const rowArticles = sample.slice(0, ROWS);
const fileArticles = sample.slice(ROWS, ROWS + FILES);
const extraArticles = sample.slice(ROWS + FILES);

function writeCorpus(directory: string, rows: Article[], files: Article[]): void {
  fs.rmSync(directory, { recursive: true, force: true });
  fs.mkdirSync(path.join(directory, 'articles'), { recursive: true });
  fs.writeFileSync(path.join(directory, 'laws.jsonl'), rows.map((row) => JSON.stringify(row)).join('\n') + '\n');
  for (const article of files) fs.writeFileSync(path.join(directory, 'articles', `${article.id}.md`), `# ${article.title}\n\n${article.text}`);
}
const corpusV1 = path.join(work, 'corpus-v1');
writeCorpus(corpusV1, rowArticles, fileArticles);
// Version 2: every 10th row reworded and 500 rows added; 20 files removed, 20 reworded, 30 added.
const rowsV2 = [...rowArticles.map((row, index) => (index % 10 === 0 ? { ...row, text: `${row.text}（修订）` } : row)), ...extraArticles.slice(0, 500)];
const filesV2 = [...fileArticles.slice(20).map((article, index) => (index % 9 === 0 ? { ...article, text: `${article.text}（修订）` } : article)), ...extraArticles.slice(500, 530)];
const corpusV2 = path.join(work, 'corpus-v2');
writeCorpus(corpusV2, rowsV2, filesV2);
const syncCorpus = path.join(work, 'sync-corpus');
writeCorpus(syncCorpus, rowArticles, fileArticles);

const examFile = path.join(work, 'exam.jsonl');
const examLines = fs.readFileSync(CMMLU, 'utf8').split('\n').filter((line) => line.trim() !== '').slice(0, EXAM_ITEMS);
fs.writeFileSync(examFile, `${examLines.join('\n')}\n`);
const examItems: ExamItem[] = readExam(examFile).items;
const findExamItem = createKeyLookup(examItems);
const queries = readJsonl<{ id: string; text: string }>(path.join(STARD, 'queries.jsonl')).slice(0, QUERY_COUNT).map((query) => query.text);

const server = await startScriptedOpenAIServer({ embeddingDimensions: 16 });
/** Chunk text → chunk id, for telling which chunk a generation request is about. */
let generationChunks = new Map<string, string>();
const chatStep = (request: RecordedRequest) => {
  const prompt = lastUserMessage(request);
  const exam = findExamItem(prompt);
  if (exam) return { ...chatReply(`答案：${exam.letters.join('')}`), delayMs: 5 };
  const text = [...generationChunks.keys()].find((chunkText) => prompt.includes(chunkText)) ?? prompt.slice(0, 40);
  const items = Array.from({ length: PER_CHUNK }, (_, index) => ({ question: `${text.slice(0, 16)}——第${index + 1}问是什么？`, answer: text.slice(0, 60) }));
  return { ...chatReply(JSON.stringify({ items })), delayMs: 5 };
};
// One queued step per request (the server falls back to echo when its queue runs dry); spread in slices, as a call takes only so many arguments.
for (let queued = 0; queued < 200_000; queued += 10_000) server.enqueue('/v1/chat/completions', ...Array.from({ length: 10_000 }, () => chatStep));
const env = {
  HANGJIA_EMBEDDING_PROVIDER: 'openai-compatible',
  HANGJIA_EMBEDDING_BASE_URL: server.baseURL,
  HANGJIA_EMBEDDING_MODEL: 'scripted-embedding',
  HANGJIA_MODEL_PROVIDER: 'openai-compatible',
  HANGJIA_BASE_URL: server.baseURL,
  HANGJIA_MODEL: 'scripted-model',
};
const config = loadConfig({ env, flags: { home: work } }).config;

// ---------------------------------------------------------------- worker processes

type Worker = ChildProcessByStdio<Writable, Readable, Readable> & { ready: Promise<void>; exited: Promise<number | null>; stderrText: () => string };

function startWorker(): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPOSITORY_ROOT, 'bench/crash-worker.ts')], {
    cwd: REPOSITORY_ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  }) as Worker;
  let stderr = '';
  child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
  child.stderrText = () => stderr;
  child.ready = new Promise((resolve) => child.stdout.once('data', () => resolve()));
  child.stdout.resume();
  child.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  return child;
}

let nextWorker = startWorker();
/** Runs `args` in a warm process; kills it after `killAfterMs` unless it finished. */
async function runInWorker(args: string[], killAfterMs?: number): Promise<{ killed: boolean; code: number | null; ms: number; stderr: string }> {
  const worker = nextWorker;
  await worker.ready;
  nextWorker = startWorker();
  const begun = performance.now();
  worker.stdin.write(`${JSON.stringify({ args, env })}\n`);
  let killed = false;
  let timer: NodeJS.Timeout | undefined;
  if (killAfterMs !== undefined) {
    timer = setTimeout(() => {
      if (worker.exitCode === null && worker.signalCode === null) {
        killed = true;
        worker.kill('SIGKILL');
      }
    }, killAfterMs);
  }
  const code = await worker.exited;
  clearTimeout(timer);
  return { killed, code, ms: performance.now() - begun, stderr: worker.stderrText() };
}

// ---------------------------------------------------------------- checks

interface StoreSnapshot {
  documents: Map<string, string>;
  chunks: Map<string, string>;
  embeddings: Set<string>;
  sourceFiles: number;
  partialFiles: number;
}

/** Integrity problems of a knowledge base's SQLite file (none: []), and what it holds. */
function inspectStore(home: string): { problems: string[]; snapshot?: StoreSnapshot } {
  const file = path.join(home, 'kb', KB, 'kb.sqlite');
  if (!fs.existsSync(file)) return { problems: [] };
  let database: Database.Database | undefined;
  try {
    database = new Database(file, { readonly: true });
    const integrity = (database.pragma('integrity_check') as Array<{ integrity_check: string }>).map((row) => row.integrity_check);
    const problems = integrity.join() === 'ok' ? [] : [`integrity_check: ${integrity.slice(0, 3).join('; ')}`];
    const foreignKeys = database.pragma('foreign_key_check') as unknown[];
    if (foreignKeys.length > 0) problems.push(`foreign_key_check: ${foreignKeys.length} rows`);
    const pairs = (sql: string) => new Map((database!.prepare(sql).raw().all() as Array<[string, string]>).map(([key, value]) => [key, value]));
    const hasPartial = database.prepare("SELECT 1 FROM sqlite_master WHERE name = 'partial_files'").get() !== undefined;
    return {
      problems,
      snapshot: {
        documents: pairs('SELECT id, content_hash FROM documents'),
        chunks: pairs('SELECT id, text_hash FROM chunks'),
        embeddings: new Set((database.prepare('SELECT text_hash FROM embeddings').pluck().all() as string[])),
        sourceFiles: Number(database.prepare("SELECT COUNT(*) FROM source_files WHERE status = 'indexed'").pluck().get()),
        partialFiles: hasPartial ? Number(database.prepare('SELECT COUNT(*) FROM partial_files').pluck().get()) : 0,
      },
    };
  } catch (error) {
    return { problems: [`unreadable: ${(error as Error).message}`] };
  } finally {
    database?.close();
  }
}

function compareStores(actual: StoreSnapshot | undefined, expected: StoreSnapshot): string[] {
  if (!actual) return ['no knowledge base after the resume'];
  const problems: string[] = [];
  const differ = (what: string, left: Map<string, string> | Set<string>, right: Map<string, string> | Set<string>) => {
    const missing = [...right.keys()].filter((key) => !left.has(key) || (right instanceof Map && (left as Map<string, string>).get(key) !== right.get(key)));
    const extra = [...left.keys()].filter((key) => !right.has(key));
    if (missing.length + extra.length > 0) problems.push(`${what}: ${missing.length} missing or changed, ${extra.length} extra`);
  };
  differ('documents', actual.documents, expected.documents);
  differ('chunks', actual.chunks, expected.chunks);
  differ('embeddings', actual.embeddings, expected.embeddings);
  if (actual.sourceFiles !== expected.sourceFiles) problems.push(`source files ${actual.sourceFiles}, expected ${expected.sourceFiles}`);
  if (actual.partialFiles !== 0) problems.push(`${actual.partialFiles} files still partly ingested`);
  return problems;
}

async function searchResults(home: string): Promise<string[]> {
  const kb = openKnowledgeBase({ home, name: KB }, createDefaultComponents({ ...config, home }));
  try {
    const lines: string[] = [];
    for (const query of queries) {
      const { hits, mode } = await kb.search(query, { k: 10 });
      lines.push(`${mode} ${hits.map((hit) => `${hit.chunk.id}:${hit.score}`).join(' ')}`);
    }
    return lines;
  } finally {
    kb.close();
  }
}

function compareSearch(actual: string[], expected: string[]): string[] {
  return actual.flatMap((line, index) => (line === expected[index] ? [] : [`query ${index + 1}: results differ from a clean build`]));
}

function embeddingInputs(request: RecordedRequest): string[] {
  const input = (request.body as { input?: unknown }).input;
  return typeof input === 'string' ? [input] : Array.isArray(input) ? (input as string[]) : [];
}

/** Embedding requests since `from` for texts that were stored (asked twice), or not (in flight). */
function embeddingReasks(from: number, until: number, stored: Set<string>, before: Set<string>): { twice: number; inFlight: number } {
  let twice = 0;
  let inFlight = 0;
  for (const request of server.requests.slice(from, until)) {
    if (request.path !== '/v1/embeddings') continue;
    for (const text of embeddingInputs(request)) {
      const hash = contentHash(text);
      if (stored.has(hash)) twice += 1;
      else if (before.has(hash)) inFlight += 1;
    }
  }
  return { twice, inFlight };
}

function requestedEmbeddingHashes(from: number, until: number): Set<string> {
  return new Set(server.requests.slice(from, until).filter((request) => request.path === '/v1/embeddings').flatMap(embeddingInputs).map((text) => contentHash(text)));
}

function chatKeys(from: number, until: number, keyOf: (prompt: string) => string | undefined): string[] {
  return server.requests.slice(from, until).filter((request) => request.path === '/v1/chat/completions').flatMap((request) => {
    const key = keyOf(lastUserMessage(request));
    return key === undefined ? [] : [key];
  });
}

function generationKey(prompt: string): string | undefined {
  let best: [string, string] | undefined;
  for (const [text, id] of generationChunks) if (prompt.includes(text) && (best === undefined || text.length > best[0].length)) best = [text, id];
  return best?.[1];
}

const examKey = (prompt: string): string | undefined => findExamItem(prompt)?.item.id;

function readLines(file: string): string[] {
  if (!fs.existsSync(file)) return [];
  const text = fs.readFileSync(file, 'utf8');
  return text.slice(0, text.lastIndexOf('\n') + 1).split('\n').filter((line) => line !== '');
}

/**
 * Chunks whose items are in the output (whole lines): what a resume must not ask for again — the
 * model's answer for them was saved. The job's own done list (state plus journal) may lag behind
 * the output; a chunk it misses is asked again, and counted here as asked twice.
 */
function generatedChunksOnDisk(output: string): { stored: Set<string>; problems: string[] } {
  const problems: string[] = [];
  const stateFile = `${output}.state.json`;
  if (fs.existsSync(stateFile)) {
    try {
      JSON.parse(fs.readFileSync(stateFile, 'utf8'));
    } catch (error) {
      problems.push(`state file unreadable: ${(error as Error).message}`);
    }
  }
  const inOutput = new Set<string>();
  for (const line of readLines(output)) {
    try {
      inOutput.add((JSON.parse(line) as { chunkIds: string[] }).chunkIds[0]!);
    } catch {
      // A line cut short: the resume drops it.
    }
  }
  return { stored: inOutput, problems };
}

// ---------------------------------------------------------------- scenarios

interface Prepared {
  args: string[];
  /** What the killed command leaves: problems, and what it had stored. */
  afterKill(): { problems: string[]; storedKeys: Set<string>; storedEmbeddings: Set<string> };
  resume(): Promise<CliRun>;
  check(): Promise<{ corrupt: string[]; lost: string[]; search: string[] }>;
  /** Chat items (chunk or question ids) named by requests, and how to tell them. */
  chatKey?: (prompt: string) => string | undefined;
}

const reference = { v1: path.join(work, 'reference-v1'), v2: path.join(work, 'reference-v2'), syncBase: path.join(work, 'sync-base') };
let expectedV1: StoreSnapshot;
let expectedV2: StoreSnapshot;
let searchV1: string[];
let searchV2: string[];
let expectedGeneration: Map<string, number>;

function kbChecks(home: string, expected: () => StoreSnapshot, expectedSearch: () => string[]): Prepared['check'] {
  return async () => {
    const { problems, snapshot } = inspectStore(home);
    const lost = problems.length > 0 ? [] : compareStores(snapshot, expected());
    const search = problems.length > 0 || lost.length > 0 ? [] : compareSearch(await searchResults(home), expectedSearch());
    return { corrupt: problems, lost, search };
  };
}

function kbAfterKill(home: string): ReturnType<Prepared['afterKill']> {
  const { problems, snapshot } = inspectStore(home);
  return { problems, storedKeys: new Set(), storedEmbeddings: snapshot?.embeddings ?? new Set() };
}

let iteration = 0;
function prepare(scenario: ScenarioName): Prepared {
  const directory = path.join(work, `round-${++iteration}`);
  const home = path.join(directory, 'home');
  fs.mkdirSync(directory, { recursive: true });
  switch (scenario) {
    case 'kb create': {
      const args = ['kb', 'create', KB, corpusV1, '--home', home];
      return {
        args,
        afterKill: () => kbAfterKill(home),
        // An interrupted create is finished by kb sync (its settings are stored); one killed before it stored them is run again.
        resume: () => runCliCaptured(fs.existsSync(path.join(home, 'kb', KB, 'kb.sqlite')) ? ['kb', 'sync', KB, '--home', home] : args, { home, env }),
        check: kbChecks(home, () => expectedV1, () => searchV1),
      };
    }
    case 'kb sync': {
      fs.cpSync(reference.syncBase, home, { recursive: true });
      const args = ['kb', 'sync', KB, '--home', home];
      return { args, afterKill: () => kbAfterKill(home), resume: () => runCliCaptured(args, { home, env }), check: kbChecks(home, () => expectedV2, () => searchV2) };
    }
    case 'kb reindex': {
      fs.cpSync(reference.v1, home, { recursive: true });
      const args = ['kb', 'reindex', KB, '--home', home];
      return { args, afterKill: () => kbAfterKill(home), resume: () => runCliCaptured(args, { home, env }), check: kbChecks(home, () => expectedV1, () => searchV1) };
    }
    case 'data generate': {
      fs.cpSync(reference.v1, home, { recursive: true });
      const output = path.join(directory, 'items.jsonl');
      const args = ['data', 'generate', KB, '--out', output, '--limit-chunks', String(GENERATE_CHUNKS), '--per-chunk', String(PER_CHUNK), '--home', home];
      return {
        args,
        chatKey: generationKey,
        afterKill: () => {
          const { stored, problems } = generatedChunksOnDisk(output);
          return { problems, storedKeys: stored, storedEmbeddings: new Set() };
        },
        resume: () => runCliCaptured(args, { home, env }),
        check: async () => {
          const corrupt: string[] = [];
          const lost: string[] = [];
          const perChunk = new Map<string, number>();
          const ids = new Set<string>();
          for (const line of readLines(output)) {
            let item: { id: string; chunkIds: string[] };
            try {
              item = JSON.parse(line) as { id: string; chunkIds: string[] };
            } catch {
              corrupt.push('an output line does not parse');
              continue;
            }
            if (ids.has(item.id)) lost.push(`item ${item.id} twice`);
            ids.add(item.id);
            perChunk.set(item.chunkIds[0]!, (perChunk.get(item.chunkIds[0]!) ?? 0) + 1);
          }
          for (const [chunkId, count] of expectedGeneration) if (perChunk.get(chunkId) !== count) lost.push(`chunk ${chunkId}: ${perChunk.get(chunkId) ?? 0} items, expected ${count}`);
          if (ids.size !== [...expectedGeneration.values()].reduce((sum, count) => sum + count, 0)) lost.push(`${ids.size} items in all`);
          corrupt.push(...generatedChunksOnDisk(output).problems);
          return { corrupt, lost: lost.slice(0, 5), search: [] };
        },
      };
    }
    case 'eval exam': {
      const runDirectory = path.join(directory, 'run');
      const args = ['eval', 'exam', examFile, '--run-dir', runDirectory, '--json', '--home', home];
      const answers = path.join(runDirectory, 'answers.jsonl');
      const answered = () => readLines(answers).flatMap((line) => {
        try {
          return [(JSON.parse(line) as { id: string }).id];
        } catch {
          return [];
        }
      });
      return {
        args,
        chatKey: examKey,
        afterKill: () => ({ problems: [], storedKeys: new Set(answered()), storedEmbeddings: new Set() }),
        resume: () => runCliCaptured(args, { home, env }),
        check: async () => {
          const corrupt: string[] = [];
          try {
            JSON.parse(fs.readFileSync(path.join(runDirectory, 'run.json'), 'utf8'));
          } catch (error) {
            corrupt.push(`run.json: ${(error as Error).message}`);
          }
          const ids = answered();
          const lost: string[] = [];
          if (new Set(ids).size !== ids.length) lost.push(`${ids.length - new Set(ids).size} questions answered twice in answers.jsonl`);
          const missing = examItems.filter((item) => !ids.includes(item.id));
          if (missing.length > 0) lost.push(`${missing.length} questions without an answer`);
          return { corrupt, lost, search: [] };
        },
      };
    }
  }
}

// ---------------------------------------------------------------- references and clean durations

async function mustRun(args: string[], home: string): Promise<void> {
  const run = await runCliCaptured(args, { home, env });
  if (run.code !== 0) throw new Error(`${args.join(' ')} failed (${run.code}):\n${run.stderr}`);
}

console.error(`Crash suite: ${KILLS} kills, seed ${SEED}; corpus ${ROWS} rows in one jsonl + ${FILES} markdown files (stard-legal sample); work folder ${work}`);
const durations: Record<ScenarioName, number> = { 'kb create': 0, 'kb sync': 0, 'kb reindex': 0, 'data generate': 0, 'eval exam': 0 };
{
  // kb create, clean, in a worker: its duration, and the reference for version 1.
  const clean = await runInWorker(['kb', 'create', KB, corpusV1, '--home', reference.v1]);
  if (clean.code !== 0) throw new Error(`clean kb create failed:\n${clean.stderr}`);
  durations['kb create'] = clean.ms;
  expectedV1 = inspectStore(reference.v1).snapshot!;
  searchV1 = await searchResults(reference.v1);
  await mustRun(['kb', 'create', KB, corpusV2, '--home', reference.v2], reference.v2);
  expectedV2 = inspectStore(reference.v2).snapshot!;
  searchV2 = await searchResults(reference.v2);
  // The sync scenario starts from version 1 ingested from sync-corpus, which then becomes version 2.
  await mustRun(['kb', 'create', KB, syncCorpus, '--home', reference.syncBase], reference.syncBase);
  writeCorpus(syncCorpus, rowsV2, filesV2);
  const kb = openKnowledgeBase({ home: reference.v1, name: KB }, createDefaultComponents({ ...config, home: reference.v1 }));
  generationChunks = new Map([...kb.store.iterateChunks()].slice(0, GENERATE_CHUNKS).map((stored) => [stored.chunk.text, stored.chunk.id]));
  kb.close();
  expectedGeneration = new Map([...generationChunks.values()].map((id) => [id, PER_CHUNK]));
  for (const scenario of SCENARIOS.slice(1)) {
    const prepared = prepare(scenario);
    const run = await runInWorker(prepared.args);
    const checked = await prepared.check();
    if (run.code !== 0 || checked.corrupt.length + checked.lost.length + checked.search.length > 0) {
      throw new Error(`clean ${scenario} is not clean (${run.code}): ${JSON.stringify(checked)}\n${run.stderr}`);
    }
    durations[scenario] = run.ms;
  }
  console.error(`clean durations (ms): ${JSON.stringify(Object.fromEntries(Object.entries(durations).map(([name, ms]) => [name, Math.round(ms)])))}`);
}

// ---------------------------------------------------------------- the kills

const records: KillRecord[] = [];
const killed = flags.scenarios === undefined ? [...SCENARIOS] : SCENARIOS.filter((scenario) => flags.scenarios!.split(',').map((name) => name.trim()).includes(scenario));
if (killed.length === 0) throw new Error(`--scenarios names none of ${SCENARIOS.join(', ')}`);
for (let round = 0; records.length < KILLS; round++) {
  const scenario = killed[round % killed.length]!;
  const prepared = prepare(scenario);
  const delayMs = Math.round(random() * durations[scenario] * 0.95);
  const requestsBefore = server.requests.length;
  const run = await runInWorker(prepared.args, delayMs);
  if (!run.killed) continue; // finished first (a slow moment on a busy machine): not a kill
  // Requests the dying process had fully sent are recorded by now.
  await new Promise((resolve) => setTimeout(resolve, 100));
  const killedAt = server.requests.length;
  const afterKill = prepared.afterKill();
  const resumeStarted = performance.now();
  let resume: CliRun;
  try {
    resume = await prepared.resume();
  } catch (error) {
    resume = { code: -1, stdout: '', stderr: `Unexpected error (a bug): ${(error as Error).stack ?? String(error)}` };
  }
  const resumeMs = performance.now() - resumeStarted;
  const resumedUntil = server.requests.length;
  let askedTwice = 0;
  let inFlightAskedAgain = 0;
  if (prepared.chatKey) {
    const before = new Set(chatKeys(requestsBefore, killedAt, prepared.chatKey));
    for (const key of chatKeys(killedAt, resumedUntil, prepared.chatKey)) {
      if (afterKill.storedKeys.has(key)) askedTwice += 1;
      else if (before.has(key)) inFlightAskedAgain += 1;
    }
  } else {
    const reasks = embeddingReasks(killedAt, resumedUntil, afterKill.storedEmbeddings, requestedEmbeddingHashes(requestsBefore, killedAt));
    askedTwice = reasks.twice;
    inFlightAskedAgain = reasks.inFlight;
  }
  const checked = resume.code === 0 ? await prepared.check() : { corrupt: [], lost: [], search: [] };
  const lastProgress = run.stderr.trim().split('\n').at(-1) ?? '';
  const record: KillRecord = {
    scenario,
    round,
    delayMs,
    killed: true,
    lastProgress: lastProgress.slice(0, 120),
    corrupt: [...afterKill.problems, ...checked.corrupt],
    lost: checked.lost,
    search: checked.search,
    askedTwice,
    inFlightAskedAgain,
    resumeExit: resume.code,
    unexpected: /Unexpected error/.test(resume.stderr),
    resumeMs: Math.round(resumeMs),
  };
  records.push(record);
  const bad = record.corrupt.length + record.lost.length + record.search.length + record.askedTwice > 0 || record.resumeExit !== 0;
  console.error(
    `kill ${String(records.length).padStart(3)}  ${scenario.padEnd(13)} at ${String(delayMs).padStart(5)} ms  [${record.lastProgress}]  ${bad ? `PROBLEM ${JSON.stringify({ corrupt: record.corrupt, lost: record.lost, search: record.search, askedTwice, exit: resume.code })}${resume.code !== 0 ? `\n${resume.stderr.slice(-800)}` : ''}` : 'ok'}`,
  );
  fs.rmSync(path.join(work, `round-${iteration}`), { recursive: true, force: true });
}
nextWorker.kill('SIGKILL');
await server.close();

// ---------------------------------------------------------------- results

const totals = {
  kills: records.length,
  corrupt: records.filter((record) => record.corrupt.length > 0).length,
  lost: records.filter((record) => record.lost.length > 0).length,
  searchDiffers: records.filter((record) => record.search.length > 0).length,
  askedTwice: records.reduce((sum, record) => sum + record.askedTwice, 0),
  inFlightAskedAgain: records.reduce((sum, record) => sum + record.inFlightAskedAgain, 0),
  failedResumes: records.filter((record) => record.resumeExit !== 0).length,
  unexpectedErrors: records.filter((record) => record.unexpected).length,
};
const perScenario = Object.fromEntries(
  SCENARIOS.map((scenario) => {
    const mine = records.filter((record) => record.scenario === scenario);
    return [scenario, {
      kills: mine.length,
      cleanMs: Math.round(durations[scenario]),
      corrupt: mine.filter((record) => record.corrupt.length > 0).length,
      lost: mine.filter((record) => record.lost.length > 0).length,
      searchDiffers: mine.filter((record) => record.search.length > 0).length,
      askedTwice: mine.reduce((sum, record) => sum + record.askedTwice, 0),
      inFlightAskedAgain: mine.reduce((sum, record) => sum + record.inFlightAskedAgain, 0),
      failedResumes: mine.filter((record) => record.resumeExit !== 0).length,
    }];
  }),
);
const seconds = Math.round((performance.now() - started) / 1000);
console.error(`\n${JSON.stringify(totals)} in ${seconds} s`);
fs.rmSync(work, { recursive: true, force: true });

if (!flags['no-write']) {
  const command = `npx tsx bench/crash.ts${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}`;
  const result = {
    command,
    code: codeVersion,
    machine: describeMachine(),
    date: new Date().toISOString(),
    seconds,
    settings: { kills: KILLS, seed: SEED, rows: ROWS, files: FILES, generateChunks: GENERATE_CHUNKS, perChunk: PER_CHUNK, examItems: EXAM_ITEMS, queries: QUERY_COUNT },
    totals,
    perScenario,
    kills: records,
  };
  const results = path.join(REPOSITORY_ROOT, 'bench/results');
  fs.writeFileSync(path.join(results, 'crash.json'), `${JSON.stringify(result, null, 2)}\n`);
  const rows = SCENARIOS.map((scenario) => {
    const row = perScenario[scenario]!;
    return `| ${scenario} | ${row.kills} | ${(row.cleanMs / 1000).toFixed(1)} | ${row.corrupt} | ${row.lost} | ${row.searchDiffers} | ${row.askedTwice} | ${row.inFlightAskedAgain} | ${row.failedResumes} |`;
  });
  fs.writeFileSync(
    path.join(results, 'crash.md'),
    [
      '# Crash suite',
      '',
      `Generated by \`${command}\` from crash.json (commit ${result.code.commit.slice(0, 12)}${result.code.dirty ? ', uncommitted changes' : ''}; ${result.machine.cores} × ${result.machine.cpuModel}; ${result.date}; ${seconds} s). How each column is checked: the header of bench/crash.ts.`,
      '',
      '| command | kills | clean run s | corrupt | lost | search differs | asked twice | in flight, asked again | failed resumes |',
      '|---|---|---|---|---|---|---|---|---|',
      ...rows,
      `| **all** | ${totals.kills} | | ${totals.corrupt} | ${totals.lost} | ${totals.searchDiffers} | ${totals.askedTwice} | ${totals.inFlightAskedAgain} | ${totals.failedResumes} |`,
      '',
      `Unexpected errors (traces) in resumes: ${totals.unexpectedErrors}.`,
      '',
    ].join('\n'),
  );
}
process.exit(totals.corrupt + totals.lost + totals.searchDiffers + totals.askedTwice + totals.failedResumes + totals.unexpectedErrors === 0 ? 0 : 1);
