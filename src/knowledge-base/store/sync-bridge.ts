/**
 * A synchronous call into an asynchronous worker thread. The store interface is synchronous (the
 * server, sync and index builds call it so, as they call better-sqlite3), while the `pg` client
 * only speaks promises; so the PostgreSQL store runs its client in a worker and the caller blocks
 * on `Atomics.wait` until the worker has posted the reply and flipped a shared flag:
 *
 *   caller                                  worker (event loop free)
 *   flag = 0; port.postMessage(request) ──▶ await backend[method](…args)
 *   Atomics.wait(flag, 0)                   port.postMessage(reply); flag = 1; Atomics.notify
 *   receiveMessageOnPort(port) ◀────────────┘
 *
 * Calls never overlap (the caller is blocked), so one flag and one port suffice.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { HangjiaError } from '../../errors/index.js';

interface BridgeRequest {
  id: number;
  method: string;
  args: unknown[];
}

type BridgeReply = { id: number; value: unknown } | { id: number; error: SerializedError };

interface SerializedError {
  message: string;
  code?: string;
  details?: Record<string, unknown>;
  isRetryable?: boolean;
  hangjia: boolean;
}

/** What the worker module receives as `workerData` (plus the caller's own data). */
export interface BridgeWorkerData<T> {
  port: MessagePort;
  signal: SharedArrayBuffer;
  data: T;
}

/** The caller's end. */
export class SyncWorkerBridge {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly signal: Int32Array;
  private nextId = 1;
  private closed = false;
  /** Set when the worker died: every later call fails at once with its reason. */
  private failure: Error | undefined;

  /**
   * Starts `workerModule` (a URL beside this file, `.ts` under tsx and vitest, `.js` when built)
   * with `data`. `describe` names the far end in timeout messages.
   */
  constructor(workerModule: URL, data: unknown, private readonly describe: string) {
    const channel = new MessageChannel();
    const signal = new SharedArrayBuffer(4);
    this.signal = new Int32Array(signal);
    this.port = channel.port1;
    const workerData: BridgeWorkerData<unknown> = { port: channel.port2, signal, data };
    this.worker = startWorker(workerModule, workerData, [channel.port2]);
    this.worker.on('error', (error) => (this.failure = error));
    this.worker.on('exit', () => (this.failure ??= new Error('the store worker exited')));
    // Neither keeps the process alive: an unclosed store must not hang a CLI command at exit.
    this.worker.unref();
    this.port.unref();
  }

  /** Runs `method(...args)` in the worker and returns its result, blocking until then (or `timeoutMs`). */
  call<T>(method: string, args: unknown[], timeoutMs = 300_000): T {
    if (this.closed) throw new HangjiaError('E_STORE_CLOSED', `The ${this.describe} is closed.`, { details: { method } });
    // A blocked thread sees no events, so a worker that died is only noticed between calls; one
    // that dies during a call shows as the timeout (the worker catches every error it can).
    if (this.failure !== undefined) {
      throw new HangjiaError('E_STORE_CONNECT', `The ${this.describe} stopped: ${this.failure.message}`, { details: { method }, cause: this.failure });
    }
    const id = this.nextId++;
    Atomics.store(this.signal, 0, 0);
    this.port.postMessage({ id, method, args } satisfies BridgeRequest);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const received = receiveMessageOnPort(this.port) as { message: BridgeReply } | undefined;
      if (received !== undefined) {
        if (received.message.id !== id) continue;
        if ('error' in received.message) throw deserializeError(received.message.error);
        return received.message.value as T;
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new HangjiaError('E_STORE_TIMEOUT', `The ${this.describe} did not answer ${method} within ${Math.round(timeoutMs / 1000)} s.`, {
          details: { method, timeoutMs },
          isRetryable: true,
        });
      }
      Atomics.wait(this.signal, 0, 0, left);
    }
  }

  /** Calls `close` in the worker (if it is alive), then ends it. */
  close(): void {
    if (this.closed) return;
    try {
      if (this.failure === undefined) this.call('close', [], 30_000);
    } finally {
      this.closed = true;
      this.port.close();
      void this.worker.terminate();
    }
  }
}

/**
 * The worker's end: answers each request with `handle`'s result or error. `handle` runs one call
 * at a time, since the caller blocks until it has the reply.
 */
export function serveSyncBridge(workerData: BridgeWorkerData<unknown>, handle: (method: string, args: unknown[]) => Promise<unknown>): void {
  const signal = new Int32Array(workerData.signal);
  workerData.port.on('message', (request: BridgeRequest) => {
    void (async () => {
      let reply: BridgeReply;
      try {
        reply = { id: request.id, value: await handle(request.method, request.args) };
      } catch (error) {
        reply = { id: request.id, error: serializeError(error) };
      }
      workerData.port.postMessage(reply);
      Atomics.store(signal, 0, 1);
      Atomics.notify(signal, 0);
    })();
  });
}

/** Under tsx and vitest the worker module is TypeScript: load it through tsx, as `createJobWorker` does. */
function startWorker(module: URL, workerData: BridgeWorkerData<unknown>, transferList: MessagePort[]): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(module, { workerData, transferList });
  const source = module.href.replace(/\.js$/, '.ts');
  return new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(source)}); });`, {
    eval: true,
    workerData,
    transferList,
  });
}

function serializeError(error: unknown): SerializedError {
  if (error instanceof HangjiaError) return { hangjia: true, message: error.message, code: error.code, details: { ...error.details }, isRetryable: error.isRetryable };
  const code = (error as { code?: unknown }).code;
  return { hangjia: false, message: (error as Error)?.message ?? String(error), ...(typeof code === 'string' ? { code } : {}) };
}

function deserializeError(error: SerializedError): Error {
  if (error.hangjia) return new HangjiaError(error.code!, error.message, { details: error.details ?? {}, isRetryable: error.isRetryable ?? false });
  return Object.assign(new Error(error.message), error.code === undefined ? {} : { code: error.code });
}
