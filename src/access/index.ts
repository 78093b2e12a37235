/**
 * @module access — who may read what: per-document access groups (the filter retrieval applies
 * before top-k, and the `.hangjia-access.yaml` rules that assign groups to source files), and API
 * keys with roles, knowledge-base scopes and groups, stored hashed in `$HANGJIA_HOME/access.sqlite`.
 */
export { canReadDocument, normalizeAccessGroups, type AccessFilter } from './access-filter.js';
export { ACCESS_RULES_FILE, parseAccessRules, readAccessRules, type AccessRule, type AccessRules } from './access-rules.js';
export { API_KEY_ROLES, accessFilterFor, canReadKnowledgeBase, canWriteKnowledgeBase, isAdmin, type ApiKeyRole, type Principal } from './principal.js';
export {
  ACCESS_STORE_SCHEMA_VERSION,
  ApiKeyStore,
  useApiKeyRows,
  type ApiKeyRow,
  type ApiKeyRows,
  accessStorePath,
  authenticateApiKey,
  closeApiKeyStores,
  countActiveApiKeys,
  createApiKey,
  listApiKeys,
  parseApiKeyExpiry,
  revokeApiKey,
  type ApiKeyClock,
  type ApiKeyRecord,
  type ApiKeySpec,
} from './api-keys.js';
