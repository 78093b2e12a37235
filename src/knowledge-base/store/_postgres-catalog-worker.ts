/**
 * The thread behind `postgres-catalog.ts`: one `pg` client that answers questions about the
 * knowledge bases a PostgreSQL store holds, rather than about one of them.
 */
import { workerData } from 'node:worker_threads';
import type pg from 'pg';
import { connectPostgresStore, parsePostgresStoreUrl } from './postgres-connection.js';
import { serveSyncBridge, type BridgeWorkerData } from './sync-bridge.js';

const input = workerData as BridgeWorkerData<{ url: string }>;
let connecting: Promise<pg.Client> | undefined;

serveSyncBridge(input, async (method) => {
  if (method === 'close') {
    // The bridge's last call before it ends the thread; a connection that failed has nothing to end.
    const client = await connecting?.catch(() => undefined);
    await client?.end();
    return undefined;
  }
  // Connecting migrates the schema as opening a store does, so a fresh database lists as empty.
  connecting ??= connectPostgresStore(parsePostgresStoreUrl(input.data.url));
  const client = await connecting;
  if (method === 'list') return (await client.query<{ name: string }>('SELECT name FROM knowledge_bases ORDER BY name')).rows.map((row) => row.name);
  throw new Error(`The PostgreSQL catalog has no method ${method}.`);
});
