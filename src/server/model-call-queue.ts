import { HangjiaError } from '../errors/index.js';

/**
 * A bounded queue in front of the chat model: at most `concurrency` answers are generated at once
 * and at most `maxWaiting` wait for a slot. A request over that is refused at once with `E_BUSY`
 * (503 and Retry-After), and one that waited `maxWaitMs` without a slot is refused the same way,
 * so overload turns into quick, retryable refusals instead of a pile of hanging connections.
 *
 * @example
 * const release = await queue.acquire(signal);
 * try { … stream the answer … } finally { release(); }
 */
export class ModelCallQueue {
  private active = 0;
  private readonly waiting: Array<{ grant: () => void }> = [];

  constructor(private readonly options: { concurrency: number; maxWaiting: number; maxWaitMs: number }) {}

  /** Calls generating now and calls waiting for a slot. */
  get load(): { active: number; waiting: number } {
    return { active: this.active, waiting: this.waiting.length };
  }

  /** Waits for a slot; the returned function gives it back (call it once, in `finally`). */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (this.active < this.options.concurrency) {
      this.active += 1;
      return this.releaser();
    }
    if (this.waiting.length >= this.options.maxWaiting) throw busy(`${this.active} answers are being generated and ${this.waiting.length} are waiting (server.modelQueue)`);
    return new Promise((resolve, reject) => {
      const entry = {
        grant: () => {
          cleanup();
          this.active += 1;
          resolve(this.releaser());
        },
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(busy(`no model slot came free within ${this.options.maxWaitMs} ms (server.modelQueueWaitMs)`));
      }, this.options.maxWaitMs);
      const onAbort = (): void => {
        cleanup();
        reject(new HangjiaError('E_ABORTED', 'The request was cancelled while waiting for the model.', { cause: signal!.reason }));
      };
      const cleanup = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const index = this.waiting.indexOf(entry);
        if (index >= 0) this.waiting.splice(index, 1);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(entry);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active -= 1;
      this.waiting[0]?.grant();
    };
  }
}

function busy(why: string): HangjiaError {
  return new HangjiaError('E_BUSY', `The model is busy: ${why}. Retry after a moment.`, { isRetryable: true, details: { retryAfterSeconds: 2 } });
}
