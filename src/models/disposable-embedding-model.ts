import type { EmbeddingModel } from './embedding-model.js';

/** An in-process embedding model that holds native memory until disposed. */
export interface DisposableEmbeddingModel extends EmbeddingModel {
  /** Frees the loaded model. Safe to call twice; the next embed loads it again. */
  dispose(): Promise<void>;
}
