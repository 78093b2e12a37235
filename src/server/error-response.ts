/**
 * The one place where errors become HTTP responses: a `HangjiaError` code maps to a status and an
 * OpenAI-style error type; the body is OpenAI's `{"error":{"message","type","code","param"}}`
 * on every route, so OpenAI clients surface our messages as they would theirs. Stages never
 * know about HTTP; they throw `HangjiaError`s and this table decides.
 */
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { HangjiaError } from '../errors/index.js';
import type { ErrorBody } from './api-types.js';

const STATUS_BY_CODE: Record<string, ContentfulStatusCode> = {
  E_USAGE: 400,
  E_ARG: 400,
  E_REQUEST: 400,
  E_SEARCH_MODE: 400,
  E_PATH_NOT_FOUND: 400,
  E_UPLOAD: 400,
  E_ACCESS_GROUP: 400,
  E_UNAUTHORIZED: 401,
  E_FORBIDDEN: 403,
  E_KB_NOT_FOUND: 404,
  E_NOT_FOUND: 404,
  E_DOCUMENT_NOT_FOUND: 404,
  E_CHUNK_NOT_FOUND: 404,
  E_JOB_NOT_FOUND: 404,
  E_API_KEY_NOT_FOUND: 404,
  E_MODEL_NOT_CONFIGURED: 404,
  E_KB_EXISTS: 409,
  E_CONFLICT: 409,
  E_API_KEY_EXISTS: 409,
  E_BODY_TOO_LARGE: 413,
  E_RATE_LIMITED: 429,
  E_BUSY: 503,
  E_KB_BUSY: 503,
  E_SHUTTING_DOWN: 503,
  E_CONTEXT_OVERFLOW: 400,
  E_PROVIDER_HTTP: 502,
  E_PROVIDER_RESPONSE: 502,
  E_PROVIDER_STREAM: 502,
  E_PROVIDER_AUTH: 502,
  E_PROVIDER_UNREACHABLE: 502,
  E_MODEL_OUTPUT: 502,
  E_PROVIDER_TIMEOUT: 504,
  // A vector database (Qdrant, Milvus) that failed or could not be reached: an upstream failure, like a model endpoint.
  E_VECTOR_STORE: 502,
};

const TYPE_BY_STATUS: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  409: 'invalid_request_error',
  413: 'invalid_request_error',
  429: 'rate_limit_error',
};

/** The status, body and headers an error is answered with. */
export interface ErrorResponse {
  status: ContentfulStatusCode;
  body: ErrorBody;
  headers: Record<string, string>;
}

/**
 * Maps any thrown value to its response. A `HangjiaError` keeps its message and code; its
 * `details.param` names the request field at fault and `details.retryAfterSeconds` becomes
 * `Retry-After`. Anything else is a bug: 500 with a generic message (the stack goes to the log,
 * never to the caller, who may not be allowed to see what it names).
 */
export function errorResponse(error: unknown): ErrorResponse {
  if (HangjiaError.is(error)) {
    const status = STATUS_BY_CODE[error.code] ?? 500;
    const retryAfter = error.details['retryAfterSeconds'];
    const param = error.details['param'];
    return {
      status,
      body: { error: { message: error.message, type: TYPE_BY_STATUS[status] ?? 'server_error', code: error.code, param: typeof param === 'string' ? param : null } },
      headers: typeof retryAfter === 'number' ? { 'retry-after': String(Math.max(1, Math.ceil(retryAfter))) } : {},
    };
  }
  if (error instanceof HTTPException) {
    // Hono's own: malformed JSON (400), body over the limit (413).
    const status = error.status as ContentfulStatusCode;
    const code = status === 413 ? 'E_BODY_TOO_LARGE' : status === 400 ? 'E_REQUEST' : 'E_HTTP';
    const message = error.message || (status === 413 ? 'The request body is too large.' : 'Bad request.');
    return { status, body: { error: { message, type: TYPE_BY_STATUS[status] ?? 'server_error', code, param: null } }, headers: {} };
  }
  return { status: 500, body: { error: { message: 'Internal server error (logged on the server).', type: 'server_error', code: 'E_INTERNAL', param: null } }, headers: {} };
}

/** `E_REQUEST` naming the field at fault, for input the schemas cannot express. */
export function badRequest(message: string, param?: string): HangjiaError {
  return new HangjiaError('E_REQUEST', message, { details: param === undefined ? {} : { param } });
}

/** The 404 for a knowledge base the caller cannot see: the same whether it is missing or forbidden, so existence stays secret. */
export function knowledgeBaseNotFound(name: string): HangjiaError {
  return new HangjiaError('E_KB_NOT_FOUND', `Knowledge base "${name}" does not exist (or this key may not read it).`, { details: { name, param: 'kb' } });
}
