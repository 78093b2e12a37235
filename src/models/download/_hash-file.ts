import type { Hash } from 'node:crypto';
import fs from 'node:fs';

/** Feeds the first `bytes` bytes of `file` to `hash`, streamed; stops with the signal's reason when it aborts. */
export async function hashFilePrefix(hash: Hash, file: string, bytes: number, signal?: AbortSignal): Promise<void> {
  if (bytes <= 0) return;
  for await (const chunk of fs.createReadStream(file, { start: 0, end: bytes - 1 })) {
    signal?.throwIfAborted();
    hash.update(chunk as Buffer);
  }
}
