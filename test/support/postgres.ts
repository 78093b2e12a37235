/**
 * For tests that need a real PostgreSQL: the first pass of `npm test` runs without one (a clean
 * clone has none), the second (`test/postgres/run-suite-on-postgres.ts`) sets
 * `HANGJIA_TEST_STORE_URL`; tests that need it are skipped with a message naming it otherwise.
 * Written by hand; no generating command.
 */
import { describe, it, type TestContext } from 'vitest';
import { findServerBinaries } from '../postgres/throwaway-cluster.js';

type TestBody = (context: TestContext) => unknown;

/** `it` / `describe` that run only with a PostgreSQL to test against, and why not otherwise. */
export interface PostgresRequirement {
  available: boolean;
  it: (name: string, body: TestBody, timeout?: number) => void;
  describe: (name: string, body: () => void) => void;
}

function requirement(available: boolean, missing: string): PostgresRequirement {
  if (available) return { available, it, describe };
  process.stderr.write(`Skipping tests that ${missing}.\n`);
  return {
    available,
    it: (name, body, timeout) => it.skip(`${name} [skipped: ${missing}]`, body, timeout),
    describe: (name, body) => describe.skip(`${name} [skipped: ${missing}]`, body),
  };
}

/** For tests against the server `npm test`'s PostgreSQL pass provides (`HANGJIA_TEST_STORE_URL`). */
export function needsTestStore(env: NodeJS.ProcessEnv = process.env): PostgresRequirement & { url: string } {
  const url = env['HANGJIA_TEST_STORE_URL'] ?? '';
  return { ...requirement(url !== '', 'need a PostgreSQL server: set HANGJIA_TEST_STORE_URL (npm test sets it in its PostgreSQL pass)'), url };
}

/** For tests that start a cluster of their own (`startThrowawayCluster`): the server binaries must be installed. */
export function needsServerBinaries(): PostgresRequirement & { directory: string } {
  const binaries = findServerBinaries();
  return { ...requirement(binaries.found, binaries.found ? '' : `need PostgreSQL server binaries: ${binaries.reason}`), directory: binaries.found ? binaries.directory : '' };
}

/**
 * For tests that need the SQLite store: of its file itself (layout, its own migrations, opening the
 * file read-only), or of a feature not yet on PostgreSQL (the knowledge graph, E_STORE_UNSUPPORTED).
 * They run in the first pass and are skipped, saying why, in the PostgreSQL pass, where the store
 * conformance suite covers the store's behaviour.
 */
export function sqliteOnly(why: string, env: NodeJS.ProcessEnv = process.env): PostgresRequirement {
  return requirement(!env['HANGJIA_TEST_STORE_URL'], `need the SQLite store (${why})`);
}
