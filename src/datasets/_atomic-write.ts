import fs from 'node:fs';
import path from 'node:path';

/**
 * Writes `content` to `file` through a temporary sibling and a rename, so a crash or a full disk
 * never leaves a half-written dataset under the final name (rename is atomic within a directory
 * on POSIX file systems).
 */
export function writeFileAtomic(file: string, content: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    fs.writeFileSync(temporary, content);
    fs.renameSync(temporary, file);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
}

/** Serialises values as JSON Lines (one compact object per line, UTF-8, no ASCII escaping). */
export function toJsonLines(values: Iterable<unknown>): string {
  let output = '';
  for (const value of values) output += `${JSON.stringify(value)}\n`;
  return output;
}
