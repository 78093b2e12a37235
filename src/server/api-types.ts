/**
 * The HTTP API's request and response shapes, as zod schemas (the routes validate with them and
 * `/openapi.json` is generated from them) and as TypeScript types (a web UI imports these, so the
 * two sides cannot drift). One module on purpose: everything a client needs is here.
 *
 * @example
 * import type { SearchResponse, ChatCompletion } from 'hangjia/server/api-types';
 */
import { z } from '@hono/zod-openapi';

/** OpenAI's error body; every error of every route uses it (docs/api.md lists the codes). */
export const ErrorBodySchema = z
  .object({
    error: z.object({
      message: z.string(),
      type: z.string().openapi({ description: 'invalid_request_error, authentication_error, permission_error, not_found_error, rate_limit_error, server_error' }),
      code: z.string().nullable().openapi({ description: 'hangjia error code, e.g. E_KB_NOT_FOUND' }),
      param: z.string().nullable().optional().openapi({ description: 'The request field at fault, when one is' }),
    }),
  })
  .openapi('ErrorBody');
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

export const KnowledgeBaseNameParamsSchema = z.object({
  kb: z.string().min(1).openapi({ param: { name: 'kb', in: 'path' }, example: 'demo' }),
});

const KnowledgeBaseSummarySchema = z
  .object({
    name: z.string(),
    documents: z.number().int(),
    chunks: z.number().int(),
    characters: z.number().int(),
  })
  .openapi('KnowledgeBaseSummary');
export type KnowledgeBaseSummary = z.infer<typeof KnowledgeBaseSummarySchema>;

export const KnowledgeBaseListSchema = z.object({ knowledgeBases: z.array(KnowledgeBaseSummarySchema) }).openapi('KnowledgeBaseList');
export type KnowledgeBaseList = z.infer<typeof KnowledgeBaseListSchema>;

export const CreateKnowledgeBaseRequestSchema = z
  .object({
    name: z.string().min(1).max(64).openapi({ example: 'contracts' }),
    sources: z
      .array(z.string().min(1))
      .optional()
      .openapi({ description: 'Folders or files on the server to ingest (admin keys only). Without them the knowledge base starts empty and takes uploads.' }),
    groups: z.array(z.string()).optional().openapi({ description: 'Access groups every document of the knowledge base carries (as kb create --groups); default none' }),
  })
  .openapi('CreateKnowledgeBaseRequest');
export type CreateKnowledgeBaseRequest = z.infer<typeof CreateKnowledgeBaseRequestSchema>;

const JobStatusSchema = z.enum(['queued', 'running', 'completed', 'failed']);
const JobKindSchema = z.enum(['sync', 'reindex']);

export const JobSchema = z
  .object({
    id: z.string(),
    kind: JobKindSchema,
    knowledgeBase: z.string(),
    status: JobStatusSchema,
    reason: z.string().openapi({ description: 'What asked for the job: create, upload, delete-document, sync, reindex' }),
    /** The last progress report of the job's sync: phase and counts. */
    progress: z.object({ phase: z.string(), done: z.number(), total: z.number() }).nullable(),
    /** Counters of a finished sync (files added, updated, removed, failed…). */
    result: z.record(z.string(), z.unknown()).nullable(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    /** How many times the job was started: more than 1 when a server restart resumed it. */
    attempts: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Job');
export type Job = z.infer<typeof JobSchema>;
export type JobKind = z.infer<typeof JobKindSchema>;

export const JobAcceptedSchema = z.object({ job: JobSchema }).openapi('JobAccepted');
export type JobAccepted = z.infer<typeof JobAcceptedSchema>;

export const CreateKnowledgeBaseResponseSchema = z.object({ knowledgeBase: z.string(), job: JobSchema }).openapi('CreateKnowledgeBaseResponse');
export type CreateKnowledgeBaseResponse = z.infer<typeof CreateKnowledgeBaseResponseSchema>;

const SearchModeSchema = z.enum(['auto', 'lexical', 'vector', 'hybrid']);

export const SearchRequestSchema = z
  .object({
    query: z.string().min(1).openapi({ example: '试用期最长多久' }),
    k: z.number().int().min(1).max(100).optional().openapi({ description: 'Hits returned (default search.k, 5)' }),
    mode: SearchModeSchema.optional().openapi({ description: 'Retrievers to use (default search.mode, auto)' }),
  })
  .openapi('SearchRequest');
export type SearchRequest = z.infer<typeof SearchRequestSchema>;

const SearchHitSchema = z
  .object({
    rank: z.number().int(),
    score: z.number(),
    chunkId: z.string(),
    documentId: z.string(),
    documentTitle: z.string(),
    documentPath: z.string(),
    documentRowKey: z.string().optional(),
    headingPath: z.array(z.string()),
    start: z.number().int().openapi({ description: 'Offset of the chunk in its document text (UTF-16 code units)' }),
    end: z.number().int(),
    matchedTerms: z.array(z.string()),
    text: z.string(),
  })
  .openapi('SearchHit');
export type SearchHit = z.infer<typeof SearchHitSchema>;

export const SearchResponseSchema = z
  .object({
    knowledgeBase: z.string(),
    query: z.string(),
    mode: z.string(),
    hits: z.array(SearchHitSchema),
    timings: z.object({ totalMs: z.number() }),
  })
  .openapi('SearchResponse');
export type SearchResponse = z.infer<typeof SearchResponseSchema>;

/** A `[n]` marker of an answer resolved to its passage: what a client needs to render a citation. */
const CitationSchema = z
  .object({
    n: z.number().int().openapi({ description: 'The marker number, as in [n]' }),
    chunkId: z.string(),
    documentId: z.string(),
    documentPath: z.string(),
    documentTitle: z.string(),
    documentRowKey: z.string().optional(),
    headingPath: z.array(z.string()),
    start: z.number().int().openapi({ description: 'Character offset of the cited chunk in its document (UTF-16 code units)' }),
    end: z.number().int(),
    snippet: z.string().openapi({ description: 'The sentence of the chunk that best supports what cites it' }),
  })
  .openapi('Citation');
export type Citation = z.infer<typeof CitationSchema>;

const ConversationTurnSchema = z.object({ role: z.enum(['user', 'assistant']), content: z.string() }).openapi('ConversationTurn');

/** hangjia's strategy fields (the reasoning stage's ANSWER_STRATEGIES, spelled out so a browser importing these types pulls no Node code) of an ask or chat-completion request (functions: hoisted above the schemas that spread them). */
function StrategyRequestFields() {
  return {
    strategy: z.enum(['rag', 'pearl', 'agent']).optional().openapi({ description: 'rag (default: retrieve once, answer), pearl (plan, execute, answer) or agent (tool-calling loop); pearl and agent answer whole, not streamed' }),
    trace: z.boolean().optional().openapi({ description: 'pearl/agent: include the reasoning trace (every model and tool call) in the response' }),
  };
}

/** How a pearl/agent answer was made: the strategy, why it fell back to RAG, and (asked for) its trace. */
function StrategyResponseFields() {
  return {
    strategy: z.enum(['rag', 'pearl', 'agent']).optional(),
    fallback: z.object({ from: z.enum(['pearl', 'agent']), reason: z.string(), message: z.string() }).optional(),
    trace: z.unknown().optional().openapi({ description: 'The reasoning trace, when "trace": true was asked' }),
  };
}

export const AskRequestSchema = z
  .object({
    question: z.string().min(1).openapi({ example: '试用期最长可以多久？' }),
    history: z.array(ConversationTurnSchema).optional().openapi({ description: 'Earlier turns, oldest first (follow-ups are condensed with them)' }),
    k: z.number().int().min(1).max(100).optional(),
    stream: z.boolean().optional().openapi({ description: 'Answer as server-sent events (also chosen by Accept: text/event-stream)' }),
    ...StrategyRequestFields(),
  })
  .openapi('AskRequest');
export type AskRequest = z.infer<typeof AskRequestSchema>;

const AnswerKindSchema = z.enum(['generated', 'extractive', 'refused']);

export const AskResponseSchema = z
  .object({
    knowledgeBase: z.string(),
    question: z.string(),
    standaloneQuestion: z.string(),
    kind: AnswerKindSchema.openapi({ description: 'generated by the model; extractive (no model configured: quoted sentences, labelled); refused (evidence below the threshold)' }),
    refusal: z.enum(['evidence-threshold', 'model']).nullable(),
    answer: z.string(),
    incomplete: z.boolean(),
    citations: z.array(CitationSchema),
    unsupportedSentences: z.array(z.object({ sentence: z.string(), start: z.number(), end: z.number(), cited: z.array(z.number()), support: z.number(), reason: z.string() })),
    evidence: z.object({ score: z.number(), threshold: z.number() }),
    model: z.object({ provider: z.string(), modelId: z.string() }).nullable(),
    ...StrategyResponseFields(),
  })
  .openapi('AskResponse');
export type AskResponse = z.infer<typeof AskResponseSchema>;

const DocumentSummarySchema = z
  .object({
    id: z.string(),
    title: z.string(),
    path: z.string(),
    rowKey: z.string().optional(),
    format: z.string(),
    chunks: z.number().int(),
    characters: z.number().int(),
    groups: z.array(z.string()).openapi({ description: 'Its access groups (to a restricted key, only those the key holds); none: readable by every key' }),
    uploaded: z.boolean().openapi({ description: 'Uploaded through the API (can be deleted through it)' }),
  })
  .openapi('DocumentSummary');
export type DocumentSummary = z.infer<typeof DocumentSummarySchema>;

export const DocumentListSchema = z
  .object({ knowledgeBase: z.string(), total: z.number().int(), documents: z.array(DocumentSummarySchema) })
  .openapi('DocumentList');
export type DocumentList = z.infer<typeof DocumentListSchema>;

export const ChunkSchema = z
  .object({
    id: z.string(),
    documentId: z.string(),
    documentTitle: z.string(),
    documentPath: z.string(),
    index: z.number().int(),
    headingPath: z.array(z.string()),
    start: z.number().int(),
    end: z.number().int(),
    text: z.string(),
  })
  .openapi('Chunk');
export type Chunk = z.infer<typeof ChunkSchema>;

export const DocumentDetailSchema = z
  .object({ knowledgeBase: z.string(), document: DocumentSummarySchema, text: z.string(), chunks: z.array(ChunkSchema) })
  .openapi('DocumentDetail');
export type DocumentDetail = z.infer<typeof DocumentDetailSchema>;

export const StatsResponseSchema = z
  .object({
    name: z.string(),
    sourceFiles: z.number().int(),
    documents: z.number().int(),
    chunks: z.number().int(),
    characters: z.number().int(),
    embeddings: z.number().int(),
    embeddingModelId: z.string().nullable(),
    indexCurrent: z.boolean(),
    failedFiles: z.number().int(),
  })
  .openapi('KnowledgeBaseStatsResponse');
export type StatsResponse = z.infer<typeof StatsResponseSchema>;

export const JobIdParamsSchema = z.object({ id: z.string().min(1).openapi({ param: { name: 'id', in: 'path' } }) });
export const DocumentParamsSchema = KnowledgeBaseNameParamsSchema.extend({ documentId: z.string().min(1).openapi({ param: { name: 'documentId', in: 'path' } }) });
export const ChunkParamsSchema = KnowledgeBaseNameParamsSchema.extend({ chunkId: z.string().min(1).openapi({ param: { name: 'chunkId', in: 'path' } }) });

export const DocumentGroupsRequestSchema = z
  .object({
    groups: z.array(z.string()).nullable().openapi({ description: 'The groups that may read the document ([] = everyone); null = back to the groups its file gives it' }),
  })
  .openapi('DocumentGroupsRequest');
export type DocumentGroupsRequest = z.infer<typeof DocumentGroupsRequestSchema>;

export const DocumentGroupsResponseSchema = z
  .object({ groups: z.array(z.string()).openapi({ description: 'The groups the document now carries' }), job: JobSchema })
  .openapi('DocumentGroupsResponse');
export type DocumentGroupsResponse = z.infer<typeof DocumentGroupsResponseSchema>;

export const UploadFormSchema = z
  .object({
    files: z.any().openapi({ type: 'array', items: { type: 'string', format: 'binary' }, description: 'One or more files (field name "files")' }),
    groups: z.string().optional().openapi({ description: 'Comma-separated access groups the uploaded documents carry' }),
  })
  .openapi('UploadForm');

export const UploadResponseSchema = z.object({ knowledgeBase: z.string(), files: z.array(z.string()), job: JobSchema }).openapi('UploadResponse');
export type UploadResponse = z.infer<typeof UploadResponseSchema>;

// ── OpenAI-compatible shapes ──────────────────────────────────────────────────────────────────

const MessageContentSchema = z.union([z.string(), z.array(z.object({ type: z.string(), text: z.string().optional() }).passthrough())]);

export const ChatCompletionRequestSchema = z
  .object({
    model: z.string().min(1).openapi({ description: '"kb:<name>" answers from that knowledge base', example: 'kb:demo' }),
    messages: z
      .array(z.object({ role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']), content: MessageContentSchema.nullable().optional() }).passthrough())
      .min(1),
    stream: z.boolean().optional(),
    temperature: z.number().min(0).max(2).optional(),
    max_tokens: z.number().int().min(1).optional(),
    max_completion_tokens: z.number().int().min(1).optional(),
    ...StrategyRequestFields(),
  })
  .passthrough()
  .openapi('ChatCompletionRequest');
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequestSchema>;

/** hangjia's extra fields on a completion (and on the final stream chunk): how the answer was made. */
const AnswerMetaSchema = z
  .object({
    kind: AnswerKindSchema,
    refusal: z.enum(['evidence-threshold', 'model']).nullable(),
    standaloneQuestion: z.string(),
    evidence: z.object({ score: z.number(), threshold: z.number() }),
    unsupportedSentences: z.number().int(),
    ...StrategyResponseFields(),
  })
  .openapi('AnswerMeta');
export type AnswerMeta = z.infer<typeof AnswerMetaSchema>;

export const ChatCompletionSchema = z
  .object({
    id: z.string(),
    object: z.literal('chat.completion'),
    created: z.number().int(),
    model: z.string(),
    choices: z.array(
      z.object({ index: z.number().int(), message: z.object({ role: z.literal('assistant'), content: z.string() }), finish_reason: z.string() }),
    ),
    usage: z.object({ prompt_tokens: z.number().int(), completion_tokens: z.number().int(), total_tokens: z.number().int() }),
    citations: z.array(CitationSchema).openapi({ description: 'hangjia extra: the passages the answer cites, [n] = citations[i].n' }),
    hangjia: AnswerMetaSchema,
  })
  .openapi('ChatCompletion');
export type ChatCompletion = z.infer<typeof ChatCompletionSchema>;

export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: Array<{ index: number; delta: { role?: 'assistant'; content?: string }; finish_reason: string | null }>;
  /** On the final chunk only (the one with a finish_reason). */
  citations?: Citation[];
  hangjia?: AnswerMeta;
}

export const ModelListSchema = z
  .object({ object: z.literal('list'), data: z.array(z.object({ id: z.string(), object: z.literal('model'), created: z.number().int(), owned_by: z.string() })) })
  .openapi('ModelList');
export type ModelList = z.infer<typeof ModelListSchema>;

export const EmbeddingsRequestSchema = z
  .object({ model: z.string().optional(), input: z.union([z.string(), z.array(z.string()).min(1)]) })
  .passthrough()
  .openapi('EmbeddingsRequest');
export type EmbeddingsRequest = z.infer<typeof EmbeddingsRequestSchema>;

export const EmbeddingsResponseSchema = z
  .object({
    object: z.literal('list'),
    model: z.string(),
    data: z.array(z.object({ object: z.literal('embedding'), index: z.number().int(), embedding: z.array(z.number()) })),
    usage: z.object({ prompt_tokens: z.number().int(), total_tokens: z.number().int() }),
  })
  .openapi('EmbeddingsResponse');
export type EmbeddingsResponse = z.infer<typeof EmbeddingsResponseSchema>;

export const HealthSchema = z.object({ status: z.literal('ok'), knowledgeBases: z.number().int(), jobsRunning: z.number().int() }).openapi('Health');
export type Health = z.infer<typeof HealthSchema>;

// ── Who is calling, and API keys (the web UI's admin page) ────────────────────────────────────

const ApiKeyRoleSchema = z.enum(['reader', 'editor', 'admin']);

/** The caller as the server sees it: the web UI shows or hides pages by it. */
export const WhoAmISchema = z
  .object({
    name: z.string(),
    role: ApiKeyRoleSchema,
    knowledgeBases: z.union([z.literal('*'), z.array(z.string())]),
    groups: z.array(z.string()),
    keysExist: z.boolean().openapi({ description: 'Whether the server needs a key (false: it answers everyone on loopback as admin)' }),
  })
  .openapi('WhoAmI');
export type WhoAmI = z.infer<typeof WhoAmISchema>;

export const ApiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().openapi({ description: 'The first characters of the secret, to recognise it' }),
    role: ApiKeyRoleSchema,
    knowledgeBases: z.union([z.literal('*'), z.array(z.string())]),
    groups: z.array(z.string()),
    createdAt: z.string(),
    expiresAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    status: z.enum(['active', 'expired', 'revoked']),
  })
  .openapi('ApiKey');
export type ApiKey = z.infer<typeof ApiKeySchema>;

export const ApiKeyListSchema = z.object({ keys: z.array(ApiKeySchema) }).openapi('ApiKeyList');
export type ApiKeyList = z.infer<typeof ApiKeyListSchema>;

export const CreateApiKeyRequestSchema = z
  .object({
    name: z.string().min(1).max(64),
    role: ApiKeyRoleSchema.optional().openapi({ description: 'Default reader' }),
    knowledgeBases: z.array(z.string().min(1)).optional().openapi({ description: 'Default all' }),
    groups: z.array(z.string().min(1)).optional(),
  })
  .openapi('CreateApiKeyRequest');
export type CreateApiKeyRequest = z.infer<typeof CreateApiKeyRequestSchema>;

export const CreateApiKeyResponseSchema = z
  .object({ key: ApiKeySchema, secret: z.string().openapi({ description: 'Shown this once; only its hash is stored' }) })
  .openapi('CreateApiKeyResponse');
export type CreateApiKeyResponse = z.infer<typeof CreateApiKeyResponseSchema>;

export const ApiKeyParamsSchema = z.object({ id: z.string().min(1).openapi({ param: { name: 'id', in: 'path' } }) });

/** The events of a streaming answer (`POST /api/knowledge-bases/{kb}/ask` with `"stream": true`), by event name. */
export interface AskStreamEvents {
  'retrieval-end': { query: string; hits: SearchHit[]; evidence: { score: number } };
  'text-delta': { delta: string };
  citation: Citation;
  'answer-end': AskResponse;
  error: ErrorBody;
}

// ── Data review (the web UI's review page; the same files as `hangjia data review`) ─────────────

const ReviewStatusSchema = z.enum(['pending', 'accept', 'edit', 'reject']);

const DatasetFileSchema = z
  .object({
    knowledgeBase: z.string(),
    file: z.string().openapi({ description: 'The file name under $HANGJIA_HOME/datasets/<kb>/' }),
    items: z.number().int(),
    counts: z.record(ReviewStatusSchema, z.number().int()),
  })
  .openapi('DatasetFile');
export type DatasetFile = z.infer<typeof DatasetFileSchema>;

export const DatasetFileListSchema = z.object({ datasets: z.array(DatasetFileSchema) }).openapi('DatasetFileList');
export type DatasetFileList = z.infer<typeof DatasetFileListSchema>;

export const ReviewDecisionSchema = z
  .object({
    id: z.string(),
    action: z.enum(['accept', 'edit', 'reject']),
    edited: z.object({ instruction: z.string().optional(), output: z.string().optional() }).optional(),
    reason: z.string().optional(),
    decidedAt: z.string(),
  })
  .openapi('ReviewDecision');
export type ReviewDecision = z.infer<typeof ReviewDecisionSchema>;

const ReviewItemSchema = z
  .object({
    id: z.string(),
    status: ReviewStatusSchema,
    instruction: z.string().openapi({ description: 'The first user turn' }),
    output: z.string().openapi({ description: 'The last assistant turn' }),
    chunkIds: z.array(z.string()).openapi({ description: 'The source chunks the item was generated from' }),
    decision: ReviewDecisionSchema.nullable(),
  })
  .openapi('ReviewItem');
export type ReviewItem = z.infer<typeof ReviewItemSchema>;

export const ReviewItemListSchema = z
  .object({ knowledgeBase: z.string(), file: z.string(), items: z.array(ReviewItemSchema), problems: z.array(z.object({ line: z.number().int(), message: z.string() })) })
  .openapi('ReviewItemList');
export type ReviewItemList = z.infer<typeof ReviewItemListSchema>;

export const ReviewDecisionRequestSchema = z
  .object({
    id: z.string().min(1),
    action: z.enum(['accept', 'edit', 'reject']),
    edited: z.object({ instruction: z.string().optional(), output: z.string().optional() }).optional(),
    reason: z.string().optional(),
  })
  .openapi('ReviewDecisionRequest');
export type ReviewDecisionRequest = z.infer<typeof ReviewDecisionRequestSchema>;

export const DatasetParamsSchema = KnowledgeBaseNameParamsSchema.extend({ file: z.string().min(1).openapi({ param: { name: 'file', in: 'path' } }) });

// ── Evaluation runs and human pairwise review (the web UI's evaluation page) ──────────────────

const EvaluationRunSchema = z
  .object({
    name: z.string().openapi({ description: 'The run directory\'s name under $HANGJIA_HOME/runs/' }),
    config: z.record(z.string(), z.unknown()).nullable().openapi({ description: 'Its run.json' }),
    summary: z.record(z.string(), z.unknown()).nullable().openapi({ description: 'Its summary.json (null before the first result)' }),
    pairwiseReview: z.boolean().openapi({ description: 'It holds answers-a.jsonl and answers-b.jsonl: a human pairwise review' }),
    report: z.boolean().openapi({ description: 'It holds report.html (an `eval compare` run): GET /api/evaluations/{name}/report serves it' }),
  })
  .openapi('EvaluationRun');
export type EvaluationRun = z.infer<typeof EvaluationRunSchema>;

export const EvaluationRunListSchema = z.object({ runs: z.array(EvaluationRunSchema) }).openapi('EvaluationRunList');
export type EvaluationRunList = z.infer<typeof EvaluationRunListSchema>;

const PairwiseSummarySchema = z
  .object({
    items: z.number().int(),
    decided: z.number().int(),
    pending: z.number().int(),
    wins: z.number().int(),
    ties: z.number().int(),
    losses: z.number().int(),
    winRate: z.number().nullable(),
    confidenceInterval: z.tuple([z.number(), z.number()]).nullable(),
    gsb: z.number().nullable(),
    confidenceLevel: z.number(),
    resamples: z.number().int(),
    seed: z.number().int(),
  })
  .openapi('PairwiseSummary');

/** The next undecided pair, blinded: the answers in the order fixed per item by the seed, without saying which is A. */
export const PairwiseReviewStateSchema = z
  .object({
    name: z.string(),
    summary: PairwiseSummarySchema,
    next: z
      .object({ id: z.string(), position: z.number().int(), question: z.string(), reference: z.string().nullable(), answers: z.tuple([z.string(), z.string()]) })
      .nullable(),
  })
  .openapi('PairwiseReviewState');
export type PairwiseReviewState = z.infer<typeof PairwiseReviewStateSchema>;

export const PairwiseDecisionRequestSchema = z
  .object({ id: z.string().min(1), key: z.enum(['g', 's', 'b']).openapi({ description: 'g: answer 1 is better; s: the same; b: answer 1 is worse' }) })
  .openapi('PairwiseDecisionRequest');
export type PairwiseDecisionRequest = z.infer<typeof PairwiseDecisionRequestSchema>;

export const EvaluationParamsSchema = z.object({ name: z.string().min(1).openapi({ param: { name: 'name', in: 'path' } }) });
