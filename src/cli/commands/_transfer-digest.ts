import type { TransferDigest } from '../../knowledge-base/index.js';
import type { Terminal } from '../_terminal.js';

/** Prints what an export holds, or what an import verified: one line per part, count and SHA-256. */
export function printTransferDigest(terminal: Terminal, digest: TransferDigest): void {
  for (const [part, { count, sha256 }] of Object.entries(digest)) terminal.out(`${part.padEnd(14)}${String(count).padStart(10)}  sha256 ${sha256}`);
}
