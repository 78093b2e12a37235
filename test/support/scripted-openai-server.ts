/**
 * A real OpenAI-compatible HTTP server on 127.0.0.1 (random port) that plays a script, for testing
 * HTTP adapters offline with real sockets, real SSE and real failures.
 *
 * Without a script every route answers deterministically:
 * - `POST /v1/embeddings`: `embedTextDeterministically(text, embeddingDimensions)` per input;
 * - `POST /v1/chat/completions`: the reply "echo: <last user message>", as one JSON body or, with
 *   `stream: true`, as SSE chunks (one per character) ending in `data: [DONE]`;
 * - `GET /v1/models`: the configured model names;
 * - `POST /v1/rerank` (Cohere, Jina, vLLM shape: `{ query, documents }` → `{ results: [{ index,
 *   relevance_score }], usage }`) and `POST /rerank` (Text Embeddings Inference shape: `{ query,
 *   texts }` → `[{ index, score }]`, and TEI's 422 for a body without `texts`): each document scored
 *   by `scoreRelevanceDeterministically`, best first, as the real servers sort them.
 * `enqueue(route, …steps)` queues scripted replies for one route; each request takes the next one
 * and falls back to the default when the queue is empty. Every request is recorded in `requests`.
 *
 * @example
 * const server = await startScriptedOpenAIServer();
 * server.enqueue('/v1/embeddings', { status: 429, headers: { 'retry-after': '1' }, json: { error: { message: 'slow down' } } });
 * // … point an adapter at server.baseURL …
 * await server.close();
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One scripted reply. All forms accept `delayMs` (before the status line is written). */
export type ScriptedReply =
  | { status?: number; headers?: Record<string, string>; delayMs?: number; json: unknown }
  /** A raw body, e.g. malformed JSON or an HTML error page. */
  | { status?: number; headers?: Record<string, string>; delayMs?: number; body: string }
  /**
   * Server-sent events: objects are sent as `data: <json>`, strings verbatim after `data: `
   * (use '[DONE]'). `dropAfterEvents` destroys the socket after that many events.
   */
  | {
      status?: number;
      headers?: Record<string, string>;
      delayMs?: number;
      events: (object | string)[];
      eventDelayMs?: number;
      dropAfterEvents?: number;
    }
  /** Destroys the connection without answering (the client sees a network error). */
  | { drop: true; delayMs?: number };

/** A reply, or a function computing one from the request (e.g. echo its inputs back wrong). */
export type ScriptStep = ScriptedReply | ((request: RecordedRequest) => ScriptedReply);

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. '/v1/embeddings'. */
  path: string;
  headers: http.IncomingHttpHeaders;
  /** Parsed JSON when the body was JSON, the raw text otherwise ('' for none). */
  body: unknown;
}

export interface ScriptedOpenAIServerOptions {
  /** Length of the default embedding vectors. Default 16. */
  embeddingDimensions?: number;
  /** Names listed by `/v1/models`. Default ['scripted-model']. */
  models?: string[];
}

export interface ScriptedOpenAIServer {
  /** e.g. 'http://127.0.0.1:40123/v1' */
  readonly baseURL: string;
  readonly port: number;
  /** Every request received, in arrival order. */
  readonly requests: RecordedRequest[];
  enqueue(path: string, ...steps: ScriptStep[]): void;
  /** Drops open connections (including stalled scripted ones) and stops listening. */
  close(): Promise<void>;
}

/**
 * A deterministic "embedding" of `text`: character unigrams and bigrams hashed (FNV-1a) into
 * `dimensions` signed buckets, then scaled to length 1. Texts sharing characters and bigrams get
 * similar vectors, which is enough for ranking tests; the empty text gives the zero vector.
 */
export function embedTextDeterministically(text: string, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  const characters = [...text];
  const features = [...characters, ...characters.slice(1).map((character, index) => `${characters[index]}${character}`)];
  for (const feature of features) {
    let hash = 0x811c9dc5;
    for (let index = 0; index < feature.length; index++) {
      hash = Math.imul(hash ^ feature.charCodeAt(index), 0x01000193) >>> 0;
    }
    const bucket = hash % dimensions;
    vector[bucket] = (vector[bucket] ?? 0) + ((hash >>> 31) === 1 ? -1 : 1);
  }
  const length = Math.hypot(...vector);
  return length === 0 ? vector : vector.map((value) => value / length);
}

/**
 * A deterministic "relevance" of `document` to `query`: the share of the query's distinct
 * non-space characters that the document contains, in [0, 1] (0 for an empty query). Enough to
 * tell a matching passage from an unrelated one in reranking tests, with exact expected values.
 */
export function scoreRelevanceDeterministically(query: string, document: string): number {
  const characters = new Set([...query].filter((character) => character.trim() !== ''));
  if (characters.size === 0) return 0;
  return [...characters].filter((character) => document.includes(character)).length / characters.size;
}

export async function startScriptedOpenAIServer(options: ScriptedOpenAIServerOptions = {}): Promise<ScriptedOpenAIServer> {
  const { embeddingDimensions = 16, models = ['scripted-model'] } = options;
  const queues = new Map<string, ScriptStep[]>();
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const wait = (milliseconds: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, milliseconds);
      timers.add(timer);
    });

  const defaultReply = (request: RecordedRequest): ScriptedReply => {
    const body = (request.body ?? {}) as { input?: unknown; model?: string; messages?: { role: string; content: string }[]; stream?: boolean };
    if (request.path === '/v1/embeddings' && request.method === 'POST') {
      const inputs = typeof body.input === 'string' ? [body.input] : Array.isArray(body.input) ? (body.input as string[]) : [];
      return {
        json: {
          object: 'list',
          model: body.model,
          data: inputs.map((input, index) => ({ object: 'embedding', index, embedding: embedTextDeterministically(input, embeddingDimensions) })),
          usage: { prompt_tokens: inputs.join('').length, total_tokens: inputs.join('').length },
        },
      };
    }
    if (request.path === '/v1/chat/completions' && request.method === 'POST') {
      const lastUser = [...(body.messages ?? [])].reverse().find((message) => message.role === 'user');
      const text = `echo: ${lastUser?.content ?? ''}`;
      const usage = { prompt_tokens: 1, completion_tokens: [...text].length, total_tokens: 1 + [...text].length };
      const base = { id: 'chatcmpl-scripted', created: 0, model: body.model };
      if (body.stream === true) {
        return {
          events: [
            ...[...text].map((character) => ({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: character }, finish_reason: null }] })),
            { ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage },
            '[DONE]',
          ],
        };
      }
      return {
        json: { ...base, object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }], usage },
      };
    }
    if ((request.path === '/v1/rerank' || request.path === '/rerank') && request.method === 'POST') {
      const rerank = (request.body ?? {}) as { query?: unknown; documents?: unknown; texts?: unknown };
      const tei = request.path === '/rerank';
      const documents = tei ? rerank.texts : rerank.documents;
      if (typeof rerank.query !== 'string' || !Array.isArray(documents)) {
        // The wording of TEI's axum/serde rejection, which the HTTP reranker recognises.
        const missing = typeof rerank.query !== 'string' ? 'query' : tei ? 'texts' : 'documents';
        return { status: 422, body: `Failed to deserialize the JSON body into the target type: missing field \`${missing}\` at line 1 column 2` };
      }
      const query = rerank.query;
      const scored = (documents as string[])
        .map((document, index) => ({ index, score: scoreRelevanceDeterministically(query, String(document)) }))
        .sort((left, right) => right.score - left.score || left.index - right.index);
      if (tei) return { json: scored };
      const tokens = [...query].length + (documents as string[]).join('').length;
      return { json: { id: 'rerank-scripted', model: body.model, results: scored.map(({ index, score }) => ({ index, relevance_score: score })), usage: { total_tokens: tokens } } };
    }
    if (request.path === '/v1/models' && request.method === 'GET') {
      return { json: { object: 'list', data: models.map((id) => ({ id, object: 'model', owned_by: 'scripted' })) } };
    }
    return { status: 404, json: { error: { message: `No route ${request.method} ${request.path}`, type: 'not_found' } } };
  };

  const play = async (reply: ScriptedReply, response: http.ServerResponse): Promise<void> => {
    if (reply.delayMs !== undefined) await wait(reply.delayMs);
    if ('drop' in reply) {
      response.socket?.destroy();
      return;
    }
    if ('events' in reply) {
      response.writeHead(reply.status ?? 200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...reply.headers });
      response.flushHeaders();
      for (const [index, event] of reply.events.entries()) {
        if (reply.dropAfterEvents !== undefined && index >= reply.dropAfterEvents) {
          response.socket?.destroy();
          return;
        }
        if (reply.eventDelayMs !== undefined) await wait(reply.eventDelayMs);
        response.write(`data: ${typeof event === 'string' ? event : JSON.stringify(event)}\n\n`);
      }
      response.end();
      return;
    }
    const body = 'json' in reply ? JSON.stringify(reply.json) : reply.body;
    const contentType = 'json' in reply ? 'application/json' : 'text/plain; charset=utf-8';
    response.writeHead(reply.status ?? 200, { 'content-type': contentType, ...reply.headers });
    response.end(body);
  };

  const server = http.createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = text === '' ? '' : (JSON.parse(text) as unknown);
      } catch {
        // Keep the raw text: a test may be checking what a client sent when it was not JSON.
      }
      const request: RecordedRequest = {
        method: incoming.method ?? 'GET',
        path: (incoming.url ?? '/').split('?')[0] ?? '/',
        headers: incoming.headers,
        body,
      };
      requests.push(request);
      const step = queues.get(request.path)?.shift();
      const reply = step === undefined ? defaultReply(request) : typeof step === 'function' ? step(request) : step;
      play(reply, response).catch(() => response.socket?.destroy());
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    enqueue(path, ...steps) {
      const queue = queues.get(path) ?? [];
      queue.push(...steps);
      queues.set(path, queue);
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve, reject) => server.close((error) => (error === undefined ? resolve() : reject(error))));
    },
  };
}
