import { createRoute, type OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
import { createApiKey, isAdmin, listApiKeys, revokeApiKey, type ApiKeyRecord, type Principal } from '../access/index.js';
import { HangjiaError } from '../errors/index.js';
import {
  ApiKeyListSchema,
  ApiKeyParamsSchema,
  ApiKeySchema,
  CreateApiKeyRequestSchema,
  CreateApiKeyResponseSchema,
  ErrorBodySchema,
  WhoAmISchema,
  type ApiKey,
} from './api-types.js';
import type { HangjiaService } from './hangjia-service.js';

type ServerEnv = { Variables: { principal: Principal } };

const errors = {
  401: { description: 'Missing or invalid API key', content: { 'application/json': { schema: ErrorBodySchema } } },
  403: { description: 'Not an admin key', content: { 'application/json': { schema: ErrorBodySchema } } },
} satisfies RouteConfig['responses'];
const bearer = [{ bearerAuth: [] }];

/**
 * `/api/me` (who the key is: the web UI shows pages by it) and `/api/keys` (the admin page: the
 * same store and functions as `hangjia keys create|list|revoke`, for admin keys only).
 */
export function registerKeyRoutes(app: OpenAPIHono<ServerEnv>, service: HangjiaService): void {
  const home = service.config.home;
  const requireAdmin = (principal: Principal): void => {
    if (!isAdmin(principal)) throw new HangjiaError('E_FORBIDDEN', `Key "${principal.name}" is a ${principal.role} key; managing API keys needs an admin key.`);
  };

  app.openapi(
    createRoute({ method: 'get', path: '/api/me', tags: ['Keys'], summary: 'The calling key: name, role, scopes', security: bearer, responses: { 200: { description: 'The caller', content: { 'application/json': { schema: WhoAmISchema } } }, 401: errors[401] } }),
    (c) => {
      const { name, role, knowledgeBases, groups } = c.get('principal');
      return c.json({ name, role, knowledgeBases, groups, keysExist: service.keysExist() }, 200);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/api/keys', tags: ['Keys'], summary: 'Every API key (admin keys only); secrets are never shown again', security: bearer, responses: { 200: { description: 'Keys', content: { 'application/json': { schema: ApiKeyListSchema } } }, ...errors } }),
    (c) => {
      requireAdmin(c.get('principal'));
      return c.json({ keys: listApiKeys(home).map(keyToApi) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/keys',
      tags: ['Keys'],
      summary: 'Create a key (admin keys only); the response holds its secret, once',
      security: bearer,
      request: { body: { content: { 'application/json': { schema: CreateApiKeyRequestSchema } }, required: true } },
      responses: { 201: { description: 'The key and its secret', content: { 'application/json': { schema: CreateApiKeyResponseSchema } } }, ...errors },
    }),
    (c) => {
      requireAdmin(c.get('principal'));
      const request = c.req.valid('json');
      const { key, secret } = createApiKey(home, {
        name: request.name,
        ...(request.role ? { role: request.role } : {}),
        ...(request.knowledgeBases && request.knowledgeBases.length > 0 ? { knowledgeBases: request.knowledgeBases } : {}),
        ...(request.groups ? { groups: request.groups } : {}),
      });
      return c.json({ key: keyToApi(key), secret }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/keys/{id}',
      tags: ['Keys'],
      summary: 'Revoke a key (admin keys only)',
      security: bearer,
      request: { params: ApiKeyParamsSchema },
      responses: { 200: { description: 'The revoked key', content: { 'application/json': { schema: ApiKeySchema } } }, ...errors },
    }),
    (c) => {
      requireAdmin(c.get('principal'));
      return c.json(keyToApi(revokeApiKey(home, c.req.valid('param').id)), 200);
    },
  );
}

function keyToApi(record: ApiKeyRecord): ApiKey {
  const { id, name, prefix, role, knowledgeBases, groups, createdAt, expiresAt, revokedAt, status } = record;
  return { id, name, prefix, role, knowledgeBases, groups, createdAt, expiresAt, revokedAt, status };
}
