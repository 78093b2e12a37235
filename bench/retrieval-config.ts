import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { HangjiaError } from '../src/errors/index.js';

/** The repository root, which dataset paths in configs are relative to. */
export const REPOSITORY_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** One system entry of a config. */
export interface SystemEntry {
  name: string;
  /** Time and score only the first N judged queries (queries file order); for slow peers. */
  maxQueries?: number;
  /** Why the cap exists; printed in the table. */
  capReason?: string;
}

/**
 * `bench/configs/retrieval-<dataset>.yaml`: what to run and what to expect (Anserini's
 * reproduction configs are the model). Every key is documented in `bench/README.md`.
 */
export interface RetrievalConfig {
  name: string;
  dataset: { name: string; path: string; queries: string; qrels: string };
  metrics: string[];
  /** Documents retrieved per query (the deepest metric cutoff). */
  depth: number;
  /** Queries searched once, untimed, before the timed pass. */
  warmupQueries: number;
  /** Fresh-process rounds per system; order alternates between rounds. */
  rounds: number;
  systems: SystemEntry[];
  /** system → metric → expected value, checked by `--verify`. */
  expected: Record<string, Record<string, number>>;
  /** Largest |actual − expected| that passes. */
  tolerance: number;
}

/** Loads `bench/configs/<name>.yaml` (`name` may also be a path to a YAML file). */
export function loadRetrievalConfig(name: string): RetrievalConfig {
  const path = name.endsWith('.yaml') ? resolve(name) : join(REPOSITORY_ROOT, 'bench', 'configs', `${name}.yaml`);
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new HangjiaError('E_CONFIG', `Cannot read benchmark config ${path}: ${(error as Error).message}. Configs live in bench/configs/.`, {
      details: { path },
      cause: error,
    });
  }
  const config = raw as Partial<RetrievalConfig>;
  const missing = (['name', 'dataset', 'metrics', 'depth', 'warmupQueries', 'rounds', 'systems', 'tolerance'] as const)
    .filter((key) => config[key] === undefined);
  if (missing.length > 0) {
    throw new HangjiaError('E_CONFIG', `Benchmark config ${path} lacks ${missing.join(', ')}. See bench/README.md for the keys.`, {
      details: { path, missing },
    });
  }
  return { ...(config as RetrievalConfig), expected: config.expected ?? {} };
}

/** The dataset folder of a config, resolved against the repository root. */
export function datasetFolder(config: RetrievalConfig): string {
  return resolve(REPOSITORY_ROOT, config.dataset.path);
}
