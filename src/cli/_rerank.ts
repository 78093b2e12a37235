import type { ArgsDef } from 'citty';
import type { HangjiaConfig } from '../config/index.js';
import { createRerankingSearchOptions, describeReranking, RERANK_CHOICES, type RerankChoice } from '../presets/index.js';
import type { Terminal } from './_terminal.js';

/** `--rerank`, shared by `search`, `ask`, `chat`, `eval rag --kb` and `eval retrieval --kb`. */
export const RERANK_ARGS = {
  rerank: {
    type: 'string',
    description:
      'Rerank the first-stage top rerank.topN hits with a cross-encoder: on (the configured rerank.provider), off, http (a /rerank endpoint at rerank.baseURL) or transformers (a local ONNX model in rerank.modelDir). Default: rerank.provider (none)',
  },
} as const satisfies ArgsDef;

/**
 * `--rerank`'s value, checked: a value citty took from the next flag (`--rerank --k 3`) is
 * reported as a usage error naming the allowed values.
 */
export function rerankFlag(value: string | undefined): RerankChoice | undefined {
  if (value !== undefined && value !== '' && !RERANK_CHOICES.includes(value)) {
    throw Object.assign(new Error(`--rerank takes ${RERANK_CHOICES.join(', ')}; got "${value}". (A bare --rerank must come last, or be written --rerank on.)`), { name: 'CLIError', code: 'E_ARG' });
  }
  return value as RerankChoice | undefined;
}

/** The reranking `--rerank` asks for, as search options to spread into `kb.search` (see `createRerankingSearchOptions`). */
export function openReranking(config: Pick<HangjiaConfig, 'rerank'>, value: string | undefined, terminal: Terminal): ReturnType<typeof createRerankingSearchOptions> {
  const reranking = createRerankingSearchOptions(config, rerankFlag(value));
  if (reranking.reranker) terminal.info(describeReranking(reranking.reranker, config.rerank.topN));
  return reranking;
}
