import type { LanguageModel } from './language-model.js';

/** An in-process language model that holds native memory until disposed. */
export interface DisposableLanguageModel extends LanguageModel {
  /** Frees the loaded model. Safe to call twice; the next call loads it again. */
  dispose(): Promise<void>;
}
