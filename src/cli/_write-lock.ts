import { describeWriteLockHolder, withWriteLock } from '../knowledge-base/index.js';
import type { Terminal } from './_terminal.js';

/**
 * Runs a writing command holding the knowledge base's write lock. A second writer waits, and says
 * for whom, rather than failing: a sync started while another runs finishes after it, with nothing
 * redone (the first one's work is in the store), and Ctrl-C stops the waiting.
 */
export function whileHoldingWriteLock<T>(directory: string, name: string, command: string, terminal: Terminal, fn: () => T | Promise<T>): Promise<T> {
  return withWriteLock(directory, fn, {
    command,
    onWait: (holder) => terminal.warn(`Waiting for "${name}": ${describeWriteLockHolder(holder)} is writing to it. Ctrl-C stops waiting.`),
  });
}
