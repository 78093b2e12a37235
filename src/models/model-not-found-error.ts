import { HangjiaError } from '../errors/index.js';

/**
 * The error for an endpoint that does not serve the requested model (HTTP 404, or a "model not
 * found" complaint): code `E_MODEL_NOT_FOUND`, not retryable. The message names the model and
 * where to list the ones the server has.
 */
export function createModelNotFoundError(options: {
  provider: string;
  modelId: string;
  url: string;
  statusCode: number;
  responseBody: string;
  /** Where the endpoint lists its models, e.g. 'http://127.0.0.1:11434/v1/models'. */
  modelsURL: string;
}): HangjiaError {
  const { provider, modelId, url, statusCode, responseBody, modelsURL } = options;
  return new HangjiaError(
    'E_MODEL_NOT_FOUND',
    `The ${provider} endpoint ${url} does not know model "${modelId}" (HTTP ${statusCode}: ${responseBody}). ` +
      `Check the model name (model.model in the config file, or HANGJIA_MODEL); GET ${modelsURL} lists what the server serves. ` +
      'If it lists nothing either, the base URL is wrong (it usually ends in /v1).',
    { details: { provider, modelId, url, statusCode, responseBody } },
  );
}
