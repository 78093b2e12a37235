import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { HangjiaError } from '../errors/index.js';
import { createApp } from './create-app.js';
import { errorResponse } from './error-response.js';
import type { HangjiaService } from './hangjia-service.js';

/** A running server: where it listens, and how to stop it. */
export interface RunningServer {
  /** e.g. `http://127.0.0.1:8730` */
  url: string;
  port: number;
  /**
   * Stops taking requests, waits for those in flight up to `server.drainMs`, then closes what is
   * left, stops the jobs (they resume at the next start) and closes the knowledge bases.
   */
  close(): Promise<void>;
}

/** Whether `host` is a loopback address (reachable from this machine only). */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * Listens on `host:port` (port 0 picks a free one) and resumes the jobs a previous run left
 * unfinished. Without API keys the server must stay on loopback: anyone who can reach it could
 * read every document, so a non-loopback `host` is refused with `E_CONFIG` until a key exists.
 *
 * @example
 * const service = new HangjiaService({ config });
 * const server = await startServer(service, { host: '127.0.0.1', port: 0 });
 * // … server.url …
 * await server.close();
 */
export async function startServer(service: HangjiaService, options: { host: string; port: number; /** The built web UI to serve at `/` (default `dist/ui`). */ uiDirectory?: string }): Promise<RunningServer> {
  if (!isLoopbackHost(options.host) && !service.keysExist()) {
    throw new HangjiaError(
      'E_CONFIG',
      `Refusing to listen on ${options.host}: no API key exists, so anyone who can reach that address could read every knowledge base. Create one with "hangjia keys create --name <name>", or listen on 127.0.0.1.`,
      { details: { setting: 'server.host', value: options.host } },
    );
  }
  const app = createApp(service, options.uiDirectory === undefined ? {} : { uiDirectory: options.uiDirectory });
  let draining = false;
  let inFlight = 0;
  const refuse = (error: HangjiaError, headers: Record<string, string>): Response => {
    const { status, body } = errorResponse(error);
    return Response.json(body, { status, headers });
  };
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const listening = serve(
      {
        fetch: async (request: Request) => {
          if (draining) return refuse(new HangjiaError('E_SHUTTING_DOWN', 'The server is shutting down.'), { connection: 'close', 'retry-after': '5' });
          // Admission control: a response's handling, not its streamed body, counts (answers are bounded by the model queue).
          if (inFlight >= service.config.server.maxConcurrentRequests && new URL(request.url).pathname !== '/health') {
            return refuse(
              new HangjiaError('E_BUSY', `The server is busy: ${inFlight} requests are being handled (server.maxConcurrentRequests). Retry after a moment.`, { isRetryable: true }),
              { 'retry-after': '1' },
            );
          }
          inFlight += 1;
          try {
            return await app.fetch(request);
          } finally {
            inFlight -= 1;
          }
        },
        hostname: options.host,
        port: options.port,
      },
      () => resolve(listening),
    );
    listening.once('error', reject);
  });
  // Longer than clients keep idle sockets (undici: 4 s, browsers: up to 60 s), so the server is
  // never the side that closes a socket a client is just reusing (a reset under load otherwise).
  const http = server as unknown as { keepAliveTimeout: number; headersTimeout: number; closeIdleConnections(): void; closeAllConnections(): void };
  http.keepAliveTimeout = 65_000;
  http.headersTimeout = 66_000;
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  service.jobs.resumeInterrupted();

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      draining = true;
      // `close` resolves when every connection has ended, streams included. A keep-alive
      // connection goes idle when its response ends and would hold it open: sweep those.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const sweep = setInterval(() => http.closeIdleConnections(), 50);
      http.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([closed, new Promise((resolve) => (timer = setTimeout(resolve, service.config.server.drainMs)))]);
      clearInterval(sweep);
      clearTimeout(timer);
      http.closeAllConnections();
      await service.close();
    })());
  return { url: `http://${host}:${address.port}`, port: address.port, close };
}
