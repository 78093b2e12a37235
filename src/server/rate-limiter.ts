import { HangjiaError } from '../errors/index.js';

/**
 * Requests per API key per minute, as a token bucket: a key may burst up to its minute's worth,
 * then gets one request back every 60/limit seconds. Over it, `E_RATE_LIMITED` (429) says when
 * the next request will be admitted (Retry-After).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; updatedMs: number }>();

  constructor(
    private readonly requestsPerMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one request from `key`'s bucket or throws `E_RATE_LIMITED`; a limit of 0 admits everything. */
  take(key: string): void {
    if (this.requestsPerMinute <= 0) return;
    const now = this.now();
    const perMs = this.requestsPerMinute / 60_000;
    const bucket = this.buckets.get(key) ?? { tokens: this.requestsPerMinute, updatedMs: now };
    bucket.tokens = Math.min(this.requestsPerMinute, bucket.tokens + (now - bucket.updatedMs) * perMs);
    bucket.updatedMs = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) {
      const retryAfterSeconds = Math.ceil((1 - bucket.tokens) / perMs / 1000);
      throw new HangjiaError('E_RATE_LIMITED', `This API key is over its limit of ${this.requestsPerMinute} requests per minute (server.requestsPerMinute); retry in ${retryAfterSeconds} s.`, {
        isRetryable: true,
        details: { retryAfterSeconds },
      });
    }
    bucket.tokens -= 1;
  }
}
