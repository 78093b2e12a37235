import type { RerankingModel } from './reranking-model.js';

/** An in-process reranking model that holds native memory until disposed. */
export interface DisposableRerankingModel extends RerankingModel {
  /** Frees the loaded model. Safe to call twice; the next rerank loads it again. */
  dispose(): Promise<void>;
}
