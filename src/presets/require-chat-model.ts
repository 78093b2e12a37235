import type { HangjiaConfig } from '../config/index.js';
import { HangjiaError } from '../errors/index.js';

/**
 * Stops a job that cannot run without a chat model before it starts: `E_CONFIG` (exit 2) when
 * `model.provider` is `none`. `message` says what needs the model, how to configure one, and the
 * model-free alternative when there is one.
 *
 * @example
 * requireChatModel(config.model, 'An exam needs a chat model, and model.provider is "none". Configure one, …');
 */
export function requireChatModel(settings: HangjiaConfig['model'], message: string): void {
  if (settings.provider === 'none') throw new HangjiaError('E_CONFIG', message, { details: { setting: 'model.provider', value: 'none' } });
}
