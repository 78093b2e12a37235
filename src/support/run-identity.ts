import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * Where two recorded run identities first differ: the dotted setting (`answering.model.baseURL`,
 * not the whole `answering` block) and both values.
 */
export interface RunIdentityDifference {
  setting: string;
  previous: unknown;
  value: unknown;
}

/**
 * The first setting where `previous` and `value` differ, as a dotted path under `setting`:
 * objects are compared key by key, anything else as JSON. Undefined when they agree.
 *
 * @example
 * findRunIdentityDifference({ endpoint: 'http://a/v1' }, { endpoint: 'http://b/v1' }); // { setting: 'endpoint', previous: 'http://a/v1', value: 'http://b/v1' }
 */
export function findRunIdentityDifference(previous: unknown, value: unknown, setting = ''): RunIdentityDifference | undefined {
  const isRecord = (candidate: unknown): candidate is Record<string, unknown> => typeof candidate === 'object' && candidate !== null && !Array.isArray(candidate);
  if (isRecord(previous) && isRecord(value)) {
    for (const key of new Set([...Object.keys(previous), ...Object.keys(value)])) {
      const difference = findRunIdentityDifference(previous[key], value[key], setting ? `${setting}.${key}` : key);
      if (difference !== undefined) return difference;
    }
    return undefined;
  }
  return JSON.stringify(previous) === JSON.stringify(value) ? undefined : { setting, previous, value };
}

/** How a difference reads in a message: `endpoint "http://a/v1"`; a setting older runs did not record reads `(not recorded)`. */
export function describeRunIdentityDifference(difference: RunIdentityDifference): { previous: string; value: string } {
  const show = (value: unknown): string => (value === undefined ? '(not recorded)' : JSON.stringify(value));
  return { previous: show(difference.previous), value: show(difference.value) };
}

/**
 * A short, stable name for an identity: the first 8 hex digits of the sha256 of its JSON with keys
 * sorted. A run whose identity differs from the one in its default directory goes to
 * `<default>.<digest>`, so running the same settings again finds the same directory and resumes.
 */
export function runIdentityDigest(identity: unknown): string {
  return createHash('sha256').update(canonicalJson(identity)).digest('hex').slice(0, 8);
}

/** sha256 (hex) of files' bytes in order: what an input file contributes to a run's identity. */
export function fileDigest(...files: readonly string[]): string {
  const hash = createHash('sha256');
  for (const file of files) hash.update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.keys(value)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
