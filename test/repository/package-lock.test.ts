import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * `npm install` on a clean checkout rewrote package-lock.json when the lock lacked the optional
 * platform binaries its packages declare (e.g. @node-rs/jieba-android-arm-eabi): npm records every
 * platform's entry, installed or not, so a lock written on one machine without them is not the lock
 * the README's install leaves unchanged (issue 11, item 5).
 */
interface LockEntry {
  optionalDependencies?: Record<string, string>;
}

/**
 * Optional binaries the registry this project installs from answers with 404 (checked with
 * `npm view @node-llama-cpp/mac-x64@3.22.1 version`): npm leaves an optional dependency it cannot
 * fetch out of the lock, so their absence does not make `npm install` rewrite it. Anything else
 * missing does.
 */
const UNPUBLISHED_OPTIONAL_DEPENDENCIES = new Set(
  ['linux-riscv64', 'mac-arm64-metal', 'mac-x64', 'win-arm64', 'win-x64', 'win-x64-cuda', 'win-x64-cuda-ext', 'win-x64-vulkan'].map((platform) => `@node-llama-cpp/${platform}`),
);

/** Declared optional dependencies with no entry where npm would resolve them (walking up the node_modules nesting). */
function missingOptionalDependencies(packages: Record<string, LockEntry>): string[] {
  const missing: string[] = [];
  for (const [location, entry] of Object.entries(packages)) {
    for (const name of Object.keys(entry.optionalDependencies ?? {})) {
      if (UNPUBLISHED_OPTIONAL_DEPENDENCIES.has(name)) continue;
      if (!resolutionCandidates(location, name).some((candidate) => Object.hasOwn(packages, candidate))) missing.push(`${location || '(root)'} → ${name}`);
    }
  }
  return missing;
}

/** `node_modules/a/node_modules/b` looking for c: its own node_modules/c, then a's, then the top level. */
function resolutionCandidates(location: string, name: string): string[] {
  const candidates = [location === '' ? `node_modules/${name}` : `${location}/node_modules/${name}`];
  let parent = location;
  while (parent.includes('/node_modules/')) {
    parent = parent.slice(0, parent.lastIndexOf('/node_modules/'));
    candidates.push(`${parent}/node_modules/${name}`);
  }
  candidates.push(`node_modules/${name}`);
  return candidates;
}

describe('package-lock.json', () => {
  it('lists every optional dependency its packages declare, for every platform', () => {
    const lock = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8')) as { lockfileVersion: number; packages: Record<string, LockEntry> };
    expect(lock.lockfileVersion).toBe(3);
    expect(missingOptionalDependencies(lock.packages)).toEqual([]);
  });

  it('the check finds a platform binary left out, and resolves nested ones where npm would', () => {
    const packages: Record<string, LockEntry> = {
      '': {},
      'node_modules/@node-rs/jieba': { optionalDependencies: { '@node-rs/jieba-linux-x64-gnu': '2.0.3', '@node-rs/jieba-android-arm-eabi': '2.0.3' } },
      'node_modules/@node-rs/jieba-linux-x64-gnu': {},
      'node_modules/a/node_modules/b': { optionalDependencies: { c: '1.0.0', d: '1.0.0' } },
      'node_modules/a/node_modules/c': {},
      'node_modules/d': {},
    };
    expect(missingOptionalDependencies(packages)).toEqual(['node_modules/@node-rs/jieba → @node-rs/jieba-android-arm-eabi']);
  });
});
