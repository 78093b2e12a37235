/**
 * The PostgreSQL job queue's own thread, for the server's synchronous job calls (`submit`, `get`,
 * `busy`: the service answers them in one synchronous step, as it does with the file queue). It
 * owns a `PostgresJobQueue` and answers each call of `PostgresJobRunner` over the store's bridge.
 */
import { workerData } from 'node:worker_threads';
import { serveSyncBridge, type BridgeWorkerData } from '../../knowledge-base/store/sync-bridge.js';
import type { PostgresTarget } from './postgres-connection.js';
import { PostgresJobQueue } from './postgres-job-queue.js';

const METHODS = new Set(['submit', 'get', 'list', 'busy', 'close']);

serveSyncBridge(workerData as BridgeWorkerData, (data) => {
  const { target, applicationName } = data as { target: PostgresTarget; applicationName: string };
  let opening: Promise<PostgresJobQueue> | undefined;
  return async (method, args) => {
    opening ??= PostgresJobQueue.open(target, applicationName);
    const queue = await opening;
    if (!METHODS.has(method)) throw new Error(`The PostgreSQL job queue has no method ${method}.`);
    return (queue[method as 'get'] as (...values: unknown[]) => Promise<unknown>).apply(queue, args);
  };
});
