import type { CodeVersion, MachineInfo } from './machine-info.js';
import type { RoundMeasurement } from './round-measurement.js';
import type { IndexSize } from './systems/retrieval-system.js';

/** A timing over fresh-process rounds: the median, and every round as measured. */
export interface RoundedValue {
  median: number;
  rounds: number[];
}

/**
 * `bench/results/<dataset>.<system>.json`: one system on one dataset, every round aggregated,
 * with the command, code version and machine that produced it. `retrieval.md` is generated from
 * these files only.
 */
export interface SystemResult {
  schema: 'hangjia.bench.retrieval/1';
  config: string;
  dataset: string;
  system: string;
  description: string;
  command: string;
  code: CodeVersion;
  machine: MachineInfo;
  date: string;
  parameters: { depth: number; warmupQueries: number; rounds: number; maxQueries: number | null; capReason: string | null };
  corpusDocuments: number;
  judgedQueries: number;
  timedQueries: number;
  evaluatedQueries: number;
  skippedQueries: number;
  unretrievedQueries: number;
  /** Identical in every round (the worker is deterministic); `metricsStable` says so. */
  metrics: Record<string, number>;
  metricsStable: boolean;
  indexSize: IndexSize;
  buildSeconds: RoundedValue;
  latencyP50Ms: RoundedValue;
  latencyP99Ms: RoundedValue;
  queriesPerSecond: RoundedValue;
  peakRssBytes: RoundedValue;
  rssAfterLoadBytes: number;
  /** Per round, the 1-minute load average at the worker's start and end (see `RoundMeasurement`). */
  loadAverage: { start: number; end: number }[];
}

/** Folds the rounds of one system into its result. */
export function summarizeRounds(rounds: readonly RoundMeasurement[], context: Pick<SystemResult, 'config' | 'dataset' | 'command' | 'code' | 'machine' | 'date' | 'parameters'>): SystemResult {
  const first = rounds[0];
  if (first === undefined) throw new Error('summarizeRounds needs at least one round');
  const rounded = (pick: (round: RoundMeasurement) => number): RoundedValue => {
    const values = rounds.map(pick);
    const sorted = [...values].sort((left, right) => left - right);
    const middle = Math.floor(sorted.length / 2);
    const median = sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
    return { median, rounds: values };
  };
  return {
    schema: 'hangjia.bench.retrieval/1',
    ...context,
    system: first.system,
    description: first.description,
    corpusDocuments: first.corpusDocuments,
    judgedQueries: first.judgedQueries,
    timedQueries: first.timedQueries,
    evaluatedQueries: first.evaluatedQueries,
    skippedQueries: first.skippedQueries,
    unretrievedQueries: first.unretrievedQueries,
    metrics: first.metrics,
    metricsStable: rounds.every((round) => JSON.stringify(round.metrics) === JSON.stringify(first.metrics)),
    indexSize: first.indexSize,
    buildSeconds: rounded((round) => round.buildSeconds),
    latencyP50Ms: rounded((round) => round.latencyMs.p50),
    latencyP99Ms: rounded((round) => round.latencyMs.p99),
    queriesPerSecond: rounded((round) => round.queriesPerSecond),
    peakRssBytes: rounded((round) => round.peakRssBytes),
    rssAfterLoadBytes: first.rssAfterLoadBytes,
    loadAverage: rounds.map((round) => round.loadAverage),
  };
}
