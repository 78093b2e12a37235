import type { HangjiaError } from '../../errors/index.js';
import type { RerankingModel } from '../../models/index.js';
import { createProviderResponseError } from '../../models/index.js';
import { postJson } from '../_post-json.js';

/**
 * How the documents travel in the request: `documents` (Cohere, Jina, vLLM, Infinity, llama.cpp
 * server: `{ model, query, documents }`) or `texts` (Hugging Face Text Embeddings Inference:
 * `{ query, texts, truncate }`).
 */
export type RerankRequestFormat = 'documents' | 'texts';

export interface HttpRerankingSettings {
  /**
   * The root the `/rerank` path is added to: `http://127.0.0.1:8080` (TEI), `http://127.0.0.1:8000/v1`
   * (vLLM), `https://api.jina.ai/v1`, `https://api.cohere.com/v2`.
   */
  baseURL: string;
  /** Sent as `Authorization: Bearer …` when given. The config loader resolves it (`HANGJIA_RERANK_API_KEY`). */
  apiKey?: string;
  /**
   * The model name the endpoint serves, e.g. `BAAI/bge-reranker-v2-m3`. Sent as `model` when given;
   * TEI serves one model and needs none. Default: none (and `modelId` is then the URL).
   */
  model?: string;
  /**
   * Default: `documents`, switching to `texts` for good when the server answers 400/422 asking for
   * `texts` (what TEI says to a `documents` request), so one setting works with every server.
   */
  requestFormat?: RerankRequestFormat;
  /**
   * Most documents per request. Default 32: TEI's default `--max-client-batch-size`, and well
   * under Cohere's and Jina's limits.
   */
  maxDocumentsPerCall?: number;
  /** Extra request fields for one server, e.g. vLLM's `{ truncate_prompt_tokens: 512 }`. */
  extraBody?: Record<string, unknown>;
  /** Per-attempt limit in milliseconds. Default 60000. */
  timeoutMs?: number;
  /** Retries after the first attempt for network errors, timeouts and 408/409/429/5xx. Default 3. */
  maxRetries?: number;
  /** Replaces `globalThis.fetch`: for proxies, instrumentation and tests with recorded responses. */
  fetch?: typeof globalThis.fetch;
  headers?: Record<string, string>;
}

const PROVIDER = 'http';
const RESPONSE_HINT =
  'Check that baseURL is the root its /rerank path hangs from (e.g. http://127.0.0.1:8080 for Text Embeddings Inference, http://127.0.0.1:8000/v1 for vLLM) and that the model is a reranker.';

/**
 * A `RerankingModel` over the `/rerank` API that reranking servers share, with its two shapes
 * handled in one adapter:
 *
 * | server | request | response |
 * |---|---|---|
 * | Cohere, Jina, vLLM, Infinity, llama.cpp | `{ model, query, documents }` | `{ results: [{ index, relevance_score }], usage? }` |
 * | Text Embeddings Inference | `{ query, texts, truncate: true }` | `[{ index, score }]` |
 *
 * `top_n` is never sent: `rerank` wants every document's score, and the APIs return all without it.
 * TEI gets `truncate: true` because it rejects pairs longer than the model's window (512 tokens
 * for bge-reranker) instead of cutting them, and a chunk can be longer.
 *
 * Errors: `E_PROVIDER_HTTP` (URL, status and body), `E_PROVIDER_AUTH` (401/403),
 * `E_PROVIDER_UNREACHABLE`, `E_PROVIDER_TIMEOUT`, `E_PROVIDER_RESPONSE` (an unexpected body).
 *
 * @example
 * const model = createHttpRerankingModel({ baseURL: 'http://127.0.0.1:8080' }); // TEI serving BAAI/bge-reranker-v2-m3
 * const { ranking } = await rerank(model, { query: '试用期最长多久', documents });
 */
export function createHttpRerankingModel(settings: HttpRerankingSettings): RerankingModel {
  const { apiKey, model, timeoutMs = 60_000, maxRetries = 3, maxDocumentsPerCall = 32 } = settings;
  const url = `${settings.baseURL.replace(/\/+$/, '')}/rerank`;
  const modelId = model ?? url;
  const fetchFunction = settings.fetch ?? globalThis.fetch;
  const headers: Record<string, string> = {
    ...(apiKey === undefined || apiKey === '' ? {} : { authorization: `Bearer ${apiKey}` }),
    ...settings.headers,
  };
  let format: RerankRequestFormat = settings.requestFormat ?? 'documents';
  const formatIsFixed = settings.requestFormat !== undefined;

  const post = (query: string, documents: string[], abortSignal: AbortSignal | undefined) =>
    postJson({
      url,
      headers,
      body:
        format === 'texts'
          ? { ...(model === undefined ? {} : { model }), query, texts: documents, truncate: true, ...settings.extraBody }
          : { ...(model === undefined ? {} : { model }), query, documents, ...settings.extraBody },
      provider: PROVIDER,
      modelId,
      fetch: fetchFunction,
      timeoutMs,
      maxRetries,
      responseErrorHint: RESPONSE_HINT,
      ...(abortSignal === undefined ? {} : { abortSignal }),
    });

  return {
    specificationVersion: 'v1',
    provider: PROVIDER,
    modelId,
    maxDocumentsPerCall,
    async doRerank({ query, documents, abortSignal }) {
      if (documents.length === 0) return { ranking: [] };
      let response: Awaited<ReturnType<typeof postJson>>;
      try {
        response = await post(query, documents, abortSignal);
      } catch (error) {
        if (formatIsFixed || format === 'texts' || !asksForTexts(error)) throw error;
        format = 'texts';
        response = await post(query, documents, abortSignal);
      }
      const fail = (problem: string): never => {
        throw createProviderResponseError({ provider: PROVIDER, modelId, url, problem, responseBody: response.responseBody, hint: RESPONSE_HINT });
      };
      return parseRerankResponse(response.value, fail);
    },
  };
}

/** TEI answers a `documents` request with 422 "Failed to deserialize the JSON body…: missing field `texts`". */
function asksForTexts(error: unknown): boolean {
  const details = (error as Partial<HangjiaError> | null)?.details as { statusCode?: unknown; responseBody?: unknown } | undefined;
  return (details?.statusCode === 400 || details?.statusCode === 422) && typeof details.responseBody === 'string' && /\btexts\b/.test(details.responseBody);
}

/**
 * Minimal validation, on purpose: only `index` and the score (`relevance_score`, or TEI's `score`)
 * of each result, and `usage.total_tokens` when present. Results may come in any order (they come
 * sorted by score); `rerank` checks that every document got exactly one.
 */
function parseRerankResponse(value: unknown, fail: (problem: string) => never): { ranking: Array<{ index: number; score: number }>; usage?: { tokens: number } } {
  const results = Array.isArray(value) ? value : (value as { results?: unknown } | null)?.results;
  if (!Array.isArray(results)) return fail('the body is neither a list of { index, score } (Text Embeddings Inference) nor { results: [{ index, relevance_score }] } (Cohere, Jina, vLLM)');
  const ranking = results.map((item: unknown, position) => {
    const { index, relevance_score: relevanceScore, score } = (item ?? {}) as { index?: unknown; relevance_score?: unknown; score?: unknown };
    const value = typeof relevanceScore === 'number' ? relevanceScore : score;
    if (typeof index !== 'number' || typeof value !== 'number') return fail(`result ${position} lacks a numeric "index" and "relevance_score" (or "score")`);
    return { index, score: value };
  });
  const usage = (value as { usage?: { total_tokens?: unknown; prompt_tokens?: unknown } } | null)?.usage;
  const tokens = typeof usage?.total_tokens === 'number' ? usage.total_tokens : usage?.prompt_tokens;
  return typeof tokens === 'number' ? { ranking, usage: { tokens } } : { ranking };
}
