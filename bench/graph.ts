/**
 * Knowledge-graph measurements on the demo, without a model (what the build machines can run):
 * the model-free extractors on the hand-labelled gold set, and `eval rag` with and without
 * `--graph`, extractive answers. Writes bench/results/extraction.gold.rules.json and
 * bench/results/graph-rag.demo.extractive.json.
 *
 * Usage: npx tsx bench/graph.ts
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../src/cli/main.js';

const root = path.resolve(import.meta.dirname, '..');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'hangjia-graph-bench-'));
const env = { HANGJIA_HOME: path.join(scratch, 'home') };

async function run(args: string[]): Promise<string> {
  let out = '';
  const code = await runCli(args, { streams: { stdout: { write: (text: string) => (out += text) }, stderr: { write: () => true } }, env, cwd: root });
  if (code !== 0) throw new Error(`hangjia ${args.join(' ')} exited ${code}`);
  return out;
}

try {
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  await run(['kb', 'create', 'demo', 'demo/kb', '--quiet']);
  await run(['graph', 'schema', 'demo', 'bench/extraction/demo-schema.yaml']);
  const build = JSON.parse(await run(['graph', 'build', 'demo', '--json']));
  const stats = JSON.parse(await run(['graph', 'demo', 'stats', '--json']));
  const plain = JSON.parse(await run(['eval', 'rag', 'bench/extraction/rag-graph.jsonl', '--kb', 'demo', '--run-dir', path.join(scratch, 'plain'), '--json']));
  const graph = JSON.parse(await run(['eval', 'rag', 'bench/extraction/rag-graph.jsonl', '--kb', 'demo', '--graph', '--run-dir', path.join(scratch, 'graph'), '--json']));
  const extraction = JSON.parse(await run(['eval', 'extraction', 'bench/extraction/gold.jsonl', '--json']));
  fs.writeFileSync(
    path.join(root, 'bench/results/graph-rag.demo.extractive.json'),
    `${JSON.stringify(
      {
        commit,
        commands: [
          'hangjia kb create demo demo/kb',
          'hangjia graph schema demo bench/extraction/demo-schema.yaml',
          'hangjia graph build demo            # no model configured: model-free extractors only',
          'hangjia eval rag bench/extraction/rag-graph.jsonl --kb demo --run-dir plain --json',
          'hangjia eval rag bench/extraction/rag-graph.jsonl --kb demo --graph --run-dir graph --json',
        ],
        note: 'No chat model: answers are extractive (quoted sentences), scored lexically. Measures what graph facts as extra sources do to extractive answers, not to generated ones.',
        graph: { build: build.graph, nodesByType: stats.nodesByType, edgesByRelation: stats.edgesByRelation, attributesByName: stats.attributesByName },
        withoutGraph: plain.summary,
        withGraph: graph.summary,
      },
      null,
      2,
    )}\n`,
  );
  const { errors, ...scores } = extraction;
  fs.writeFileSync(
    path.join(root, 'bench/results/extraction.gold.rules.json'),
    `${JSON.stringify({ commit, command: 'hangjia eval extraction bench/extraction/gold.jsonl --json   # no model configured: model-free extractors only', ...scores, file: 'bench/extraction/gold.jsonl', errors }, null, 2)}\n`,
  );
} finally {
  fs.rmSync(scratch, { recursive: true, force: true });
}
