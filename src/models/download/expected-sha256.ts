import { HangjiaError } from '../../errors/index.js';

/**
 * Response headers that may carry the content's SHA-256, in order of trust. Hugging Face
 * "resolve" URLs answer an LFS file with `x-linked-etag: "<sha256 of the content>"` on the first
 * response, before redirecting to the CDN (whose own ETag is something else); huggingface_hub
 * reads the same header (`get_hf_file_metadata`). A plain `etag` counts only when it is a SHA-256.
 */
export const SHA256_HEADERS = ['x-linked-etag', 'etag'] as const;

/** Where an expected SHA-256 came from: the caller's `sha256` option, or a header of the server's answer. */
export type Sha256Source = 'sha256 option' | `${(typeof SHA256_HEADERS)[number]} header`;

/** A digest a downloaded file must have, and who said so (named in results and errors). */
export interface ExpectedSha256 {
  /** 64 lowercase hexadecimal digits. */
  sha256: string;
  from: Sha256Source;
}

/**
 * The SHA-256 a response header states, or undefined when the value is not clearly one: 64 hex
 * digits, bare or quoted, optionally weak (`W/"…"`). Any other ETag (an MD5, a git blob id, a
 * multipart `…-3`, an opaque version tag) is an identifier, never a checksum, and is ignored.
 *
 * @example
 * sha256FromHeader('"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"') // '9f86d08…'
 * sha256FromHeader('"5d41402abc4b2a76b9719d911017c592"') // undefined (an MD5)
 */
export function sha256FromHeader(value: string | null | undefined): string | undefined {
  const match = /^(?:W\/)?(?:"([0-9a-f]{64})"|([0-9a-f]{64}))$/i.exec(value?.trim() ?? '');
  return match ? (match[1] ?? match[2])!.toLowerCase() : undefined;
}

/** The first SHA-256 that {@link SHA256_HEADERS} state, in their order of trust. */
export function sha256FromHeaders(headers: Headers): ExpectedSha256 | undefined {
  for (const header of SHA256_HEADERS) {
    const sha256 = sha256FromHeader(headers.get(header));
    if (sha256) return { sha256, from: `${header} header` };
  }
  return undefined;
}

/** The caller's digest as 64 lowercase hex digits; `E_USAGE` (naming the setting) when it is not one. */
export function parseSha256Option(value: string): string {
  const digest = value.trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(digest)) {
    throw new HangjiaError('E_USAGE', `sha256 takes a SHA-256 digest as 64 hexadecimal digits; got "${value}".`, { details: { setting: 'sha256', value } });
  }
  return digest;
}
