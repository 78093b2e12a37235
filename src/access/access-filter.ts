import { HangjiaError } from '../errors/index.js';

/**
 * Who is asking, as retrieval sees it: the access groups the caller belongs to. A document with
 * no groups is readable by everyone; a document with groups only by a caller sharing one of them.
 * `undefined` where an `AccessFilter` is optional means unrestricted (the CLI, an admin key).
 *
 * @example
 * await kb.search('年终奖怎么发', { k: 5, access: { groups: ['hr'] } });
 */
export interface AccessFilter {
  readonly groups: readonly string[];
}

/**
 * Whether a document carrying `documentGroups` may be read under `access`: always without a
 * filter, and otherwise when the document has no groups or shares one with the caller.
 */
export function canReadDocument(documentGroups: readonly string[], access: AccessFilter | undefined): boolean {
  if (access === undefined || documentGroups.length === 0) return true;
  return documentGroups.some((group) => access.groups.includes(group));
}

/**
 * Group names are identifiers people type on command lines and in YAML: letters, digits and
 * `_ . : -`, starting with a letter or digit, at most 64 characters. Case matters (`HR` ≠ `hr`).
 */
const GROUP_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N}_.:-]{0,63}$/u;

/**
 * Checks, trims, de-duplicates and sorts access group names, so one set of groups is stored one
 * way. `source` names where they came from (a flag, a file and line) for the error message.
 *
 * @throws HangjiaError `E_ACCESS_GROUP` naming the bad group and its source.
 */
export function normalizeAccessGroups(groups: Iterable<string>, source = 'access groups'): string[] {
  const normalized = new Set<string>();
  for (const raw of groups) {
    const group = raw.normalize('NFC').trim();
    if (!GROUP_PATTERN.test(group)) {
      throw new HangjiaError(
        'E_ACCESS_GROUP',
        `Invalid access group "${raw}" in ${source}: use 1–64 letters, digits, "_", ".", ":" or "-", starting with a letter or digit.`,
        { details: { group: raw, source } },
      );
    }
    normalized.add(group);
  }
  return [...normalized].sort();
}
