import type { AccessFilter } from './access-filter.js';

/** What a key may do: `reader` searches and asks; `editor` also changes documents; `admin` does everything, on every knowledge base. */
export type ApiKeyRole = 'reader' | 'editor' | 'admin';

export const API_KEY_ROLES: readonly ApiKeyRole[] = ['reader', 'editor', 'admin'];

/** The caller behind an authenticated API key. */
export interface Principal {
  keyId: string;
  name: string;
  role: ApiKeyRole;
  /** The knowledge bases the key reaches: `'*'` for all (always so for an admin). */
  knowledgeBases: '*' | string[];
  /** The key's access groups: it reads documents with no groups or one of these. */
  groups: string[];
}

export function isAdmin(principal: Principal): boolean {
  return principal.role === 'admin';
}

/** Whether the key reaches knowledge base `name` at all (search, ask, list its documents). */
export function canReadKnowledgeBase(principal: Principal, name: string): boolean {
  return isAdmin(principal) || principal.knowledgeBases === '*' || principal.knowledgeBases.includes(name);
}

/** Whether the key may change knowledge base `name` (upload, delete documents, sync): editors and admins that reach it. */
export function canWriteKnowledgeBase(principal: Principal, name: string): boolean {
  return principal.role !== 'reader' && canReadKnowledgeBase(principal, name);
}

/**
 * The filter retrieval applies for this key: none for an admin (it sees every document), else the
 * key's groups, so a key created without groups reads only documents that have none. Failing closed
 * is deliberate: forgetting `--groups` must not open restricted documents.
 */
export function accessFilterFor(principal: Principal): AccessFilter | undefined {
  return isAdmin(principal) ? undefined : { groups: principal.groups };
}
