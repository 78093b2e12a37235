import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { HangjiaError } from '../errors/index.js';

/**
 * sha256 hex of a file's bytes, streamed so large PDFs are not held in memory. The knowledge base
 * compares it on sync: a file whose hash is unchanged need not be read and chunked again.
 *
 * @throws HangjiaError `E_SOURCE_READ` (details.path) when the file cannot be read.
 */
export async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  } catch (error) {
    throw new HangjiaError('E_SOURCE_READ', `Cannot read ${path} to hash it: ${(error as Error).message}`, {
      details: { path },
      cause: error,
    });
  }
  return hash.digest('hex');
}
