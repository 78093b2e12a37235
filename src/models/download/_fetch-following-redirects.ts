import { sha256FromHeaders, type ExpectedSha256 } from './expected-sha256.js';
import { createRedirectLoopError } from './model-download-error.js';

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * Fetches `url`, following redirects by hand so that the first response's headers can be read:
 * Hugging Face states the content's SHA-256 on its own 302, not on the CDN's answer it redirects
 * to. The first response that states a SHA-256 gives `serverSha256`. Network failures reject as
 * fetch rejects (the caller classifies them); too many hops reject with `redirect-loop`.
 */
export async function fetchFollowingRedirects(
  url: string,
  init: { headers: Record<string, string>; signal: AbortSignal; maxRedirects: number },
): Promise<{ response: Response; serverSha256: ExpectedSha256 | undefined }> {
  let current = url;
  let serverSha256: ExpectedSha256 | undefined;
  for (let hops = 0; ; hops++) {
    const response = await fetch(current, { headers: init.headers, signal: init.signal, redirect: 'manual' });
    serverSha256 ??= sha256FromHeaders(response.headers);
    const location = response.headers.get('location');
    if (!REDIRECT_STATUSES.has(response.status) || !location) return { response, serverSha256 };
    await response.body?.cancel().catch(() => undefined);
    if (hops >= init.maxRedirects) throw createRedirectLoopError(url, location, init.maxRedirects);
    current = new URL(location, current).href;
  }
}
