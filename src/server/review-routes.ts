import fs from 'node:fs';
import path from 'node:path';
import { createRoute, type OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
import { canWriteKnowledgeBase, type Principal } from '../access/index.js';
import { readDatasetFile, readReviewState, recordChunkIds, recordReviewDecision, reviewStatuses, writeReviewState, type DatasetRecord } from '../datasets/index.js';
import { HangjiaError } from '../errors/index.js';
import {
  DatasetFileListSchema,
  DatasetParamsSchema,
  ErrorBodySchema,
  KnowledgeBaseNameParamsSchema,
  ReviewDecisionRequestSchema,
  ReviewDecisionSchema,
  ReviewItemListSchema,
  type DatasetFile,
  type ReviewItem,
} from './api-types.js';
import { knowledgeBaseNotFound } from './error-response.js';
import type { HangjiaService } from './hangjia-service.js';

type ServerEnv = { Variables: { principal: Principal } };

const errors = {
  401: { description: 'Missing or invalid API key', content: { 'application/json': { schema: ErrorBodySchema } } },
  404: { description: 'No such knowledge base or dataset (or the key may not review it)', content: { 'application/json': { schema: ErrorBodySchema } } },
} satisfies RouteConfig['responses'];
const bearer = [{ bearerAuth: [] }];

/** Where a knowledge base's generated datasets live for review in the web UI: `$HANGJIA_HOME/datasets/<kb>/*.jsonl`. */
function datasetsFolderOf(home: string, knowledgeBase: string): string {
  return path.join(home, 'datasets', knowledgeBase);
}

/**
 * Review of generated datasets over HTTP, for keys that may change the knowledge base (editors
 * and admins). Decisions go through `recordReviewDecision` into `<file>.review.json`, the file
 * `hangjia data review` reads and writes, so the CLI and the UI see each other's decisions.
 */
export function registerReviewRoutes(app: OpenAPIHono<ServerEnv>, service: HangjiaService): void {
  const home = service.config.home;
  const folderFor = (principal: Principal, knowledgeBase: string): string => {
    if (!canWriteKnowledgeBase(principal, knowledgeBase) || !service.registry.exists(knowledgeBase)) throw knowledgeBaseNotFound(knowledgeBase);
    return datasetsFolderOf(home, knowledgeBase);
  };
  const fileFor = (principal: Principal, knowledgeBase: string, name: string): string => {
    const folder = folderFor(principal, knowledgeBase);
    if (!/^[^/\\]+\.jsonl$/u.test(name) || name.startsWith('.') || !fs.existsSync(path.join(folder, name))) {
      throw new HangjiaError('E_NOT_FOUND', `No dataset "${name}" in ${folder} (datasets for review are the .jsonl files there).`, { details: { param: 'file' } });
    }
    return path.join(folder, name);
  };

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/knowledge-bases/{kb}/datasets',
      tags: ['Data review'],
      summary: 'The generated datasets of a knowledge base ($HANGJIA_HOME/datasets/<kb>/*.jsonl) with review counts',
      security: bearer,
      request: { params: KnowledgeBaseNameParamsSchema },
      responses: { 200: { description: 'Datasets', content: { 'application/json': { schema: DatasetFileListSchema } } }, ...errors },
    }),
    (c) => {
      const knowledgeBase = c.req.valid('param').kb;
      const folder = folderFor(c.get('principal'), knowledgeBase);
      const names = fs.existsSync(folder) ? fs.readdirSync(folder).filter((name) => name.endsWith('.jsonl') && !name.startsWith('.')).sort() : [];
      const datasets = names.map((file): DatasetFile => {
        const statuses = reviewStatuses(readDatasetFile(path.join(folder, file)).records, readReviewState(path.join(folder, file)));
        const counts = { pending: 0, accept: 0, edit: 0, reject: 0 };
        for (const entry of statuses) counts[entry.status] += 1;
        return { knowledgeBase, file, items: statuses.length, counts };
      });
      return c.json({ datasets }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/knowledge-bases/{kb}/datasets/{file}',
      tags: ['Data review'],
      summary: 'A dataset\'s items with their review status and source chunk ids',
      security: bearer,
      request: { params: DatasetParamsSchema },
      responses: { 200: { description: 'Items', content: { 'application/json': { schema: ReviewItemListSchema } } }, ...errors },
    }),
    (c) => {
      const { kb, file } = c.req.valid('param');
      const location = fileFor(c.get('principal'), kb, file);
      const read = readDatasetFile(location);
      const state = readReviewState(location);
      const items = reviewStatuses(read.records, state).map(({ record, id, status }): ReviewItem => ({
        id,
        status,
        instruction: firstUserTurn(record),
        output: lastAssistantTurn(record),
        chunkIds: recordChunkIds(record),
        decision: state.decisions[id] ?? null,
      }));
      return c.json({ knowledgeBase: kb, file, items, problems: read.problems.map(({ line, message }) => ({ line, message })) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/knowledge-bases/{kb}/datasets/{file}/decisions',
      tags: ['Data review'],
      summary: 'Accept, edit or reject one item (saved at once in <file>.review.json)',
      security: bearer,
      request: { params: DatasetParamsSchema, body: { content: { 'application/json': { schema: ReviewDecisionRequestSchema } }, required: true } },
      responses: { 200: { description: 'The recorded decision', content: { 'application/json': { schema: ReviewDecisionSchema } } }, ...errors },
    }),
    (c) => {
      const { kb, file } = c.req.valid('param');
      const location = fileFor(c.get('principal'), kb, file);
      const request = c.req.valid('json');
      const read = readDatasetFile(location);
      const state = readReviewState(location);
      const knownIds = new Set(reviewStatuses(read.records, state).map((entry) => entry.id));
      const decision = recordReviewDecision(
        state,
        { id: request.id, action: request.action, ...(request.edited ? { edited: request.edited } : {}), ...(request.reason ? { reason: request.reason } : {}) },
        { knownIds },
      );
      writeReviewState(location, state);
      return c.json(decision, 200);
    },
  );
}

function firstUserTurn(record: DatasetRecord): string {
  return record.turns.find((turn) => turn.role === 'user')?.content ?? record.text;
}

function lastAssistantTurn(record: DatasetRecord): string {
  return record.turns.filter((turn) => turn.role === 'assistant').at(-1)?.content ?? '';
}
