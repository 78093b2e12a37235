import type { IndexSize } from './systems/retrieval-system.js';

/** What one worker process measured: one system, one dataset, one round. */
export interface RoundMeasurement {
  system: string;
  description: string;
  /** Means from `evaluateRun` over the timed queries. */
  metrics: Record<string, number>;
  evaluatedQueries: number;
  skippedQueries: number;
  unretrievedQueries: number;
  /** Queries with judgments in the dataset; more than `timedQueries` when the system is capped. */
  judgedQueries: number;
  timedQueries: number;
  corpusDocuments: number;
  buildSeconds: number;
  indexSize: IndexSize;
  latencyMs: { p50: number; p99: number };
  queriesPerSecond: number;
  /** `process.resourceUsage().maxRSS`: the worker's peak, dataset and corpus included. */
  peakRssBytes: number;
  /** RSS after loading the dataset, before the system was built: subtract it for the index's share. */
  rssAfterLoadBytes: number;
  /**
   * 1-minute load average when the worker started and when it finished: a timing taken while
   * other processes competed for the cores is visible as such instead of silently slow.
   */
  loadAverage: { start: number; end: number };
}
