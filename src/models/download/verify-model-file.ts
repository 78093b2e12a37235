import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { HangjiaError } from '../../errors/index.js';
import { checkSha256, type Sha256Check } from './_check-sha256.js';
import { hashFilePrefix } from './_hash-file.js';
import { parseSha256Option } from './expected-sha256.js';

export interface VerifyModelFileResult extends Sha256Check {
  path: string;
  bytes: number;
}

/**
 * Checks a file already on disk against a SHA-256 (64 hex digits, either case), without any
 * network. A match returns the digest (`verified: true`); a mismatch moves the file aside to
 * `<file>.sha256-mismatch` and throws `E_MODEL_CHECKSUM`, as `downloadModelFile` does. A missing
 * file is `E_PATH_NOT_FOUND`.
 *
 * @example
 * await verifyModelFile('/models/qwen2.5-0.5b-instruct-q4_k_m.gguf', '74a4da8c9fdbcd15bd1f6d01d621410d31c6fc00986f5eb687824e7b93d7a9db');
 */
export async function verifyModelFile(file: string, sha256: string, options: { signal?: AbortSignal } = {}): Promise<VerifyModelFileResult> {
  const expected = parseSha256Option(sha256);
  if (!fs.existsSync(file)) throw new HangjiaError('E_PATH_NOT_FOUND', `${file} does not exist; nothing to verify.`, { details: { path: file } });
  const bytes = fs.statSync(file).size;
  const hash = createHash('sha256');
  await hashFilePrefix(hash, file, bytes, options.signal);
  return { path: file, bytes, ...checkSha256({ file, destination: file, actual: hash.digest('hex'), expected: { sha256: expected, from: 'sha256 option' } }) };
}
