import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { createRoute, z, type OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
import type { Principal } from '../access/index.js';
import { HangjiaError } from '../errors/index.js';
import { groupSeed, PAIRWISE_DECISIONS_FILE, readPairwiseAnswers, reviewPairwise, summarizePairwiseOutcomes, type PairwiseDecision } from '../eval/index.js';
import { ErrorBodySchema, EvaluationParamsSchema, EvaluationRunListSchema, PairwiseDecisionRequestSchema, PairwiseReviewStateSchema, type EvaluationRun, type PairwiseReviewState } from './api-types.js';
import type { HangjiaService } from './hangjia-service.js';

type ServerEnv = { Variables: { principal: Principal } };

const errors = {
  401: { description: 'Missing or invalid API key', content: { 'application/json': { schema: ErrorBodySchema } } },
  403: { description: 'A reader key', content: { 'application/json': { schema: ErrorBodySchema } } },
  404: { description: 'No such run', content: { 'application/json': { schema: ErrorBodySchema } } },
} satisfies RouteConfig['responses'];
const bearer = [{ bearerAuth: [] }];

/** The answer files that make a run directory a human pairwise review (`eval pairwise <a> <b> --human --run-dir <it>`). */
const PAIRWISE_ANSWER_FILES = ['answers-a.jsonl', 'answers-b.jsonl'] as const;

/** Where the server looks for evaluation run directories: `$HANGJIA_HOME/runs/<name>/`. */
/** The self-contained HTML report `hangjia eval compare` writes into its run directory. */
const COMPARISON_REPORT_FILE = 'report.html';

/**
 * Headers of a served report: the report is inline CSS and SVG only, so it may load nothing,
 * run nothing and submit nothing (`sandbox`), and the browser must not sniff another type.
 */
const REPORT_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox",
  'X-Content-Type-Options': 'nosniff',
} as const;

function evaluationsFolderOf(home: string): string {
  return path.join(home, 'runs');
}

/**
 * Evaluation runs for the web UI: each directory under `$HANGJIA_HOME/runs/` with its
 * `run.json` and `summary.json`, and human pairwise review of those holding two answer files.
 * A decision is made by `reviewPairwise` itself, fed the reviewer's key for the next pending
 * pair, so the web UI and `hangjia eval pairwise --human` write the very same records.
 */
export function registerEvaluationRoutes(app: OpenAPIHono<ServerEnv>, service: HangjiaService): void {
  const folder = evaluationsFolderOf(service.config.home);
  const requireReviewer = (principal: Principal): void => {
    if (principal.role === 'reader') throw new HangjiaError('E_FORBIDDEN', `Key "${principal.name}" is a reader key; evaluation runs need an editor or admin key.`);
  };
  const runDirectory = (name: string): string => {
    const directory = path.join(folder, name);
    if (name.startsWith('.') || /[/\\]/u.test(name) || !fs.existsSync(path.join(directory))) throw new HangjiaError('E_NOT_FOUND', `No evaluation run "${name}" in ${folder}.`, { details: { param: 'name' } });
    return directory;
  };
  const readJson = (file: string): Record<string, unknown> | null => (fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>) : null);
  const isPairwiseReview = (directory: string): boolean => PAIRWISE_ANSWER_FILES.every((file) => fs.existsSync(path.join(directory, file)));

  function reviewState(name: string): PairwiseReviewState & { directory: string; seed: number } {
    const directory = runDirectory(name);
    if (!isPairwiseReview(directory)) throw new HangjiaError('E_NOT_FOUND', `Run "${name}" is not a human pairwise review: it needs ${PAIRWISE_ANSWER_FILES.join(' and ')}.`, { details: { param: 'name' } });
    const { items } = readPairwiseAnswers(path.join(directory, PAIRWISE_ANSWER_FILES[0]), path.join(directory, PAIRWISE_ANSWER_FILES[1]));
    const seed = Number(readJson(path.join(directory, 'run.json'))?.['seed'] ?? 0);
    const decisionsFile = path.join(directory, PAIRWISE_DECISIONS_FILE);
    const decisions = fs.existsSync(decisionsFile)
      ? fs.readFileSync(decisionsFile, 'utf8').split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as PairwiseDecision)
      : [];
    const decided = new Map(decisions.map((decision) => [decision.id, decision]));
    const outcomes = items.flatMap((item) => (decided.has(item.id) ? [decided.get(item.id)!.outcome] : []));
    const summary = summarizePairwiseOutcomes(outcomes, { items: items.length, seed });
    const position = items.findIndex((item) => !decided.has(item.id));
    const item = items[position];
    const next = item
      ? {
          id: item.id,
          position: position + 1,
          question: item.question,
          reference: item.reference ?? null,
          answers: ((groupSeed(seed, item.id) & 1) === 1 ? [item.answerB, item.answerA] : [item.answerA, item.answerB]) as [string, string],
        }
      : null;
    return { name, summary, next, directory, seed };
  }

  app.openapi(
    createRoute({ method: 'get', path: '/api/evaluations', tags: ['Evaluation'], summary: 'Evaluation run directories under $HANGJIA_HOME/runs/ with their summaries', security: bearer, responses: { 200: { description: 'Runs', content: { 'application/json': { schema: EvaluationRunListSchema } } }, ...errors } }),
    (c) => {
      requireReviewer(c.get('principal'));
      const names = fs.existsSync(folder) ? fs.readdirSync(folder, { withFileTypes: true }).filter((entry) => entry.isDirectory() && !entry.name.startsWith('.')).map((entry) => entry.name).sort() : [];
      const runs = names.map((name): EvaluationRun => {
        const directory = path.join(folder, name);
        return { name, config: readJson(path.join(directory, 'run.json')), summary: readJson(path.join(directory, 'summary.json')), pairwiseReview: isPairwiseReview(directory), report: fs.existsSync(path.join(directory, COMPARISON_REPORT_FILE)) };
      });
      return c.json({ runs }, 200);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/api/evaluations/{name}/pairwise', tags: ['Evaluation'], summary: 'A human pairwise review: its summary and the next pair, blinded', security: bearer, request: { params: EvaluationParamsSchema }, responses: { 200: { description: 'The review', content: { 'application/json': { schema: PairwiseReviewStateSchema } } }, ...errors } }),
    (c) => {
      requireReviewer(c.get('principal'));
      const { name, summary, next } = reviewState(c.req.valid('param').name);
      return c.json({ name, summary, next }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/evaluations/{name}/pairwise',
      tags: ['Evaluation'],
      summary: 'Decide the next pair (g / s / b for the answer shown first); returns the review with the pair after it',
      security: bearer,
      request: { params: EvaluationParamsSchema, body: { content: { 'application/json': { schema: PairwiseDecisionRequestSchema } }, required: true } },
      responses: { 200: { description: 'The review', content: { 'application/json': { schema: PairwiseReviewStateSchema } } }, ...errors },
    }),
    async (c) => {
      requireReviewer(c.get('principal'));
      const name = c.req.valid('param').name;
      const request = c.req.valid('json');
      const state = reviewState(name);
      if (state.next?.id !== request.id) {
        throw new HangjiaError('E_CONFLICT', `Pair "${request.id}" is not the next one to decide in "${name}"${state.next ? ` (that is "${state.next.id}")` : ' (every pair is decided)'}; reload the review.`, { details: { param: 'id' } });
      }
      const { items } = readPairwiseAnswers(path.join(state.directory, PAIRWISE_ANSWER_FILES[0]), path.join(state.directory, PAIRWISE_ANSWER_FILES[1]));
      await reviewPairwise(items, { input: Readable.from([`${request.key}\n`]), output: { write: () => true }, runDirectory: state.directory, seed: state.seed });
      const { summary, next } = reviewState(name);
      return c.json({ name, summary, next }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/evaluations/{name}/report',
      tags: ['Evaluation'],
      summary: 'The report.html of an `eval compare` run (self-contained HTML, served sandboxed)',
      security: bearer,
      request: { params: EvaluationParamsSchema },
      responses: { 200: { description: 'The report', content: { 'text/html': { schema: z.string() } } }, ...errors },
    }),
    (c) => {
      requireReviewer(c.get('principal'));
      const name = c.req.valid('param').name;
      const report = path.join(runDirectory(name), COMPARISON_REPORT_FILE);
      if (!fs.existsSync(report)) throw new HangjiaError('E_NOT_FOUND', `Run "${name}" has no ${COMPARISON_REPORT_FILE} (only \`hangjia eval compare\` writes one).`, { details: { param: 'name' } });
      return c.body(fs.readFileSync(report, 'utf8'), 200, REPORT_HEADERS);
    },
  );
}
