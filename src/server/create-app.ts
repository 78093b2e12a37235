import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { serveStatic } from '@hono/node-server/serve-static';
import { createRoute, OpenAPIHono, z, type RouteConfig } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { answerToJson, type AnswerStream, type AnswerStreamPart, type ConversationTurn } from '../answer/index.js';
import { HangjiaError } from '../errors/index.js';
import type { Principal } from '../access/index.js';
import {
  AskRequestSchema,
  AskResponseSchema,
  ChatCompletionRequestSchema,
  ChatCompletionSchema,
  ChunkParamsSchema,
  ChunkSchema,
  CreateKnowledgeBaseRequestSchema,
  CreateKnowledgeBaseResponseSchema,
  DocumentDetailSchema,
  DocumentListSchema,
  DocumentParamsSchema,
  DocumentGroupsRequestSchema,
  DocumentGroupsResponseSchema,
  EmbeddingsRequestSchema,
  EmbeddingsResponseSchema,
  ErrorBodySchema,
  HealthSchema,
  JobAcceptedSchema,
  JobIdParamsSchema,
  JobSchema,
  KnowledgeBaseListSchema,
  KnowledgeBaseNameParamsSchema,
  ModelListSchema,
  SearchRequestSchema,
  SearchResponseSchema,
  StatsResponseSchema,
  UploadFormSchema,
  UploadResponseSchema,
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatCompletionRequest,
  type Job,
} from './api-types.js';
import { badRequest, errorResponse } from './error-response.js';
import { citationToApi, hitToApi, type HangjiaService, type UploadedFile } from './hangjia-service.js';
import { createMcpServer } from './mcp-server.js';
import { registerKeyRoutes } from './key-routes.js';
import { registerReviewRoutes } from './review-routes.js';
import { registerEvaluationRoutes } from './evaluation-routes.js';
import type { AnsweringStrategy, StrategyAnswer, StrategyFallback } from '../reasoning/index.js';

type ServerEnv = { Variables: { principal: Principal } };

/** Where a built web UI is served from, when there is one (`dist/ui`, a later issue's build output). */
export const UI_DIRECTORY = fileURLToPath(new URL('../../dist/ui', import.meta.url));

const errorResponses = {
  400: { description: 'Bad request: the message names the field', content: { 'application/json': { schema: ErrorBodySchema } } },
  401: { description: 'Missing or invalid API key', content: { 'application/json': { schema: ErrorBodySchema } } },
  404: { description: 'Not found (or not readable by this key)', content: { 'application/json': { schema: ErrorBodySchema } } },
  429: { description: 'Over the key\'s rate limit (Retry-After)', content: { 'application/json': { schema: ErrorBodySchema } } },
} satisfies RouteConfig['responses'];

const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });
const jsonBody = <T extends z.ZodType>(schema: T) => ({ body: { content: { 'application/json': { schema } }, required: true } });
const bearer = [{ bearerAuth: [] }];

/**
 * The HTTP API over a `HangjiaService`: OpenAI-compatible `/v1/*`, REST under `/api/*`, MCP at
 * `/mcp`, `/openapi.json` generated from the same route schemas the handlers validate with, and
 * a built web UI at `/` when `dist/ui` exists. Every error leaves through `onError` and
 * `errorResponse`; every route but `/health` authenticates first.
 */
export function createApp(service: HangjiaService, options: { uiDirectory?: string } = {}): OpenAPIHono<ServerEnv> {
  const { server: limits } = service.config;
  const app = new OpenAPIHono<ServerEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const issue = result.error.issues[0]!;
        const field = issue.path.map(String).join('.');
        throw badRequest(`Invalid request${field ? ` field "${field}"` : ''}: ${issue.message}.`, field || undefined);
      }
    },
  });

  app.onError((error, c) => {
    const response = errorResponse(error);
    if (response.status >= 500 && !HangjiaError.is(error)) console.error(error);
    return c.json(response.body, response.status, response.headers);
  });
  app.notFound((c) => c.json({ error: { message: `No route ${c.req.method} ${c.req.path}.`, type: 'not_found_error', code: 'E_NOT_FOUND', param: null } }, 404));

  if (limits.corsOrigins.length > 0) {
    app.use('*', cors({ origin: limits.corsOrigins.includes('*') ? '*' : limits.corsOrigins, allowHeaders: ['Authorization', 'Content-Type'], exposeHeaders: ['Retry-After'] }));
  }

  app.openapi(
    createRoute({ method: 'get', path: '/health', summary: 'Liveness; needs no key', responses: { 200: json(HealthSchema, 'The server is up') } }),
    (c) => c.json({ status: 'ok' as const, knowledgeBases: service.registry.names().length, jobsRunning: service.jobs.runningCount() }, 200),
  );

  app.use('*', async (c, next) => {
    // The API needs a key once keys exist; /health and the UI's static files never do (the UI asks for a key itself).
    const isApi = c.req.path.startsWith('/v1/') || c.req.path.startsWith('/api/') || c.req.path === '/mcp' || c.req.path === '/openapi.json';
    if (!isApi || (c.req.method === 'OPTIONS' && limits.corsOrigins.length > 0)) return next();
    c.set('principal', service.authenticate(c.req.header('authorization')));
    return next();
  });

  const uploadBytes = limits.maxUploadFiles * service.config.ingest.maxFileBytes + 1024 * 1024;
  app.use('*', async (c, next) => {
    const isUpload = c.req.method === 'POST' && /^\/api\/knowledge-bases\/[^/]+\/documents$/.test(c.req.path);
    return bodyLimit({
      maxSize: isUpload ? uploadBytes : limits.maxBodyBytes,
      onError: () => {
        throw new HangjiaError('E_BODY_TOO_LARGE', `The request body is over ${isUpload ? `${uploadBytes} bytes (server.maxUploadFiles × ingest.maxFileBytes)` : `${limits.maxBodyBytes} bytes (server.maxBodyBytes)`}.`);
      },
    })(c, next);
  });

  // ── OpenAI-compatible ────────────────────────────────────────────────────────────────────

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/chat/completions',
      tags: ['OpenAI-compatible'],
      summary: 'Answer from a knowledge base ("model": "kb:<name>"), streaming or not; citations in an extra field',
      security: bearer,
      request: jsonBody(ChatCompletionRequestSchema),
      responses: {
        200: {
          description: 'A chat.completion, or with "stream": true, chat.completion.chunk server-sent events ending in [DONE]; the last chunk carries "citations"',
          content: { 'application/json': { schema: ChatCompletionSchema }, 'text/event-stream': { schema: z.string() } },
        },
        ...errorResponses,
        503: json(ErrorBodySchema, 'The model queue is full (Retry-After)'),
      },
    }),
    async (c) => {
      const request = c.req.valid('json');
      const knowledgeBase = knowledgeBaseOfModel(request.model);
      const { question, history } = conversationOf(request.messages);
      const id = `chatcmpl-${crypto.randomUUID()}`;
      const created = Math.floor(Date.now() / 1000);
      const { stream, release, strategyAnswer } = await service.ask(c.get('principal'), knowledgeBase, {
        question,
        history,
        ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
        ...(request.max_completion_tokens ?? request.max_tokens ? { maxTokens: (request.max_completion_tokens ?? request.max_tokens)! } : {}),
        signal: c.req.raw.signal,
        ...(request.strategy ? { strategy: request.strategy } : {}),
      });
      if (!request.stream) {
        try {
          const answer = await stream.answer;
          const strategy = await strategyFields(strategyAnswer, request.trace);
          const completion: ChatCompletion = {
            id,
            object: 'chat.completion',
            created,
            model: request.model,
            choices: [{ index: 0, message: { role: 'assistant', content: answer.text }, finish_reason: finishReason(answer) }],
            usage: usageOf(answer),
            citations: answer.citations.map(citationToApi),
            hangjia: { ...answerMeta(answer), ...strategy },
          };
          return c.json(completion, 200);
        } finally {
          release();
        }
      }
      const parts = await firstPartsOrThrow(stream, release);
      const chunk = (delta: ChatCompletionChunk['choices'][number]['delta'], extra: Partial<ChatCompletionChunk> = {}, finish: string | null = null): string =>
        JSON.stringify({ id, object: 'chat.completion.chunk', created, model: request.model, choices: [{ index: 0, delta, finish_reason: finish }], ...extra } satisfies ChatCompletionChunk);
      return streamSSE(c, async (sse) => {
        try {
          await sse.writeSSE({ data: chunk({ role: 'assistant', content: '' }) });
          for await (const part of parts) {
            if (part.type === 'text-delta') await sse.writeSSE({ data: chunk({ content: part.delta }) });
          }
          const answer = await stream.answer;
          const strategy = await strategyFields(strategyAnswer, request.trace);
          await sse.writeSSE({ data: chunk({}, { citations: answer.citations.map(citationToApi), hangjia: { ...answerMeta(answer), ...strategy } }, finishReason(answer)) });
        } catch (error) {
          await sse.writeSSE({ data: JSON.stringify(errorResponse(error).body) });
        } finally {
          release();
        }
        await sse.writeSSE({ data: '[DONE]' });
      });
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/v1/models', tags: ['OpenAI-compatible'], summary: 'The knowledge bases this key may read, as "kb:<name>" models', security: bearer, responses: { 200: json(ModelListSchema, 'Models'), ...errorResponses } }),
    async (c) => {
      const knowledgeBases = await service.listKnowledgeBases(c.get('principal'));
      return c.json({ object: 'list' as const, data: knowledgeBases.map(({ name }) => ({ id: `kb:${name}`, object: 'model' as const, created: 0, owned_by: 'hangjia' })) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/embeddings',
      tags: ['OpenAI-compatible'],
      summary: 'Embeddings from the configured embedding model (404 naming embedding.provider when none is)',
      security: bearer,
      request: jsonBody(EmbeddingsRequestSchema),
      responses: { 200: json(EmbeddingsResponseSchema, 'Embeddings'), ...errorResponses },
    }),
    async (c) => {
      const { input } = c.req.valid('json');
      return c.json(await service.embed(typeof input === 'string' ? [input] : input), 200);
    },
  );

  // ── Knowledge bases ──────────────────────────────────────────────────────────────────────

  app.openapi(
    createRoute({ method: 'get', path: '/api/knowledge-bases', tags: ['Knowledge bases'], summary: 'The knowledge bases this key may read', security: bearer, responses: { 200: json(KnowledgeBaseListSchema, 'Knowledge bases'), ...errorResponses } }),
    async (c) => c.json({ knowledgeBases: await service.listKnowledgeBases(c.get('principal')) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/knowledge-bases',
      tags: ['Knowledge bases'],
      summary: 'Create a knowledge base (admin); it ingests its sources in a job',
      security: bearer,
      request: jsonBody(CreateKnowledgeBaseRequestSchema),
      responses: { 202: json(CreateKnowledgeBaseResponseSchema, 'Created; the job ingests'), ...errorResponses, 403: json(ErrorBodySchema, 'Not an admin key'), 409: json(ErrorBodySchema, 'It exists') },
    }),
    async (c) => c.json(await service.createKnowledgeBase(c.get('principal'), c.req.valid('json')), 202),
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/knowledge-bases/{kb}',
      tags: ['Knowledge bases'],
      summary: 'Remove a knowledge base (admin); its source folders are untouched',
      security: bearer,
      request: { params: KnowledgeBaseNameParamsSchema },
      responses: { 204: { description: 'Removed' }, ...errorResponses, 403: json(ErrorBodySchema, 'Not an admin key'), 409: json(ErrorBodySchema, 'A job is running on it') },
    }),
    (c) => {
      service.removeKnowledgeBase(c.get('principal'), c.req.valid('param').kb);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/api/knowledge-bases/{kb}/stats', tags: ['Knowledge bases'], summary: 'Counts (of the documents this key may read)', security: bearer, request: { params: KnowledgeBaseNameParamsSchema }, responses: { 200: json(StatsResponseSchema, 'Stats'), ...errorResponses } }),
    async (c) => c.json(await service.stats(c.get('principal'), c.req.valid('param').kb), 200),
  );

  for (const kind of ['sync', 'reindex'] as const) {
    app.openapi(
      createRoute({
        method: 'post',
        path: `/api/knowledge-bases/{kb}/${kind}`,
        tags: ['Knowledge bases'],
        summary: kind === 'sync' ? 'Re-ingest changed source files (a job; editor)' : 'Rebuild the derived indexes (a job; editor)',
        security: bearer,
        request: { params: KnowledgeBaseNameParamsSchema },
        responses: { 202: json(JobAcceptedSchema, 'Queued'), ...errorResponses, 403: json(ErrorBodySchema, 'Read-only key') },
      }),
      (c) => c.json({ job: service.sync(c.get('principal'), c.req.valid('param').kb, kind) }, 202),
    );
  }

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/knowledge-bases/{kb}/search',
      tags: ['Retrieval'],
      summary: 'Search (hits carry chunk ids, offsets and matched terms)',
      security: bearer,
      request: { params: KnowledgeBaseNameParamsSchema, ...jsonBody(SearchRequestSchema) },
      responses: { 200: json(SearchResponseSchema, 'Hits'), ...errorResponses },
    }),
    async (c) => c.json(await service.search(c.get('principal'), c.req.valid('param').kb, c.req.valid('json')), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/knowledge-bases/{kb}/ask',
      tags: ['Retrieval'],
      summary: 'Answer with [n] citations; JSON, or server-sent events (retrieval-end, text-delta, citation, answer-end, error) with "stream": true or Accept: text/event-stream',
      security: bearer,
      request: { params: KnowledgeBaseNameParamsSchema, ...jsonBody(AskRequestSchema) },
      responses: { 200: { description: 'The answer', content: { 'application/json': { schema: AskResponseSchema }, 'text/event-stream': { schema: z.string() } } }, ...errorResponses, 503: json(ErrorBodySchema, 'The model queue is full (Retry-After)') },
    }),
    async (c) => {
      const name = c.req.valid('param').kb;
      const request = c.req.valid('json');
      const { stream, release, strategyAnswer } = await service.ask(c.get('principal'), name, {
        question: request.question,
        ...(request.history ? { history: request.history } : {}),
        ...(request.k === undefined ? {} : { k: request.k }),
        signal: c.req.raw.signal,
        ...(request.strategy ? { strategy: request.strategy } : {}),
      });
      if (!(request.stream ?? c.req.header('accept')?.includes('text/event-stream'))) {
        try {
          const answer = await stream.answer;
          return c.json({ ...answerToJson(answer, name, 'summary'), ...(await strategyFields(strategyAnswer, request.trace)) }, 200);
        } finally {
          release();
        }
      }
      const parts = await firstPartsOrThrow(stream, release);
      return streamSSE(c, async (sse) => {
        try {
          for await (const part of parts) await writeAnswerPart(sse, part, name);
        } finally {
          release();
        }
      });
    },
  );

  // ── Documents and chunks ─────────────────────────────────────────────────────────────────

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/knowledge-bases/{kb}/documents',
      tags: ['Documents'],
      summary: 'Documents this key may read',
      security: bearer,
      request: { params: KnowledgeBaseNameParamsSchema, query: z.object({ offset: z.coerce.number().int().min(0).optional(), limit: z.coerce.number().int().min(1).max(1000).optional() }) },
      responses: { 200: json(DocumentListSchema, 'Documents'), ...errorResponses },
    }),
    async (c) => {
      const { offset, limit } = c.req.valid('query');
      return c.json(await service.listDocuments(c.get('principal'), c.req.valid('param').kb, { offset: offset ?? 0, limit: limit ?? 100 }), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/knowledge-bases/{kb}/documents',
      tags: ['Documents'],
      summary: 'Upload files (multipart "files", optional "groups"); a job ingests them (editor)',
      security: bearer,
      request: { params: KnowledgeBaseNameParamsSchema, body: { content: { 'multipart/form-data': { schema: UploadFormSchema } } } },
      responses: { 202: json(UploadResponseSchema, 'Saved; the job ingests'), ...errorResponses, 403: json(ErrorBodySchema, 'Read-only key'), 413: json(ErrorBodySchema, 'Too large') },
    }),
    async (c) => {
      const name = c.req.valid('param').kb;
      service.requireWritable(c.get('principal'), name);
      const form = await c.req.parseBody({ all: true });
      const entries = form['files'] === undefined ? [] : Array.isArray(form['files']) ? form['files'] : [form['files']];
      const files: UploadedFile[] = [];
      for (const entry of entries) {
        if (typeof entry === 'string') throw badRequest('The field "files" must hold files, not text.', 'files');
        files.push({ name: entry.name, bytes: new Uint8Array(await entry.arrayBuffer()) });
      }
      const groups = typeof form['groups'] === 'string' ? form['groups'].split(',').map((group) => group.trim()).filter(Boolean) : [];
      const { files: saved, job } = await service.upload(c.get('principal'), name, files, groups);
      return c.json({ knowledgeBase: name, files: saved, job }, 202);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/api/knowledge-bases/{kb}/documents/{documentId}', tags: ['Documents'], summary: 'A document with its text and chunks', security: bearer, request: { params: DocumentParamsSchema }, responses: { 200: json(DocumentDetailSchema, 'The document'), ...errorResponses } }),
    async (c) => {
      const { kb, documentId } = c.req.valid('param');
      return c.json(await service.getDocument(c.get('principal'), kb, documentId), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/knowledge-bases/{kb}/documents/{documentId}',
      tags: ['Documents'],
      summary: 'Delete an uploaded document (a job re-syncs; editor)',
      security: bearer,
      request: { params: DocumentParamsSchema },
      responses: { 202: json(JobAcceptedSchema, 'Deleted; the job updates the indexes'), ...errorResponses, 403: json(ErrorBodySchema, 'Read-only key'), 409: json(ErrorBodySchema, 'Not an upload') },
    }),
    async (c) => {
      const { kb, documentId } = c.req.valid('param');
      return c.json({ job: await service.deleteDocument(c.get('principal'), kb, documentId) }, 202);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/knowledge-bases/{kb}/documents/{documentId}/groups',
      tags: ['Documents'],
      summary: "Set a document's access groups (admin; null = its file's groups again); a job reindexes",
      security: bearer,
      request: { params: DocumentParamsSchema, body: { content: { 'application/json': { schema: DocumentGroupsRequestSchema } }, required: true } },
      responses: { 202: json(DocumentGroupsResponseSchema, 'Changed; the job rebuilds the indexes'), ...errorResponses, 403: json(ErrorBodySchema, 'Not an admin key'), 503: json(ErrorBodySchema, 'A job or CLI writer holds the knowledge base') },
    }),
    async (c) => {
      const { kb, documentId } = c.req.valid('param');
      return c.json(await service.setDocumentGroups(c.get('principal'), kb, documentId, c.req.valid('json').groups), 202);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/api/knowledge-bases/{kb}/chunks/{chunkId}', tags: ['Documents'], summary: 'A chunk with its location', security: bearer, request: { params: ChunkParamsSchema }, responses: { 200: json(ChunkSchema, 'The chunk'), ...errorResponses } }),
    async (c) => {
      const { kb, chunkId } = c.req.valid('param');
      const { knowledgeBase: _knowledgeBase, ...chunk } = await service.getChunk(c.get('principal'), kb, chunkId);
      return c.json(chunk, 200);
    },
  );

  // ── Jobs ─────────────────────────────────────────────────────────────────────────────────

  app.openapi(
    createRoute({ method: 'get', path: '/api/jobs/{id}', tags: ['Jobs'], summary: 'A job\'s state and progress', security: bearer, request: { params: JobIdParamsSchema }, responses: { 200: json(JobSchema, 'The job'), ...errorResponses } }),
    (c) => c.json(service.getJob(c.get('principal'), c.req.valid('param').id), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/jobs/{id}/events',
      tags: ['Jobs'],
      summary: 'The job\'s progress as server-sent events ("job" events), ending when it completes or fails',
      security: bearer,
      request: { params: JobIdParamsSchema },
      responses: { 200: { description: 'Events', content: { 'text/event-stream': { schema: z.string() } } }, ...errorResponses },
    }),
    (c) => {
      const job = service.getJob(c.get('principal'), c.req.valid('param').id);
      return streamSSE(c, async (sse) => {
        const done = (state: Job): boolean => state.status === 'completed' || state.status === 'failed';
        const updates: Job[] = [];
        let wake: (() => void) | undefined;
        const unsubscribe = service.jobs.subscribe(job.id, (state) => {
          updates.push(state);
          wake?.();
        });
        sse.onAbort(() => wake?.());
        try {
          let state = service.jobs.get(job.id)!;
          await sse.writeSSE({ event: 'job', data: JSON.stringify(state) });
          while (!done(state) && !sse.aborted) {
            if (updates.length === 0) await new Promise<void>((resolve) => (wake = resolve));
            while (updates.length > 0) {
              state = updates.shift()!;
              await sse.writeSSE({ event: 'job', data: JSON.stringify(state) });
            }
          }
        } finally {
          unsubscribe();
        }
      });
    },
  );

  registerKeyRoutes(app, service);
  registerReviewRoutes(app, service);
  registerEvaluationRoutes(app, service);

  // ── MCP, OpenAPI, UI ─────────────────────────────────────────────────────────────────────

  app.all('/mcp', async (c) => {
    // Stateless: one MCP server and transport per request, bound to the caller's key.
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    const mcp = createMcpServer(service, c.get('principal'));
    await mcp.connect(transport);
    try {
      return await transport.handleRequest(c.req.raw);
    } finally {
      void mcp.close();
    }
  });

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', description: 'An API key from "hangjia keys create" (needed once any key exists)' });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'hangjia API', version: '1', description: 'Knowledge bases, grounded answers with citations, OpenAI-compatible endpoints and MCP. See docs/api.md.' },
  });

  const uiDirectory = options.uiDirectory ?? UI_DIRECTORY;
  if (fs.existsSync(uiDirectory)) app.use('/*', serveStatic({ root: uiDirectory }));
  return app;
}

/** `kb:<name>` → name; anything else is a model this server does not have. */
function knowledgeBaseOfModel(model: string): string {
  if (!model.startsWith('kb:') || model.length === 3) {
    throw new HangjiaError('E_NOT_FOUND', `Model "${model}" does not exist: this server answers from knowledge bases, named "kb:<name>" (GET /v1/models lists them).`, { details: { param: 'model' } });
  }
  return model.slice(3);
}

/** The last message is the question; the user and assistant turns before it are the conversation. */
function conversationOf(messages: ChatCompletionRequest['messages']): { question: string; history: ConversationTurn[] } {
  const textOf = (content: ChatCompletionRequest['messages'][number]['content']): string =>
    typeof content === 'string' ? content : (content ?? []).map((part) => (part.type === 'text' ? (part.text ?? '') : '')).join('');
  const last = messages[messages.length - 1]!;
  if (last.role !== 'user') throw badRequest(`The last message must be the user's question; it is a "${last.role}" message.`, `messages.${messages.length - 1}.role`);
  const question = textOf(last.content).trim();
  if (question === '') throw badRequest('The last user message is empty.', `messages.${messages.length - 1}.content`);
  const history = messages
    .slice(0, -1)
    .filter((message): message is typeof message & { role: 'user' | 'assistant' } => message.role === 'user' || message.role === 'assistant')
    .map((message) => ({ role: message.role, content: textOf(message.content) }));
  return { question, history };
}

type Answer = Awaited<AnswerStream['answer']>;

function finishReason(answer: Answer): string {
  return answer.finishReason === 'length' ? 'length' : 'stop';
}

function usageOf(answer: Answer): ChatCompletion['usage'] {
  const prompt = answer.usage.inputTokens ?? answer.tokens.prompt;
  const completion = answer.usage.outputTokens ?? answer.tokens.answer;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/** A pearl/agent answer's strategy, fallback and (asked for) trace; nothing for plain RAG. */
async function strategyFields(strategyAnswer: Promise<StrategyAnswer> | undefined, withTrace: boolean | undefined): Promise<{ strategy?: AnsweringStrategy; fallback?: StrategyFallback; trace?: unknown }> {
  if (!strategyAnswer) return {};
  const { strategy, fallback, trace } = await strategyAnswer;
  return { strategy, ...(fallback ? { fallback } : {}), ...(withTrace && trace ? { trace } : {}) };
}

function answerMeta(answer: Answer): ChatCompletion['hangjia'] {
  return {
    kind: answer.kind,
    refusal: answer.refusal ?? null,
    standaloneQuestion: answer.standaloneQuestion,
    evidence: { score: answer.evidence.score, threshold: answer.evidenceThreshold },
    unsupportedSentences: answer.unsupportedSentences.length,
  };
}

/**
 * Reads the answer stream up to its first text (or its end) before a streaming response commits
 * to status 200, so that a model that cannot be reached is answered with its real status (502),
 * not a stream that breaks. Returns the parts again, those already read first.
 */
async function firstPartsOrThrow(stream: AnswerStream, release: () => void): Promise<AsyncIterable<AnswerStreamPart>> {
  const iterator = stream[Symbol.asyncIterator]();
  const early: AnswerStreamPart[] = [];
  for (;;) {
    const next = await iterator.next();
    if (next.done) break;
    early.push(next.value);
    if (next.value.type === 'error' && !early.some((part) => part.type === 'text-delta')) {
      release();
      throw next.value.error;
    }
    if (next.value.type === 'text-delta' || next.value.type === 'answer-end') break;
  }
  return {
    async *[Symbol.asyncIterator]() {
      yield* early;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    },
  };
}

async function writeAnswerPart(sse: SSEStreamingApi, part: AnswerStreamPart, knowledgeBase: string): Promise<void> {
  switch (part.type) {
    case 'retrieval-end':
      return sse.writeSSE({ event: part.type, data: JSON.stringify({ query: part.query, hits: part.hits.map(hitToApi), evidence: { score: part.evidence.score } }) });
    case 'text-delta':
      return sse.writeSSE({ event: part.type, data: JSON.stringify({ delta: part.delta }) });
    case 'citation':
      return sse.writeSSE({ event: part.type, data: JSON.stringify(citationToApi(part.citation)) });
    case 'error':
      return sse.writeSSE({ event: part.type, data: JSON.stringify(errorResponse(part.error).body) });
    case 'answer-end':
      return sse.writeSSE({ event: part.type, data: JSON.stringify(answerToJson(part.answer, knowledgeBase, 'summary')) });
  }
}
