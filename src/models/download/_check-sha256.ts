import fs from 'node:fs';
import { HangjiaError } from '../../errors/index.js';
import type { ExpectedSha256, Sha256Source } from './expected-sha256.js';

/** What a digest check found: the digest, and whether (and against whose digest) it was verified. */
export interface Sha256Check {
  sha256: string;
  /** False only when nobody stated a digest to check against. */
  verified: boolean;
  expectedSha256From: Sha256Source | null;
}

/**
 * Compares a file's digest with the expected one. On a mismatch `file` is moved aside to
 * `<destination>.sha256-mismatch` (kept for inspection, and out of the way: with neither the model
 * file nor its `.part` left, the next download starts from the beginning) and `E_MODEL_CHECKSUM`
 * names the file, both digests and where the expected one came from.
 */
export function checkSha256(input: { file: string; destination: string; actual: string; expected: ExpectedSha256 | undefined; url?: string }): Sha256Check {
  const { file, destination, actual, expected, url } = input;
  if (!expected) return { sha256: actual, verified: false, expectedSha256From: null };
  if (actual === expected.sha256) return { sha256: actual, verified: true, expectedSha256From: expected.from };
  const aside = `${destination}.sha256-mismatch`;
  fs.renameSync(file, aside);
  throw new HangjiaError(
    'E_MODEL_CHECKSUM',
    `${destination} failed its SHA-256 check: expected ${expected.sha256} (from ${describeSha256Source(expected.from)}), got ${actual}. ` +
      `The file was moved aside to ${aside} (delete it once you no longer need it); the next download starts from the beginning.` +
      (expected.from === 'sha256 option' ? ' If the sha256 option itself is wrong, download again with the right one.' : ''),
    { details: { path: destination, movedTo: aside, ...(url === undefined ? {} : { url }), expected: expected.sha256, actual, expectedFrom: expected.from }, isRetryable: true },
  );
}

function describeSha256Source(from: Sha256Source): string {
  return from === 'sha256 option' ? 'the sha256 option' : `the server's ${from}`;
}
