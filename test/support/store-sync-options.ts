import { createChunker } from '../../src/chunking/index.js';
import { DEFAULT_CONFIG } from '../../src/config/index.js';
import type { SyncOptions } from '../../src/knowledge-base/sync-knowledge-base.js';

/** The sync the store conformance suite runs, in its child process and in the test: csv rows in batches of 100. */
export function storeSyncOptions(root: string): SyncOptions {
  return {
    sources: [root],
    sourceOptions: { include: DEFAULT_CONFIG.ingest.include, exclude: DEFAULT_CONFIG.ingest.exclude, maxFileBytes: DEFAULT_CONFIG.ingest.maxFileBytes },
    chunker: createChunker(),
    rowBatchSize: 100,
  };
}
