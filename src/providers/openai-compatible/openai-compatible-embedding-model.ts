import type { EmbeddingModel } from '../../models/index.js';
import { createProviderResponseError } from '../../models/index.js';
import { postJson } from '../_post-json.js';

export interface OpenAICompatibleEmbeddingSettings {
  /** API root including the version path, e.g. `http://127.0.0.1:8000/v1` (vLLM) or `http://127.0.0.1:11434/v1` (Ollama). */
  baseURL: string;
  /**
   * Sent as `Authorization: Bearer …` when given. This adapter reads no environment variable: the
   * config loader resolves `--api-key` / `HANGJIA_API_KEY` and passes the result here.
   */
  apiKey?: string;
  /** The model name the endpoint serves, e.g. `BAAI/bge-m3`. */
  model: string;
  /**
   * The vector length you expect. Checked against every response, never sent: many compatible
   * servers reject OpenAI's `dimensions` request field. Default: unknown (vectors must merely agree).
   */
  dimensions?: number;
  /** Most texts per request. Default 64; lower it for servers with small batch limits. */
  maxEmbeddingsPerCall?: number;
  /** Per-attempt limit in milliseconds, covering connect, wait and body. Default 60000. */
  timeoutMs?: number;
  /** Retries after the first attempt for network errors, timeouts and 408/409/429/5xx. Default 3. */
  maxRetries?: number;
  /** Replaces `globalThis.fetch`: for proxies, instrumentation and tests with recorded responses. */
  fetch?: typeof globalThis.fetch;
  /** Extra request headers, e.g. an organisation id. */
  headers?: Record<string, string>;
}

const PROVIDER = 'openai-compatible';

/**
 * An `EmbeddingModel` over any OpenAI-compatible `/embeddings` endpoint (vLLM, Ollama, llama.cpp
 * server, TEI, SiliconFlow, DashScope compatible mode, OpenAI itself).
 *
 * Errors: `E_PROVIDER_HTTP` (with status and body), `E_PROVIDER_AUTH` (401/403),
 * `E_PROVIDER_UNREACHABLE`, `E_PROVIDER_TIMEOUT`, `E_PROVIDER_RESPONSE` (unexpected body).
 *
 * @example
 * const model = createOpenAICompatibleEmbeddingModel({ baseURL: 'http://127.0.0.1:8000/v1', model: 'BAAI/bge-m3', dimensions: 1024 });
 * const { embeddings } = await embedMany(model, ['劳动合同试用期最长多久']);
 */
export function createOpenAICompatibleEmbeddingModel(settings: OpenAICompatibleEmbeddingSettings): EmbeddingModel {
  const { model: modelId, apiKey, timeoutMs = 60_000, maxRetries = 3, maxEmbeddingsPerCall = 64 } = settings;
  const url = `${settings.baseURL.replace(/\/+$/, '')}/embeddings`;
  const fetchFunction = settings.fetch ?? globalThis.fetch;
  const headers: Record<string, string> = {
    ...(apiKey === undefined || apiKey === '' ? {} : { authorization: `Bearer ${apiKey}` }),
    ...settings.headers,
  };
  return {
    specificationVersion: 'v1',
    provider: PROVIDER,
    modelId,
    maxEmbeddingsPerCall,
    ...(settings.dimensions === undefined ? {} : { dimensions: settings.dimensions }),
    async doEmbed({ values, abortSignal }) {
      if (values.length === 0) return { embeddings: [] };
      const { value, responseBody } = await postJson({
        url,
        headers,
        body: { model: modelId, input: values, encoding_format: 'float' },
        provider: PROVIDER,
        modelId,
        fetch: fetchFunction,
        timeoutMs,
        maxRetries,
        ...(abortSignal === undefined ? {} : { abortSignal }),
      });
      const fail = (problem: string): never => {
        throw createProviderResponseError({ provider: PROVIDER, modelId, url, problem, responseBody });
      };
      return parseEmbeddingResponse(value, fail);
    },
  };
}

/**
 * Minimal validation, on purpose (as in the Vercel AI SDK's openai-compatible embedding model):
 * only what we use — `data[].embedding` as numbers, `data[].index` for order, `usage.prompt_tokens`.
 * Extra fields and missing optional ones are fine; servers differ in both.
 */
function parseEmbeddingResponse(
  value: unknown,
  fail: (problem: string) => never,
): { embeddings: number[][]; usage?: { tokens: number } } {
  const data = (value as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) return fail('the body has no "data" array');
  const items = data.map((item: unknown, position) => {
    const { embedding, index } = (item ?? {}) as { embedding?: unknown; index?: unknown };
    if (!Array.isArray(embedding) || !embedding.every((number) => typeof number === 'number' && Number.isFinite(number))) {
      return fail(`data[${position}].embedding is not an array of finite numbers (was encoding_format "float" ignored?)`);
    }
    return { embedding: embedding as number[], index: typeof index === 'number' ? index : position };
  });
  // The API allows any order; `index` says which input each vector belongs to.
  items.sort((left, right) => left.index - right.index);
  const promptTokens = (value as { usage?: { prompt_tokens?: unknown } }).usage?.prompt_tokens;
  const embeddings = items.map((item) => item.embedding);
  return typeof promptTokens === 'number' ? { embeddings, usage: { tokens: promptTokens } } : { embeddings };
}
