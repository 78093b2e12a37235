import os from 'node:os';
import path from 'node:path';
import { DEFAULT_SEARCH_SETTINGS, type SearchSettings } from '../knowledge-base/index.js';

/** Which embedding adapter the knowledge bases use; `none` means lexical search only. */
export type EmbeddingProviderName = 'none' | 'openai-compatible' | 'llama-cpp' | 'transformers';

/** Which chat model adapter answers questions; `none` means no generation (search still works). */
export type LanguageModelProviderName = 'none' | 'openai-compatible' | 'llama-cpp';

/** Which reranking adapter reorders the first-stage hits; `none` keeps the first-stage order. */
export type RerankingProviderName = 'none' | 'http' | 'transformers';

/** Where the vectors of a knowledge base are searched (docs/vectors.md). */
export type VectorStoreName = 'flat' | 'qdrant' | 'milvus';

export type { SearchMode } from '../knowledge-base/index.js';

/**
 * Every setting hangjia reads. Precedence (highest first): command-line flags, environment
 * variables (`HANGJIA_*`), the config file (`hangjia.config.json|yaml` in the working directory,
 * else `$HANGJIA_HOME/config.yaml`), then `DEFAULT_CONFIG`. `hangjia config show` prints each value
 * with the layer it came from.
 */
export interface HangjiaConfig {
  /** Where knowledge bases live (`HANGJIA_HOME`; default `~/.hangjia`). */
  home: string;
  /** Where knowledge bases are stored (docs/scaling.md). */
  store: {
    /**
     * A PostgreSQL database shared by every replica (`HANGJIA_STORE_URL`):
     * `postgres://user:password@host:port/database`, optionally `?schema=name` (default schema
     * `hangjia`; one schema holds many knowledge bases). Unset (the default): each knowledge base is
     * a SQLite file under `home`. The password is never printed (`config show`, `kb list`, errors).
     */
    url?: string;
  };
  embedding: {
    /** Default `none`: lexical search only, no model needed. */
    provider: EmbeddingProviderName;
    /** OpenAI-compatible endpoint, e.g. `http://127.0.0.1:11434/v1` (`HANGJIA_EMBEDDING_BASE_URL`, else `HANGJIA_BASE_URL`). */
    baseURL?: string;
    /** Sent as a Bearer token; never written to disk or logs (`HANGJIA_API_KEY`). */
    apiKey?: string;
    /** Model name at the endpoint (`HANGJIA_EMBEDDING_MODEL`). */
    model?: string;
    /** A local GGUF file for `llama-cpp` (`HANGJIA_EMBEDDING_MODEL_PATH`). */
    modelPath?: string;
    /** A local ONNX model folder for `transformers` (`HANGJIA_EMBEDDING_MODEL_DIR`). */
    modelDir?: string;
    /** Expected vector length; checked against what the model returns. */
    dimensions?: number;
    /** Threads for in-process models; default: the machine's cores (`HANGJIA_THREADS`). */
    threads?: number;
    /**
     * Text put before every search query before it is embedded, for models trained with one
     * (`HANGJIA_EMBEDDING_QUERY_PREFIX`): bge-*-zh-v1.5 `为这个句子生成表示以用于检索相关文章：`,
     * e5 `query: `, Qwen3-Embedding `Instruct: <task>\nQuery:`. Default: none.
     */
    queryPrefix?: string;
    /**
     * Text put before every chunk before it is embedded (`HANGJIA_EMBEDDING_DOCUMENT_PREFIX`), e.g.
     * e5 `passage: `. Changing it re-embeds a knowledge base on its next sync. Default: none.
     */
    documentPrefix?: string;
  };
  /** The chat model that writes answers. */
  model: {
    /** Default `none` (`HANGJIA_MODEL_PROVIDER`). */
    provider: LanguageModelProviderName;
    /** OpenAI-compatible endpoint, e.g. `http://127.0.0.1:11434/v1` (`HANGJIA_BASE_URL`). */
    baseURL?: string;
    /** Sent as a Bearer token; never written to disk or logs (`HANGJIA_API_KEY`). */
    apiKey?: string;
    /** Model name at the endpoint, e.g. `qwen2.5:7b-instruct` (`HANGJIA_MODEL`). */
    model?: string;
    /** A local GGUF chat model for `llama-cpp` (`HANGJIA_MODEL_PATH`). */
    modelPath?: string;
    /** A GGUF LoRA adapter applied on top of `modelPath` (`HANGJIA_LORA_PATH`). */
    loraPath?: string;
    /** Threads for in-process models; default: the machine's physical cores (`HANGJIA_THREADS`). */
    threads?: number;
    /** Tokens of prompt plus answer; default for llama-cpp: what memory allows up to 8192; endpoints: unknown. */
    contextSize?: number;
    /** Sampling temperature, 0 (greedy, reproducible) to 2 (default 0.2: factual answers). */
    temperature: number;
    /** Most tokens per answer (1–32768, default 1024). */
    maxTokens: number;
    /** Milliseconds to wait for an endpoint's first token (default 120000; CPU servers are slow on long prompts). */
    timeoutMs: number;
  };
  ingest: {
    /** Files larger than this are skipped with an error (bytes, default 50 MiB). */
    maxFileBytes: number;
    /** Glob patterns a file must match (relative to the path given); empty = every supported file. */
    include: string[];
    /** Glob patterns that exclude files; dotfiles and node_modules are always excluded. */
    exclude: string[];
    /**
     * A `kb sync` that adds no file and would remove more than this share of the documents
     * stops and asks (or needs `--allow-mass-removal`): an empty source folder is usually an
     * unmounted drive (0–1, default 0.5; 1 turns the guard off).
     */
    maxRemovalShare: number;
  };
  chunking: {
    /** Upper bound per chunk in characters (100–10000, default 800). */
    maxChars: number;
    /** Upper bound per chunk in estimated tokens (32–8192, default 512). */
    maxTokens: number;
    /** Characters repeated between consecutive pieces of a split section (0–maxChars/2, default 100). */
    overlapChars: number;
    /** Sections shorter than this merge with their neighbour under the same heading (default 50). */
    minChars: number;
  };
  /** Search settings: the knowledge base's own type and defaults (`DEFAULT_SEARCH_SETTINGS`); see `SearchSettings`. */
  search: SearchSettings;
  /**
   * A cross-encoder that re-reads the first-stage top `topN` hits with the query and reorders them
   * (`search`, `ask`, `chat`, `eval retrieval --kb`; `--rerank` turns it on or off per command).
   */
  rerank: {
    /**
     * Default `none` (`HANGJIA_RERANK_PROVIDER`): `http`, a `/rerank` endpoint (Text Embeddings
     * Inference, vLLM, Jina, Cohere, llama.cpp server); `transformers`, a local ONNX cross-encoder.
     */
    provider: RerankingProviderName;
    /** The root `/rerank` is added to, e.g. `http://127.0.0.1:8080` (TEI) or `http://127.0.0.1:8000/v1` (vLLM) (`HANGJIA_RERANK_BASE_URL`). */
    baseURL?: string;
    /** Sent as a Bearer token; never written to disk or logs (`HANGJIA_RERANK_API_KEY`). */
    apiKey?: string;
    /** Model name at the endpoint, e.g. `BAAI/bge-reranker-v2-m3`; TEI needs none (`HANGJIA_RERANK_MODEL`). */
    model?: string;
    /** A local ONNX cross-encoder folder for `transformers` (`HANGJIA_RERANK_MODEL_DIR`). */
    modelDir?: string;
    /** First-stage hits the reranker reads per query (1–1000, default 20; `HANGJIA_RERANK_TOP_N`). */
    topN: number;
  };
  /** How `ask` and `chat` answer. */
  answer: {
    /**
     * Below this evidence score (0–1: the IDF-weighted share of the question's terms the best hit
     * covers) the answer is "the knowledge base does not cover this" and no model is called
     * (`HANGJIA_EVIDENCE_THRESHOLD`; default 0.35, calibrated in bench/evidence-threshold.ts; 0 disables).
     */
    evidenceThreshold: number;
    /**
     * Most estimated tokens of earlier turns `chat` sends to the model, taken out of the sources'
     * budget (`HANGJIA_HISTORY_TOKENS`; unset: a quarter of it; 0 sends no earlier turns).
     */
    historyTokens?: number;
    /**
     * Remove the sentences the citation check finds unsupported instead of flagging them, for
     * users who prefer a shorter answer to an unsupported one (`--strict`; default false).
     */
    strict?: boolean;
    /**
     * Whether `ask`, `chat` and `eval rag --kb` put the knowledge graph's facts about the entities a
     * question names among the sources (after the retrieved passages), each cited to its evidence chunk (`--graph`,
     * `HANGJIA_ANSWER_GRAPH`; default false; build the graph with `hangjia graph build`).
     */
    graph?: boolean;
  };
  /** How `--strategy pearl|agent` runs (see docs/design.md, "Reasoning"). */
  reasoning: {
    /** Agent: model turns that may call tools; PEARL: most plan steps (1–50, default 8). */
    maxSteps: number;
    /** Agent: tool calls in all (1–200, default 12). */
    maxToolCalls: number;
    /** PEARL: plan repair rounds before falling back to RAG (0–10, default 2). */
    maxRepairs: number;
    /** Input plus output tokens of a run's model calls (≥ 1000, default 60 000). */
    tokenBudget: number;
    /** Wall time of a run in milliseconds (≥ 1000, default 300 000). */
    timeBudgetMs: number;
    /** PEARL: an actions file (`hangjia pearl mine --out`); default the built-in starter actions. */
    actions?: string;
    /** Agent: user tools, each `{ name, description, parameters, url }` (a JSON list in the environment or --set). */
    tools?: unknown[];
    /** Hosts user tools may call besides loopback (127.0.0.1, ::1, localhost). */
    allowedHosts?: string[];
  };
  /** Vector database (issue 18; docs/vectors.md). */
  vectors: {
    /**
     * Default `flat`: the exact in-process index, derived beside the lexical one (`HANGJIA_VECTORS_STORE`).
     * `qdrant` or `milvus`: a collection per knowledge base and embedding model in that server,
     * filtered by access groups inside its search, kept current by `kb sync`.
     */
    store: VectorStoreName;
    /** The server: Qdrant's REST URL (`http://127.0.0.1:6333`) or Milvus's gRPC address (`127.0.0.1:19530`) (`HANGJIA_VECTORS_URL`). */
    url?: string;
    /** Qdrant's `api-key`, or Milvus's token (`user:password`, or a Zilliz Cloud key); never written to disk or logs (`HANGJIA_VECTORS_API_KEY`). */
    apiKey?: string;
  };
  /** How `hangjia serve` listens and what it admits (docs/api.md). */
  server: {
    /** Address to bind (default 127.0.0.1; a non-loopback address needs an API key, see `hangjia keys`). */
    host: string;
    /** TCP port (default 8730; 0 picks a free one). */
    port: number;
    /** Largest JSON request body in bytes (default 1 MiB); larger ones get 413. */
    maxBodyBytes: number;
    /** Most files in one upload (default 20); each is also bounded by `ingest.maxFileBytes`. */
    maxUploadFiles: number;
    /**
     * Requests handled at once (default 128); over it a request gets 503 with Retry-After at once,
     * so an overloaded server answers "busy" quickly instead of letting every caller time out.
     */
    maxConcurrentRequests: number;
    /** Model calls (answers) running at once (default 4). */
    modelConcurrency: number;
    /** Model calls waiting for a slot (default 128: a team's burst of questions waits rather than fails); over it a request gets 503 with Retry-After. */
    modelQueue: number;
    /** Milliseconds a model call may wait for a slot (default 10000); after that it gets 503 with Retry-After. */
    modelQueueWaitMs: number;
    /** Requests per API key per minute (default 600; 0: unlimited); over it a request gets 429 with Retry-After. */
    requestsPerMinute: number;
    /** Origins allowed by CORS (default none: CORS off); `*` allows any. */
    corsOrigins: string[];
    /** Milliseconds SIGTERM/SIGINT waits for requests in flight before closing them (default 10000). */
    drainMs: number;
    /**
     * With a PostgreSQL store: how long a claimed job stays its runner's without a heartbeat
     * (default 30000). A replica or worker that dies mid-job delays the job by at most this long
     * before another takes it over; the heartbeat renews it three times per lease.
     */
    jobLeaseMs: number;
  };
}

export const DEFAULT_CONFIG: HangjiaConfig = {
  home: path.join(os.homedir(), '.hangjia'),
  store: {},
  embedding: { provider: 'none' },
  model: { provider: 'none', temperature: 0.2, maxTokens: 1024, timeoutMs: 120_000 },
  ingest: { maxFileBytes: 50 * 1024 * 1024, include: [], exclude: [], maxRemovalShare: 0.5 },
  chunking: { maxChars: 800, maxTokens: 512, overlapChars: 100, minChars: 50 },
  search: { ...DEFAULT_SEARCH_SETTINGS },
  answer: { evidenceThreshold: 0.35 },
  reasoning: { maxSteps: 8, maxToolCalls: 12, maxRepairs: 2, tokenBudget: 60_000, timeBudgetMs: 300_000 },
  rerank: { provider: 'none', topN: 20 },
  vectors: { store: 'flat' },
  server: { host: '127.0.0.1', port: 8730, maxBodyBytes: 1024 * 1024, maxUploadFiles: 20, maxConcurrentRequests: 128, modelConcurrency: 4, modelQueue: 128, modelQueueWaitMs: 10_000, requestsPerMinute: 600, corsOrigins: [], drainMs: 10_000, jobLeaseMs: 30_000 },
};
