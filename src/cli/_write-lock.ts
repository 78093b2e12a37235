import { describeWriteLockHolder, withWriteLock } from '../knowledge-base/index.js';
import { parseStoreUrl } from '../knowledge-base/store/store-url.js';
import { acquireDatabaseWriteLock } from '../server/cluster/database-write-lock.js';
import type { Terminal } from './_terminal.js';

/**
 * Runs a writing command holding the knowledge base's write lock. A second writer waits, and says
 * for whom, rather than failing: a sync started while another runs finishes after it, with nothing
 * redone (the first one's work is in the store), and Ctrl-C stops the waiting. With a PostgreSQL
 * store (`storeUrl`) the database's lock comes first, shared with every replica and worker on
 * any machine; the lock file beside the knowledge base in any case.
 */
export async function whileHoldingWriteLock<T>(directory: string, name: string, command: string, terminal: Terminal, fn: () => T | Promise<T>, storeUrl?: string): Promise<T> {
  const underFileLock = (): Promise<T> =>
    withWriteLock(directory, fn, {
      command,
      onWait: (holder) => terminal.warn(`Waiting for "${name}": ${describeWriteLockHolder(holder)} is writing to it. Ctrl-C stops waiting.`),
    });
  if (storeUrl === undefined) return underFileLock();
  const lock = await acquireDatabaseWriteLock(parseStoreUrl(storeUrl), name, {
    command,
    onWait: (holder) => terminal.warn(`Waiting for "${name}": ${holder ? `${holder.applicationName}, since ${holder.since},` : 'another process'} is writing to it. Ctrl-C stops waiting.`),
  });
  try {
    // The lock file too, always after the database's (one order, no deadlock): it is what a search on this machine checks before rebuilding an index.
    return await underFileLock();
  } finally {
    await lock.release();
  }
}
