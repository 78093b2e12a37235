import { parsePostgresStoreUrl } from './postgres-connection.js';
import { SyncWorkerBridge } from './sync-bridge.js';

/**
 * The names of the knowledge bases a PostgreSQL store holds, sorted (synchronous, like the store:
 * one short-lived worker thread and connection).
 *
 * @throws HangjiaError `E_STORE_CONNECT`, `E_STORE_VERSION`.
 */
export function listPostgresKnowledgeBases(url: string): string[] {
  const bridge = new SyncWorkerBridge(new URL('./_postgres-catalog-worker.js', import.meta.url), { url }, `PostgreSQL store at ${parsePostgresStoreUrl(url).where}`);
  try {
    return bridge.call<string[]>('list', []);
  } finally {
    bridge.close();
  }
}
