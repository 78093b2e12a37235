/**
 * Stand-in for src/access until that branch merges: the same names and shapes, so wiring it is an
 * import change. (Removed at the merge.)
 */
export type ApiKeyRole = 'reader' | 'editor' | 'admin';
export interface AccessFilter {
  readonly groups: readonly string[];
}
export interface Principal {
  keyId: string;
  name: string;
  role: ApiKeyRole;
  knowledgeBases: '*' | string[];
  groups: string[];
}
export function isAdmin(principal: Principal): boolean {
  return principal.role === 'admin';
}
export function canReadKnowledgeBase(principal: Principal, name: string): boolean {
  return isAdmin(principal) || principal.knowledgeBases === '*' || principal.knowledgeBases.includes(name);
}
export function canWriteKnowledgeBase(principal: Principal, name: string): boolean {
  return principal.role !== 'reader' && canReadKnowledgeBase(principal, name);
}
export function accessFilterFor(principal: Principal): AccessFilter | undefined {
  return isAdmin(principal) ? undefined : { groups: principal.groups };
}
export function countActiveApiKeys(_home: string): number {
  return 0;
}
export function authenticateApiKey(_home: string, _secret: string): Principal | undefined {
  return undefined;
}
