/**
 * The PostgreSQL store's own thread: it owns one `pg` client and runs each call of a synchronous
 * proxy (see `sync-bridge.ts`) on an asynchronous backend: a knowledge base's
 * `PostgresStoreBackend`, or the API keys' `PostgresApiKeyBackend`.
 */
import { workerData } from 'node:worker_threads';
import { PostgresApiKeyBackend } from './postgres-api-keys.js';
import { PostgresStoreBackend, type PostgresStoreOptions } from './postgres-backend.js';
import { serveSyncBridge, type BridgeWorkerData } from './sync-bridge.js';

/** What the proxy asks the worker to open. */
export type PostgresWorkerTarget = ({ target: 'knowledge-base' } & PostgresStoreOptions) | { target: 'api-keys'; url: string };

serveSyncBridge(workerData as BridgeWorkerData, (data) => {
  const target = data as PostgresWorkerTarget;
  let opening: Promise<PostgresStoreBackend | PostgresApiKeyBackend> | undefined;
  return async (method, args) => {
    opening ??= target.target === 'api-keys' ? PostgresApiKeyBackend.open(target.url) : PostgresStoreBackend.open(target);
    const backend = await opening;
    if (method === 'open') return null;
    const call = (backend as unknown as Record<string, unknown>)[method];
    if (typeof call !== 'function') throw new Error(`The PostgreSQL store worker has no method ${method}.`);
    return (call as (...values: unknown[]) => Promise<unknown>).apply(backend, args);
  };
});
