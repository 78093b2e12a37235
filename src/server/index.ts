/**
 * @module server — `hangjia serve`: the HTTP API (OpenAI-compatible `/v1/*`, REST `/api/*`,
 * OpenAPI at `/openapi.json`), MCP (stdio and streamable HTTP), jobs, limits. A thin shell over
 * the library's stage functions; `api-types.ts` holds every request and response shape.
 */
export { HangjiaService, LOCAL_PRINCIPAL, sanitizeFileName, uploadsFolderOf, type HangjiaServiceOptions, type UploadedFile } from './hangjia-service.js';
export { createApp, UI_DIRECTORY } from './create-app.js';
export { startServer, isLoopbackHost, type RunningServer } from './start-server.js';
export { createMcpServer } from './mcp-server.js';
export { errorResponse, type ErrorResponse } from './error-response.js';
export { ModelCallQueue } from './model-call-queue.js';
export { RateLimiter } from './rate-limiter.js';
export type * from './api-types.js';
