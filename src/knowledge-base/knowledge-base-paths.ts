import fs from 'node:fs';
import path from 'node:path';
import { HangjiaError } from '../errors/index.js';

/** Knowledge-base names become folder names: keep them portable and unambiguous. */
const NAME_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N}_.-]{0,63}$/u;

export function assertKnowledgeBaseName(name: string): void {
  if (!NAME_PATTERN.test(name) || name.includes('..')) {
    throw new HangjiaError(
      'E_USAGE',
      `Invalid knowledge base name "${name}": use 1–64 letters, digits, "_", "-" or ".", starting with a letter or digit.`,
      { details: { name } },
    );
  }
}

/** `$HANGJIA_HOME/kb/<name>`: one directory per knowledge base. */
export function knowledgeBaseDirectory(home: string, name: string): string {
  assertKnowledgeBaseName(name);
  assertHomeIsUsable(home);
  return path.join(home, 'kb', name);
}

/** `E_HOME_NOT_DIRECTORY` when `home` (or its `kb` folder) exists but is not a folder: every command says so, none pretends it is empty. */
export function assertHomeIsUsable(home: string): void {
  for (const folder of [home, path.join(home, 'kb')]) {
    let stats: fs.Stats | undefined;
    try {
      stats = fs.statSync(folder);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      if (code !== 'ENOTDIR') throw writeAccessError(folder, error, 'read');
    }
    if (stats === undefined || !stats.isDirectory()) {
      throw new HangjiaError(
        'E_HOME_NOT_DIRECTORY',
        `${folder} is not a folder, but hangjia keeps its knowledge bases there ($HANGJIA_HOME or --home is ${home}). Point HANGJIA_HOME (or --home) at a folder, or move the file away.`,
        { details: { path: folder, home } },
      );
    }
  }
}

const PERMISSION_CODES: Record<string, string> = { EACCES: 'permission denied', EPERM: 'operation not permitted', EROFS: 'read-only file system' };

/**
 * `E_KB_READ_ONLY` for a file-system error that means "you may not write here" (EACCES, EPERM,
 * EROFS), naming the path and the permission; any other error is returned unchanged.
 */
function writeAccessError(target: string, error: unknown, action: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const permission = code === undefined ? undefined : PERMISSION_CODES[code];
  if (permission === undefined) return error;
  return new HangjiaError(
    'E_KB_READ_ONLY',
    `Cannot ${action} ${target}: ${permission} (${code}). Reading still works (kb list, kb stats, search, ask); to change the knowledge base, run as a user who may write there or use a writable --home.`,
    { details: { path: target, code }, cause: error },
  );
}

/** Whether `target` (or, when it does not exist yet, its nearest existing parent) can be written. */
export function isWritable(target: string): boolean {
  try {
    assertWritable(target, 'write');
    return true;
  } catch {
    return false;
  }
}

/** Throws `E_KB_READ_ONLY` unless `target` (or, when it does not exist yet, its nearest existing parent) can be written. */
export function assertWritable(target: string, action: string): void {
  let existing = target;
  while (!fs.existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  try {
    fs.accessSync(existing, fs.constants.W_OK);
  } catch (error) {
    throw writeAccessError(existing, error, action);
  }
}

export function databasePath(directory: string): string {
  return path.join(directory, 'kb.sqlite');
}

export function indexDirectory(directory: string): string {
  return path.join(directory, 'index');
}

/** Names of the knowledge bases under `home`, sorted. */
export function listKnowledgeBaseNames(home: string): string[] {
  assertHomeIsUsable(home);
  const root = path.join(home, 'kb');
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(databasePath(path.join(root, entry.name))))
    .map((entry) => entry.name)
    .sort();
}
