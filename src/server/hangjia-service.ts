import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { answerQuestion, citableLocation, finishedAnswerStream, type Answer, type AnswerQuestionOptions, type AnswerStream, type ConversationTurn } from '../answer/index.js';
import type { HangjiaConfig } from '../config/index.js';
import { HangjiaError } from '../errors/index.js';
import {
  createKnowledgeBase,
  openKnowledgeBase,
  readDocument,
  removeKnowledgeBase,
  assertKnowledgeBaseName,
  tryAcquireWriteLock,
  type DocumentSummary as StoredDocumentSummary,
  type KnowledgeBase,
  type StoredChunk,
} from '../knowledge-base/index.js';
import { embedMany, type EmbeddingModel, type LanguageModel } from '../models/index.js';
import { createDefaultComponents, createEmbeddingModelFromConfig, createLanguageModelFromConfig } from '../presets/index.js';
import type { Hit } from '../retrieval/index.js';
import { sourceFormatOf } from '../sources/index.js';
import { answerWithStrategy, reasoningOptionsFromConfig, type AnsweringStrategy, type StrategyAnswer } from '../reasoning/index.js';
import {
  ACCESS_RULES_FILE,
  accessFilterFor,
  authenticateApiKey,
  canReadDocument,
  canReadKnowledgeBase,
  canWriteKnowledgeBase,
  closeApiKeyStores,
  countActiveApiKeys,
  isAdmin,
  normalizeAccessGroups,
  type AccessFilter,
  type Principal,
} from '../access/index.js';
import type {
  Chunk,
  Citation,
  CreateKnowledgeBaseRequest,
  DocumentDetail,
  DocumentList,
  DocumentSummary,
  EmbeddingsResponse,
  Job,
  KnowledgeBaseSummary,
  SearchHit,
  SearchRequest,
  SearchResponse,
  StatsResponse,
} from './api-types.js';
import { badRequest, knowledgeBaseNotFound } from './error-response.js';
import { JobRunner } from './job-runner.js';
import type { JobQueue } from './job-queue.js';
import { tryAcquireDatabaseWriteLock } from './cluster/database-write-lock.js';
import type { PostgresTarget } from './cluster/postgres-connection.js';
import { PostgresJobRunner } from './cluster/postgres-job-runner.js';
import { publishIndexes, ReplicaIndexFollower } from './cluster/replica-index-follower.js';
import { parseStoreUrl, resolveStoreUrl } from '../knowledge-base/store/store-url.js';
import { KnowledgeBaseRegistry } from './knowledge-base-registry.js';
import { ModelCallQueue } from './model-call-queue.js';
import { RateLimiter } from './rate-limiter.js';

/** Who calls when the server has no API keys (it then listens on loopback only): the machine's own user, unrestricted. */
export const LOCAL_PRINCIPAL: Principal = { keyId: 'local', name: 'local (no API keys exist)', role: 'admin', knowledgeBases: '*', groups: [] };

/**
 * Where uploads to knowledge base `name` are kept: `$HANGJIA_HOME/uploads/<name>/`, one of its
 * sources. Outside the knowledge base's own folder, which the library may replace as a whole
 * (`kb create --force`, a create made under a draft name and renamed into place).
 */
export function uploadsFolderOf(home: string, name: string): string {
  assertKnowledgeBaseName(name);
  return path.join(home, 'uploads', name);
}

/** What an upload hands the service: a file's name as the client gave it, and its bytes. */
export interface UploadedFile {
  name: string;
  bytes: Uint8Array;
}

export interface HangjiaServiceOptions {
  config: HangjiaConfig;
  /** Where the server's own notes go (stderr for `hangjia serve`). */
  log?: (line: string) => void;
  /** Overrides the configured chat model (tests). */
  model?: LanguageModel;
}

/**
 * Everything the HTTP API and MCP tools do, as plain functions of a principal and a request —
 * the thin layer between the transports and the library's stage functions. It owns the
 * long-lived parts: knowledge bases opened once (`KnowledgeBaseRegistry`), jobs
 * (`JobRunner`), the bounded model queue, per-key rate limits. It knows nothing of HTTP; it
 * throws `HangjiaError`s that `error-response.ts` maps to statuses.
 *
 * Access is decided here, once, for every transport: a knowledge base the principal may not read
 * is reported as not existing (404, never 403, so its name is not confirmed); documents are
 * filtered by the principal's access groups inside retrieval (`accessFilterFor`).
 */
export class HangjiaService {
  readonly config: HangjiaConfig;
  readonly registry: KnowledgeBaseRegistry;
  readonly jobs: JobQueue;
  /** Under a PostgreSQL store: keeps this replica's indexes current from the change log (resolves once listening). */
  readonly replica: Promise<ReplicaIndexFollower> | undefined;
  readonly modelCalls: ModelCallQueue;
  readonly model: LanguageModel | undefined;
  private readonly rateLimiter: RateLimiter;
  private readonly log: (line: string) => void;
  private embeddingModel: EmbeddingModel | undefined;
  /** The PostgreSQL store this replica shares with the others; undefined with the SQLite default. */
  private storeTarget: PostgresTarget | undefined;

  constructor(options: HangjiaServiceOptions) {
    this.config = options.config;
    this.log = options.log ?? (() => undefined);
    const storeUrl = resolveStoreUrl(this.config.home, this.config.store.url);
    this.registry = new KnowledgeBaseRegistry(this.config.home, createDefaultComponents(this.config), { storeUrl: this.config.store.url }, { pinOnOpen: storeUrl !== undefined });
    if (storeUrl === undefined) {
      this.jobs = new JobRunner(this.config, this.registry, this.log);
    } else {
      // A replica: jobs and index builds are shared with the others through the store (see cluster/).
      const target = parseStoreUrl(storeUrl);
      this.storeTarget = target;
      const home = this.config.home;
      const replica = ReplicaIndexFollower.start(target, this.registry, { home, log: this.log });
      replica.catch((error: Error) => this.log(`Not following the change log: ${error.message}`));
      this.replica = replica;
      this.jobs = new PostgresJobRunner(target, {
        config: this.config,
        log: this.log,
        leaseMs: this.config.server.jobLeaseMs,
        afterSuccess: (job) => publishIndexes(target, home, job.knowledgeBase),
        // Read-your-writes on the replica that ran the job: it moves (holding the lock) before the job shows as completed.
        beforeFinish: async (job) => (await replica).refreshNow(job.knowledgeBase),
      });
    }
    this.model = options.model ?? (this.config.model.provider === 'none' ? undefined : createLanguageModelFromConfig(this.config.model));
    const { modelConcurrency, modelQueue, modelQueueWaitMs } = this.config.server;
    this.modelCalls = new ModelCallQueue({ concurrency: modelConcurrency, maxWaiting: modelQueue, maxWaitMs: modelQueueWaitMs });
    this.rateLimiter = new RateLimiter(this.config.server.requestsPerMinute);
  }

  /** Whether any API key exists: then every request but `/health` must carry one. */
  keysExist(): boolean {
    return countActiveApiKeys(this.config.home) > 0;
  }

  /**
   * The principal behind an `Authorization` header value: `LOCAL_PRINCIPAL` when no keys exist,
   * else the key's, counted against its rate limit. `E_UNAUTHORIZED` for a missing or unknown key.
   */
  authenticate(authorization: string | undefined): Principal {
    if (!this.keysExist()) return LOCAL_PRINCIPAL;
    const secret = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    if (!secret) throw new HangjiaError('E_UNAUTHORIZED', 'This server needs an API key: send "Authorization: Bearer <key>" (keys are made with "hangjia keys create").', { details: { param: 'authorization' } });
    const principal = authenticateApiKey(this.config.home, secret);
    if (!principal) throw new HangjiaError('E_UNAUTHORIZED', 'The API key is not valid (unknown, revoked or expired).', { details: { param: 'authorization' } });
    this.rateLimiter.take(principal.keyId);
    return principal;
  }

  // ── Knowledge bases ──────────────────────────────────────────────────────────────────────

  async listKnowledgeBases(principal: Principal): Promise<KnowledgeBaseSummary[]> {
    const names = this.registry.names().filter((name) => canReadKnowledgeBase(principal, name));
    const access = accessFilterFor(principal);
    return Promise.all(
      names.map((name) =>
        this.registry.use(name, (knowledgeBase) => {
          const counts = knowledgeBase.store.counts(access);
          return { name, documents: counts.documents, chunks: counts.chunks, characters: counts.characters };
        }),
      ),
    );
  }

  async createKnowledgeBase(principal: Principal, request: CreateKnowledgeBaseRequest): Promise<{ knowledgeBase: string; job: Job }> {
    if (!isAdmin(principal)) throw forbidden('Creating a knowledge base needs an admin key.');
    assertKnowledgeBaseName(request.name);
    const accessGroups = normalizeAccessGroupsField(request.groups ?? []);
    if (this.registry.exists(request.name)) {
      throw new HangjiaError('E_KB_EXISTS', `Knowledge base "${request.name}" already exists. Add documents with POST /api/knowledge-bases/${request.name}/documents.`, {
        details: { name: request.name, param: 'name' },
      });
    }
    const uploads = uploadsFolderOf(this.config.home, request.name);
    // Files left by an earlier knowledge base of this name (removed with "hangjia kb remove") are not this one's.
    fs.rmSync(uploads, { recursive: true, force: true });
    fs.mkdirSync(uploads, { recursive: true });
    const knowledgeBase = createKnowledgeBase(
      {
        home: this.config.home,
        storeUrl: this.config.store.url,
        name: request.name,
        settings: {
          sources: [uploads, ...(request.sources ?? []).map((source) => path.resolve(source))],
          include: this.config.ingest.include,
          exclude: this.config.ingest.exclude,
          maxFileBytes: this.config.ingest.maxFileBytes,
          chunking: this.config.chunking,
          ...(accessGroups.length > 0 ? { accessGroups } : {}),
        },
      },
      createDefaultComponents(this.config),
    );
    knowledgeBase.close();
    return { knowledgeBase: request.name, job: this.jobs.submit('sync', request.name, 'create') };
  }

  removeKnowledgeBase(principal: Principal, name: string): void {
    this.requireReadable(principal, name);
    if (!isAdmin(principal)) throw forbidden(`Removing knowledge base "${name}" needs an admin key.`);
    if (this.jobs.busy(name)) throw new HangjiaError('E_CONFLICT', `Knowledge base "${name}" has a job running; remove it when the job is done.`, { details: { name } });
    this.registry.forget(name);
    removeKnowledgeBase({ home: this.config.home, storeUrl: this.config.store.url, name });
    fs.rmSync(uploadsFolderOf(this.config.home, name), { recursive: true, force: true });
  }

  async stats(principal: Principal, name: string): Promise<StatsResponse> {
    this.requireReadable(principal, name);
    const access = accessFilterFor(principal);
    return this.registry.use(name, (knowledgeBase) => {
      // Under an access filter the library counts only what the key may read, and lists no failed files.
      const stats = knowledgeBase.stats(accessOption(access));
      return {
        name,
        sourceFiles: stats.sourceFiles,
        documents: stats.documents,
        chunks: stats.chunks,
        characters: stats.characters,
        embeddings: stats.embeddings,
        embeddingModelId: stats.embeddingModelId,
        indexCurrent: stats.indexCurrent,
        failedFiles: stats.failedFiles.length,
      };
    });
  }

  sync(principal: Principal, name: string, kind: 'sync' | 'reindex' = 'sync'): Job {
    this.requireWritable(principal, name);
    return this.jobs.submit(kind, name, kind);
  }

  getJob(principal: Principal, id: string): Job {
    const job = this.jobs.get(id);
    // Jobs are the writers' business: a key that cannot write the knowledge base is told there is no such job.
    if (!job || !canWriteKnowledgeBase(principal, job.knowledgeBase)) throw new HangjiaError('E_JOB_NOT_FOUND', `No job "${id}".`, { details: { id, param: 'id' } });
    return job;
  }

  // ── Documents ────────────────────────────────────────────────────────────────────────────

  async listDocuments(principal: Principal, name: string, page: { offset?: number; limit?: number }): Promise<DocumentList> {
    this.requireReadable(principal, name);
    const access = accessFilterFor(principal);
    return this.registry.use(name, (knowledgeBase) => {
      const uploads = this.uploadsFolder(name);
      const documents = knowledgeBase.listDocuments({ ...page, ...accessOption(access) });
      return { knowledgeBase: name, total: knowledgeBase.store.counts(access).documents, documents: documents.map((document) => toDocumentSummary(document, uploads)) };
    });
  }

  async getDocument(principal: Principal, name: string, documentId: string): Promise<DocumentDetail> {
    this.requireReadable(principal, name);
    const access = accessFilterFor(principal);
    return this.registry.use(name, (knowledgeBase) => {
      const found = this.readableDocument(knowledgeBase, documentId, access);
      return {
        knowledgeBase: name,
        document: toDocumentSummary({ ...found.document, groups: found.groups }, this.uploadsFolder(name)),
        text: found.text,
        chunks: found.chunks.map(storedChunkToApi),
      };
    });
  }

  /** Deletes an uploaded document's file and syncs (documents from source folders are removed there, then synced). */
  async deleteDocument(principal: Principal, name: string, documentId: string): Promise<Job> {
    this.requireWritable(principal, name);
    const access = accessFilterFor(principal);
    const sourcePath = await this.registry.use(name, (knowledgeBase) => this.readableDocument(knowledgeBase, documentId, access).document.path);
    const uploads = this.uploadsFolder(name);
    if (!isInside(uploads, sourcePath)) {
      throw new HangjiaError('E_CONFLICT', `Document "${documentId}" comes from a source folder, not an upload: remove its file there and sync (POST /api/knowledge-bases/${name}/sync).`, {
        details: { documentId, param: 'documentId' },
      });
    }
    fs.rmSync(sourcePath, { force: true });
    return this.jobs.submit('sync', name, 'delete-document');
  }

  /**
   * Gives a document exactly `groups` (admin only; `null` = back to its file's groups) and queues a
   * reindex job, so no search rebuilds an index inside a request. Refused with `E_KB_BUSY` while a
   * job or a CLI writer holds the knowledge base: the server's connection only reads then.
   */
  async setDocumentGroups(principal: Principal, name: string, documentId: string, groups: string[] | null): Promise<{ groups: string[]; job: Job }> {
    this.requireWritable(principal, name);
    if (!isAdmin(principal)) throw forbidden(`Changing the access groups of a document needs an admin key (this key's role is ${principal.role}).`);
    const normalized = groups === null ? null : normalizeAccessGroupsField(groups);
    const busy = (): HangjiaError =>
      new HangjiaError('E_KB_BUSY', `Knowledge base "${name}" is being written (a job or a CLI command); change the groups of ${documentId} when it is done.`, { details: { retryAfterSeconds: 5 } });
    const applied = this.storeTarget === undefined ? await this.setDocumentGroupsInFile(name, documentId, normalized, busy) : await this.setDocumentGroupsInDatabase(this.storeTarget, name, documentId, normalized, busy);
    return { groups: applied, job: this.jobs.submit('reindex', name, 'document-groups') };
  }

  private setDocumentGroupsInFile(name: string, documentId: string, groups: string[] | null, busy: () => HangjiaError): Promise<string[]> {
    return this.registry.use(name, (knowledgeBase) => {
      // Checked and written in one synchronous step, so no job can start (and pin this connection) in between.
      if (this.jobs.busy(name)) throw busy();
      const lock = tryAcquireWriteLock(knowledgeBase.directory, 'hangjia serve (document groups)');
      if (!lock) throw busy();
      try {
        return knowledgeBase.setDocumentGroups(documentId, groups);
      } finally {
        lock.release();
      }
    });
  }

  /** On a replica the serving instance reads a pinned snapshot, so the write goes through a writer instance of its own, under the database's write lock. */
  private async setDocumentGroupsInDatabase(target: PostgresTarget, name: string, documentId: string, groups: string[] | null, busy: () => HangjiaError): Promise<string[]> {
    if (!this.registry.exists(name)) throw new HangjiaError('E_KB_NOT_FOUND', `Knowledge base "${name}" does not exist.`, { details: { name } });
    const lock = await tryAcquireDatabaseWriteLock(target, name, 'hangjia serve (document groups)');
    if (!lock) throw busy();
    try {
      const writer = openKnowledgeBase({ home: this.config.home, storeUrl: this.config.store.url, name }, createDefaultComponents(this.config));
      try {
        return writer.setDocumentGroups(documentId, groups);
      } finally {
        writer.close();
      }
    } finally {
      await lock.release();
    }
  }

  /**
   * Saves uploaded files into the knowledge base's uploads folder under sanitised names (no
   * folders, no dot files, nothing outside the folder), records their access groups in the
   * folder's `.hangjia-access.yaml`, and queues a sync that ingests them.
   */
  async upload(principal: Principal, name: string, files: UploadedFile[], groups: string[]): Promise<{ files: string[]; job: Job }> {
    this.requireWritable(principal, name);
    const normalizedGroups = normalizeAccessGroupsField(groups);
    if (files.length === 0) throw badRequest('The upload has no files: send them as multipart/form-data in the field "files".', 'files');
    if (files.length > this.config.server.maxUploadFiles) {
      throw badRequest(`The upload has ${files.length} files; at most ${this.config.server.maxUploadFiles} are accepted at once (server.maxUploadFiles).`, 'files');
    }
    const names = files.map((file) => sanitizeFileName(file.name));
    for (const [index, file] of files.entries()) {
      if (file.bytes.byteLength > this.config.ingest.maxFileBytes) {
        throw new HangjiaError('E_BODY_TOO_LARGE', `File "${names[index]}" is ${file.bytes.byteLength} bytes; the limit is ${this.config.ingest.maxFileBytes} (ingest.maxFileBytes).`, { details: { param: 'files' } });
      }
      if (sourceFormatOf(names[index]!) === undefined) {
        throw badRequest(`File "${names[index]}" is not a format hangjia reads (txt, md, html, pdf, docx, csv, jsonl, …).`, 'files');
      }
    }
    if (new Set(names).size !== names.length) throw badRequest('Two uploaded files have the same name.', 'files');
    const uploads = this.uploadsFolder(name);
    fs.mkdirSync(uploads, { recursive: true });
    for (const [index, file] of files.entries()) fs.writeFileSync(path.join(uploads, names[index]!), file.bytes);
    this.recordUploadGroups(uploads, names, normalizedGroups);
    return { files: names, job: this.jobs.submit('sync', name, 'upload') };
  }

  // ── Retrieval and answers ────────────────────────────────────────────────────────────────

  async search(principal: Principal, name: string, request: SearchRequest): Promise<SearchResponse> {
    this.requireReadable(principal, name);
    const access = accessFilterFor(principal);
    return this.registry.use(name, async (knowledgeBase) => {
      // The knowledge base holds config.search; a request changes only what it names.
      const result = await knowledgeBase.search(request.query, {
        ...(request.k === undefined ? {} : { k: request.k }),
        ...(request.mode === undefined ? {} : { mode: request.mode }),
        ...accessOption(access),
      });
      return { knowledgeBase: name, query: request.query, mode: result.mode, hits: result.hits.map(hitToApi), timings: { totalMs: result.timings.totalMs } };
    });
  }

  /**
   * Starts an answer (the same pipeline as `hangjia ask`/`chat`) holding a model slot while it
   * runs: the caller iterates the stream or awaits `answer`, then calls `release` (in `finally`).
   * Without a chat model no slot is needed: the answer is extractive and labelled as such.
   */
  async ask(
    principal: Principal,
    name: string,
    request: { question: string; history?: ConversationTurn[]; k?: number; temperature?: number; maxTokens?: number; signal?: AbortSignal; strategy?: AnsweringStrategy },
  ): Promise<{ stream: AnswerStream; release: () => void; strategyAnswer?: Promise<StrategyAnswer> }> {
    this.requireReadable(principal, name);
    if (request.question.trim() === '') throw badRequest('The question is empty.', 'question');
    const release = this.model ? await this.modelCalls.acquire(request.signal) : () => undefined;
    let releaseKnowledgeBase!: () => void;
    const held = new Promise<void>((resolve) => (releaseKnowledgeBase = resolve));
    try {
      let strategyAnswer: Promise<StrategyAnswer> | undefined;
      const stream = await new Promise<AnswerStream>((resolve, reject) => {
        this.registry
          .use(name, async (knowledgeBase) => {
            const options = this.answerOptions(knowledgeBase, accessFilterFor(principal), request);
            if (request.strategy === undefined || request.strategy === 'rag') {
              resolve(answerQuestion(knowledgeBase, request.question, options));
            } else {
              const access = accessFilterFor(principal);
              strategyAnswer = answerWithStrategy(knowledgeBase, request.question, {
                ...options,
                ...reasoningOptionsFromConfig(this.config.reasoning, process.cwd()),
                strategy: request.strategy,
                ...accessOption(access),
              });
              resolve(finishedAnswerStream(strategyAnswer.then(({ answer }) => answer)));
            }
            await held;
          })
          .catch(reject);
      });
      let released = false;
      return {
        stream,
        ...(strategyAnswer ? { strategyAnswer } : {}),
        release: () => {
          if (released) return;
          released = true;
          releaseKnowledgeBase();
          release();
        },
      };
    } catch (error) {
      releaseKnowledgeBase();
      release();
      throw error;
    }
  }

  /** A chunk by id with its location, from `name` or (without it) from any knowledge base the principal reads. */
  async getChunk(principal: Principal, name: string | undefined, chunkId: string): Promise<Chunk & { knowledgeBase: string }> {
    const access = accessFilterFor(principal);
    const names = name === undefined ? this.registry.names().filter((candidate) => canReadKnowledgeBase(principal, candidate)) : [name];
    if (name !== undefined) this.requireReadable(principal, name);
    for (const candidate of names) {
      const found = await this.registry.use(candidate, (knowledgeBase) => {
        return knowledgeBase.getChunk(chunkId, accessOption(access));
      });
      if (found) return { knowledgeBase: candidate, ...storedChunkToApi(found) };
    }
    throw new HangjiaError('E_CHUNK_NOT_FOUND', `No chunk "${chunkId}"${name === undefined ? '' : ` in knowledge base "${name}"`}.`, { details: { chunkId, param: 'id' } });
  }

  /** `POST /v1/embeddings`: the configured embedding model, or a 404 naming the setting. */
  async embed(input: string[]): Promise<EmbeddingsResponse> {
    this.embeddingModel ??= createEmbeddingModelFromConfig(this.config.embedding);
    const model = this.embeddingModel;
    if (!model) {
      throw new HangjiaError('E_MODEL_NOT_CONFIGURED', 'No embedding model is configured (embedding.provider is "none"): set embedding.provider (HANGJIA_EMBEDDING_PROVIDER) and its model.', {
        details: { setting: 'embedding.provider', param: 'model' },
      });
    }
    const { embeddings } = await embedMany(model, input);
    const characters = input.reduce((total, text) => total + text.length, 0);
    return {
      object: 'list',
      model: model.modelId,
      data: embeddings.map((embedding, index) => ({ object: 'embedding', index, embedding: Array.from(embedding) })),
      usage: { prompt_tokens: characters, total_tokens: characters },
    };
  }

  /** Reads of `name` are allowed; otherwise `E_KB_NOT_FOUND`, worded the same whether it is missing or forbidden. */
  requireReadable(principal: Principal, name: string): void {
    if (!canReadKnowledgeBase(principal, name) || !this.registry.exists(name)) throw knowledgeBaseNotFound(name);
  }

  /** Writes of `name` are allowed; 404 as for reads when the key cannot see it, 403 when it may only read it. */
  requireWritable(principal: Principal, name: string): void {
    this.requireReadable(principal, name);
    if (!canWriteKnowledgeBase(principal, name)) throw forbidden(`This key may read knowledge base "${name}" but not change it (role ${principal.role}).`);
  }

  /** Stops jobs (they resume at the next start) and closes the knowledge bases. */
  async close(): Promise<void> {
    await this.jobs.close();
    await (await this.replica?.catch(() => undefined))?.stop();
    this.registry.closeAll();
    closeApiKeyStores();
    await (this.model as (LanguageModel & { dispose?: () => Promise<void> }) | undefined)?.dispose?.();
  }

  // ── Helpers ──────────────────────────────────────────────────────────────────────────────

  private answerOptions(knowledgeBase: KnowledgeBase, access: AccessFilter | undefined, request: { history?: ConversationTurn[]; k?: number; temperature?: number; maxTokens?: number; signal?: AbortSignal }): AnswerQuestionOptions {
    return {
      ...(this.model ? { model: this.model } : {}),
      k: request.k ?? this.config.search.k,
      evidenceThreshold: this.config.answer.evidenceThreshold,
      ...(this.config.answer.historyTokens === undefined ? {} : { historyTokenBudget: this.config.answer.historyTokens }),
      analyzer: knowledgeBase.analyzer,
      temperature: request.temperature ?? this.config.model.temperature,
      maxTokens: Math.min(request.maxTokens ?? this.config.model.maxTokens, this.config.model.maxTokens),
      // Mode and weights are the knowledge base's own settings (config.search); the access filter is the caller's.
      ...accessOption(access),
      ...(request.history?.length ? { history: request.history } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
    };
  }

  private uploadsFolder(name: string): string {
    return uploadsFolderOf(this.config.home, name);
  }

  private recordUploadGroups(uploads: string, names: string[], groups: string[]): void {
    const file = path.join(uploads, ACCESS_RULES_FILE);
    const rules = (fs.existsSync(file) ? (YAML.parse(fs.readFileSync(file, 'utf8')) as Record<string, string[]> | null) : null) ?? {};
    for (const name of names) {
      // A file uploaded again under the same name takes the groups of this upload.
      if (groups.length > 0) rules[name] = groups;
      else delete rules[name];
    }
    if (Object.keys(rules).length === 0) fs.rmSync(file, { force: true });
    else fs.writeFileSync(file, YAML.stringify(rules));
  }

  private readableDocument(knowledgeBase: KnowledgeBase, documentId: string, access: AccessFilter | undefined): { document: Omit<StoredDocumentSummary, 'groups'>; groups: string[]; text: string; chunks: StoredChunk[] } {
    const groups = knowledgeBase.store.documentAccess(documentId)?.groups;
    const found = groups !== undefined && canReadDocument(groups, access) ? readDocument(knowledgeBase.store, documentId) : undefined;
    // A document this key may not read is reported exactly as one that does not exist.
    if (!found) throw new HangjiaError('E_DOCUMENT_NOT_FOUND', `No document "${documentId}" in knowledge base "${knowledgeBase.name}".`, { details: { documentId, param: 'documentId' } });
    return { ...found, groups: access === undefined ? groups! : groups!.filter((group) => access.groups.includes(group)) };
  }
}

function accessOption(access: AccessFilter | undefined): { access?: AccessFilter } {
  return access === undefined ? {} : { access };
}

/** The upload's `groups` field, checked as access groups; a bad one is a 400 naming the field. */
function normalizeAccessGroupsField(groups: string[]): string[] {
  try {
    return normalizeAccessGroups(groups, 'the "groups" field');
  } catch (error) {
    if (HangjiaError.is(error, 'E_ACCESS_GROUP')) throw badRequest(error.message, 'groups');
    throw error;
  }
}

function forbidden(message: string): HangjiaError {
  return new HangjiaError('E_FORBIDDEN', message);
}

function isInside(folder: string, file: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/**
 * A client's file name made safe to write: the last path segment only (no `../`, no folders,
 * either slash), control and reserved characters replaced, no leading dots (dot files are
 * ignored by sync, and `.hangjia-access.yaml` must not be overwritten), at most 200 characters.
 */
export function sanitizeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .normalize('NFC')
    // Also glob syntax: the name becomes a key of the uploads folder's access rules file.
    .replace(/[\u0000-\u001f\u007f<>:"|?*[\]{}()!]/g, '_')
    .replace(/^[.\s]+/, '')
    .trim()
    .slice(-200);
  return cleaned === '' ? 'upload.txt' : cleaned;
}

export function hitToApi(hit: Hit, index: number): SearchHit {
  return { rank: index + 1, score: hit.score, ...citableLocation(hit), matchedTerms: hit.matchedTerms, text: hit.chunk.text };
}

export function citationToApi(citation: Answer['citations'][number]): Citation {
  return { ...citation };
}

function storedChunkToApi(stored: StoredChunk): Chunk {
  return {
    id: stored.chunk.id,
    documentId: stored.chunk.documentId,
    documentTitle: stored.documentTitle,
    documentPath: stored.documentPath,
    index: stored.chunk.index,
    headingPath: stored.chunk.headingPath,
    start: stored.chunk.start,
    end: stored.chunk.end,
    text: stored.chunk.text,
  };
}

function toDocumentSummary(document: StoredDocumentSummary, uploads: string): DocumentSummary {
  return {
    id: document.id,
    title: document.title,
    path: document.path,
    ...(document.rowKey === undefined ? {} : { rowKey: document.rowKey }),
    format: document.format,
    chunks: document.chunks,
    characters: document.characters,
    groups: document.groups,
    uploaded: isInside(uploads, document.path),
  };
}
