/**
 * The PostgreSQL store's own thread: it owns one `pg` client and runs each call of the synchronous
 * `PostgresKnowledgeBaseStore` (see `sync-bridge.ts`) on a `PostgresStoreBackend`.
 */
import { workerData } from 'node:worker_threads';
import { PostgresStoreBackend, type PostgresStoreOptions } from './postgres-backend.js';
import { serveSyncBridge, type BridgeWorkerData } from './sync-bridge.js';

const input = workerData as BridgeWorkerData<PostgresStoreOptions>;
let opening: Promise<PostgresStoreBackend> | undefined;

serveSyncBridge(input, async (method, args) => {
  opening ??= PostgresStoreBackend.open(input.data);
  const backend = await opening;
  if (method === 'open') return { readOnly: backend.readOnly };
  const target = (backend as unknown as Record<string, unknown>)[method];
  if (typeof target !== 'function') throw new Error(`The PostgreSQL store has no method ${method}.`);
  return (target as (...values: unknown[]) => Promise<unknown>).apply(backend, args);
});
