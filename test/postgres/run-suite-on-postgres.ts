/**
 * The second pass of `npm test` (issue 18): the tests that touch the knowledge-base store run once
 * more with every knowledge base in PostgreSQL. With `HANGJIA_TEST_STORE_URL` set they use that
 * server; otherwise a throwaway cluster is started when server binaries are found (see
 * `throwaway-cluster.ts`) and stopped and deleted afterwards, also on failure or Ctrl-C. Without
 * either the pass is skipped with one line saying why — except under `CI=true`, where `.ci/run`
 * installs PostgreSQL, so a missing server is a failure rather than coverage silently not had.
 *
 * Run: `npx tsx test/postgres/run-suite-on-postgres.ts [vitest arguments…]` (extra arguments, e.g.
 * a test file, replace the default selection).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { findServerBinaries, startThrowawayCluster, type ThrowawayCluster } from './throwaway-cluster.js';

/**
 * What the second pass runs: every folder whose tests open a knowledge base's store (not the whole
 * suite: the analyzers, chunkers, models, evaluation and UI tests never touch it, and running them
 * again would double `npm test`'s time for no coverage; see README, "Tests").
 */
export const STORE_TEST_PATHS = ['src/knowledge-base', 'src/server', 'src/cli', 'src/access', 'src/graph', 'test/postgres', 'test/e2e'];

const repositoryRoot = path.resolve(import.meta.dirname, '..', '..');

async function main(): Promise<number> {
  const selection = process.argv.slice(2);
  const vitestArguments = ['run', ...(selection.length ? selection : STORE_TEST_PATHS)];
  const given = process.env['HANGJIA_TEST_STORE_URL'];
  if (given) {
    process.stderr.write(`PostgreSQL pass: the store tests against HANGJIA_TEST_STORE_URL (${redactPassword(given)})\n`);
    return runVitest(vitestArguments, given);
  }
  const binaries = findServerBinaries();
  if (!binaries.found) {
    if (process.env['CI'] === 'true') {
      process.stderr.write(`PostgreSQL pass failed: ${binaries.reason}. With CI=true it must run (.ci/run installs postgresql).\n`);
      return 1;
    }
    process.stderr.write(`PostgreSQL pass skipped: ${binaries.reason}.\n`);
    return 0;
  }
  let cluster: ThrowawayCluster | undefined;
  const stopOnSignal = (signal: NodeJS.Signals): void => {
    cluster?.stop();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  try {
    const started = Date.now();
    cluster = await startThrowawayCluster(binaries.directory);
    process.stderr.write(`PostgreSQL pass: throwaway cluster from ${binaries.directory} on 127.0.0.1:${cluster.port} (started in ${((Date.now() - started) / 1000).toFixed(1)} s); running ${vitestArguments.slice(1).join(' ')}\n`);
    return await runVitest(vitestArguments, cluster.url);
  } finally {
    cluster?.stop();
  }
}

/** Runs vitest with `HANGJIA_TEST_STORE_URL`, its output passed through; resolves to its exit code. */
function runVitest(vitestArguments: string[], storeUrl: string): Promise<number> {
  const vitest = path.join(repositoryRoot, 'node_modules', 'vitest', 'vitest.mjs');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [vitest, ...vitestArguments], {
      cwd: repositoryRoot,
      stdio: 'inherit',
      env: { ...process.env, HANGJIA_TEST_STORE_URL: storeUrl },
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal === 'SIGINT' ? 130 : 1)));
  });
}

function redactPassword(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');
}

process.exitCode = await main();
