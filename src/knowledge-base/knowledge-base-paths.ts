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
  return path.join(home, 'kb', name);
}

export function databasePath(directory: string): string {
  return path.join(directory, 'kb.sqlite');
}

export function indexDirectory(directory: string): string {
  return path.join(directory, 'index');
}

/** Names of the knowledge bases under `home`, sorted. */
export function listKnowledgeBaseNames(home: string): string[] {
  const root = path.join(home, 'kb');
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(databasePath(path.join(root, entry.name))))
    .map((entry) => entry.name)
    .sort();
}
