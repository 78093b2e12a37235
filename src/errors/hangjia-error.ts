/**
 * The one error type hangjia throws on purpose.
 *
 * `code` is stable and machine-readable (`E_SOURCE_READ`, `E_KB_NOT_FOUND`, …); the CLI maps codes
 * to exit statuses and the HTTP server maps them to statuses, each in one place. `details` names
 * the offending input (path, document id, provider, model, setting and value) so a message can
 * be acted on without a debugger. Messages say what was expected, what was found and how to fix it.
 *
 * @example
 * throw new HangjiaError('E_KB_NOT_FOUND', `Knowledge base "${name}" does not exist. Create it with: hangjia kb create ${name} <path…>`, { details: { name } });
 */
export class HangjiaError extends Error {
  override readonly name = 'HangjiaError';
  readonly code: string;
  readonly details: Readonly<Record<string, unknown>>;
  /** Whether trying the same call again can help (network hiccups, rate limits). */
  readonly isRetryable: boolean;

  constructor(
    code: string,
    message: string,
    options: { details?: Record<string, unknown>; cause?: unknown; isRetryable?: boolean } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
    this.isRetryable = options.isRetryable ?? false;
  }

  static is(error: unknown, code?: string): error is HangjiaError {
    return error instanceof HangjiaError && (code === undefined || error.code === code);
  }
}

/** Errors that come from how the user called us (bad flag, missing path) rather than from a bug. */
export const USAGE_ERROR_CODES = new Set([
  'E_USAGE',
  'E_PATH_NOT_FOUND',
  'E_KB_NOT_FOUND',
  'E_KB_EXISTS',
  'E_CONFIG',
  'E_DATASET',
  'E_ACCESS_GROUP',
  'E_ACCESS_RULES',
  'E_API_KEY_EXISTS',
  'E_API_KEY_NOT_FOUND',
  'E_DOCUMENT_NOT_FOUND',
  'E_GRAPH_SCHEMA',
  'E_GRAPH_QUERY',
  'E_GRAPH_CONFIRM',
  'E_GRAPH_NOT_FOUND',
  'E_VECTOR_STORE_PACKAGE',
  'E_STORE_URL',
  'E_IMPORT_FORMAT',
  'E_IMPORT_CONFLICT',
]);
