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
 * Calls never overlap (the caller is blocked), so one flag and one port suffice, however many
 * sessions (stores, each with its own connection) share the thread.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { HangjiaError } from '../../errors/index.js';

interface BridgeRequest {
  session: number;
  id: number;
  method: string;
  args: unknown[];
}

/** Fire-and-forget messages that start and end a session; the port keeps them in order with the calls. */
type BridgeControl = { attach: number; data: unknown } | { detach: number };

type BridgeReply = { id: number; value: unknown } | { id: number; error: SerializedError };

interface SerializedError {
  message: string;
  code?: string;
  details?: Record<string, unknown>;
  isRetryable?: boolean;
  hangjia: boolean;
}

/** What the worker module receives as `workerData`. */
export interface BridgeWorkerData {
  port: MessagePort;
  signal: SharedArrayBuffer;
}

/**
 * One worker thread per worker module and calling thread, shared by every bridge to it: starting a
 * thread (and, under tsx, compiling the backend in it) costs seconds, while a session — one
 * store's own connection inside the thread — costs one connect. The thread is unref'd, so an idle
 * host never keeps the process alive.
 */
class BridgeHost {
  readonly port: MessagePort;
  readonly signal: Int32Array;
  private readonly worker: Worker;
  nextSession = 1;
  nextId = 1;
  /** Set when the worker died: every later call fails at once with its reason, and the next bridge starts a new host. */
  failure: Error | undefined;

  constructor(workerModule: URL) {
    const channel = new MessageChannel();
    const signal = new SharedArrayBuffer(4);
    this.signal = new Int32Array(signal);
    this.port = channel.port1;
    const workerData: BridgeWorkerData = { port: channel.port2, signal };
    this.worker = startWorker(workerModule, workerData, [channel.port2]);
    this.worker.on('error', (error) => (this.failure = error));
    this.worker.on('exit', () => (this.failure ??= new Error('the store worker exited')));
    // Neither keeps the process alive: an unclosed store must not hang a CLI command at exit.
    this.worker.unref();
    this.port.unref();
  }
}

const hosts = new Map<string, BridgeHost>();

function hostFor(workerModule: URL): BridgeHost {
  let host = hosts.get(workerModule.href);
  if (host === undefined || host.failure !== undefined) {
    host = new BridgeHost(workerModule);
    hosts.set(workerModule.href, host);
  }
  return host;
}

/** The caller's end: one session in the worker of `workerModule`. */
export class SyncWorkerBridge {
  private readonly host: BridgeHost;
  private readonly session: number;
  private closed = false;

  /**
   * Opens a session with `data` in the worker of `workerModule` (a URL beside this file, `.ts`
   * under tsx and vitest, `.js` when built). `describe` names the far end in messages.
   */
  constructor(workerModule: URL, data: unknown, private readonly describe: string) {
    this.host = hostFor(workerModule);
    this.session = this.host.nextSession++;
    this.host.port.postMessage({ attach: this.session, data } satisfies BridgeControl);
  }

  /** Runs `method(...args)` in the worker and returns its result, blocking until then (or `timeoutMs`). */
  call<T>(method: string, args: unknown[], timeoutMs = 300_000): T {
    if (this.closed) throw new HangjiaError('E_STORE_CLOSED', `The ${this.describe} is closed.`, { details: { method } });
    // A blocked thread sees no events, so a worker that died is only noticed between calls; one
    // that dies during a call shows as the timeout (the worker catches every error it can).
    const failure = this.host.failure;
    if (failure !== undefined) {
      throw new HangjiaError('E_STORE_CONNECT', `The ${this.describe} stopped: ${failure.message}`, { details: { method }, cause: failure });
    }
    const id = this.host.nextId++;
    Atomics.store(this.host.signal, 0, 0);
    this.host.port.postMessage({ session: this.session, id, method, args } satisfies BridgeRequest);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const received = receiveMessageOnPort(this.host.port) as { message: BridgeReply } | undefined;
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
      Atomics.wait(this.host.signal, 0, 0, left);
    }
  }

  /** Calls `close` in the session (if the worker is alive), then ends the session; the thread stays for the next bridge. */
  close(): void {
    if (this.closed) return;
    try {
      if (this.host.failure === undefined) this.call('close', [], 30_000);
    } finally {
      this.closed = true;
      if (this.host.failure === undefined) this.host.port.postMessage({ detach: this.session } satisfies BridgeControl);
    }
  }
}

/** Handles one session's calls; made by the worker for each session from the data its bridge opened it with. */
export type BridgeSessionHandler = (method: string, args: unknown[]) => Promise<unknown>;

/**
 * The worker's end: makes a handler per session with `openSession` and answers each request with
 * its result or error. One call runs at a time, since the calling thread blocks until it has the reply.
 */
export function serveSyncBridge(workerData: BridgeWorkerData, openSession: (data: unknown) => BridgeSessionHandler): void {
  const signal = new Int32Array(workerData.signal);
  const sessions = new Map<number, BridgeSessionHandler>();
  workerData.port.on('message', (message: BridgeRequest | BridgeControl) => {
    if ('attach' in message) {
      sessions.set(message.attach, openSession(message.data));
      return;
    }
    if ('detach' in message) {
      sessions.delete(message.detach);
      return;
    }
    void (async () => {
      let reply: BridgeReply;
      try {
        const handle = sessions.get(message.session);
        if (handle === undefined) throw new Error(`No session ${message.session} in the store worker.`);
        reply = { id: message.id, value: await handle(message.method, message.args) };
      } catch (error) {
        reply = { id: message.id, error: serializeError(error) };
      }
      workerData.port.postMessage(reply);
      Atomics.store(signal, 0, 1);
      Atomics.notify(signal, 0);
    })();
  });
}

/** Under tsx and vitest the worker module is TypeScript: load it through tsx, as `createJobWorker` does. */
function startWorker(module: URL, workerData: BridgeWorkerData, transferList: MessagePort[]): Worker {
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
