import { readdir, realpath, stat } from 'node:fs/promises';
import type { Dirent, Stats } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import { HangjiaError } from '../errors/index.js';
import type { SkippedInput, SourceFile } from './source-file.js';
import { sourceFormatOf } from './source-format.js';
import { resolveSourceOptions, type SourceOptions } from './source-options.js';

/** What `listSourceFiles` found: files to read, and everything it passed over, with reasons. */
export interface SourceListing {
  files: SourceFile[];
  skipped: SkippedInput[];
}

type Matcher = (relativePath: string) => boolean;

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

async function statOrThrow(path: string): Promise<Stats> {
  try {
    return await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new HangjiaError('E_PATH_NOT_FOUND', `Path not found: ${path}. Check the spelling, or give a path relative to ${process.cwd()}.`, {
        details: { path },
        cause: error,
      });
    }
    throw new HangjiaError('E_SOURCE_READ', `Cannot read ${path}: ${(error as Error).message}`, { details: { path }, cause: error });
  }
}

/**
 * Lists the readable files under the given paths: files are taken as they are, folders are walked
 * recursively. Within a folder, `include`/`exclude` globs are matched against the path relative to
 * that folder; excluded folders are pruned without being read. Files with no adapter are returned
 * in `skipped` with reason `unsupported-format`, excluded ones with reason `excluded`, folders that
 * cannot be listed and dangling links with reason `unreadable`, so every input is accounted for. Each file is listed once even if reachable from several paths, and the
 * result is sorted by root, then relative path, so runs are reproducible.
 *
 * Symbolic links are followed; a folder reached again through a link is not walked twice.
 *
 * @throws HangjiaError `E_PATH_NOT_FOUND` (details.path) when a given path does not exist.
 * @example
 * const { files, skipped } = await listSourceFiles(['docs/', 'faq.csv'], { exclude: [...DEFAULT_SOURCE_OPTIONS.exclude, 'drafts/**'] });
 */
export async function listSourceFiles(paths: string[], options: SourceOptions = {}): Promise<SourceListing> {
  const resolved = resolveSourceOptions(options);
  const isIncluded: Matcher =
    resolved.include.length === 0 ? () => true : picomatch(resolved.include, { dot: true });
  const isExcluded: Matcher =
    resolved.exclude.length === 0 ? () => false : picomatch(resolved.exclude, { dot: true });

  const files: SourceFile[] = [];
  const skipped: SkippedInput[] = [];
  const seenFiles = new Set<string>();
  const walkedFolders = new Set<string>();

  const addFile = (path: string, root: string, stats: Stats): void => {
    if (seenFiles.has(path)) return;
    seenFiles.add(path);
    const format = sourceFormatOf(path);
    if (format === undefined) {
      skipped.push({
        path,
        reason: 'unsupported-format',
        message: `No adapter for "${basename(path)}": supported extensions are .txt .text .md .markdown .html .htm .pdf .docx .csv .jsonl .ndjson.`,
      });
      return;
    }
    files.push({ path, root, relativePath: toPosix(relative(root, path)), format, size: stats.size, mtimeMs: stats.mtimeMs });
  };

  const walk = async (folder: string, root: string): Promise<void> => {
    let entries: Dirent[];
    try {
      const real = await realpath(folder);
      if (walkedFolders.has(real)) return;
      walkedFolders.add(real);
      entries = await readdir(folder, { withFileTypes: true });
    } catch (error) {
      skipped.push({ path: folder, reason: 'unreadable', message: `Cannot list folder: ${(error as Error).message}` });
      return;
    }
    entries.sort((left, right) => (left.name < right.name ? -1 : left.name > right.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(folder, entry.name);
      const relativePath = toPosix(relative(root, path));
      const stats = entry.isSymbolicLink() ? await stat(path).catch(() => undefined) : undefined;
      if (entry.isSymbolicLink() && stats === undefined) {
        skipped.push({ path, reason: 'unreadable', message: `"${relativePath}" is a symbolic link to nothing.` });
        continue;
      }
      const isFolder = stats ? stats.isDirectory() : entry.isDirectory();
      const isFile = stats ? stats.isFile() : entry.isFile();
      if (isFolder) {
        if (isExcluded(relativePath)) {
          skipped.push({ path, reason: 'excluded', message: `Folder "${relativePath}" matches an exclude glob; nothing under it was read.` });
          continue;
        }
        await walk(path, root);
      } else if (isFile) {
        if (isExcluded(relativePath) || !isIncluded(relativePath)) {
          skipped.push({
            path,
            reason: 'excluded',
            message: isExcluded(relativePath)
              ? `"${relativePath}" matches an exclude glob.`
              : `"${relativePath}" matches no include glob.`,
          });
          continue;
        }
        addFile(path, root, stats ?? (await stat(path)));
      }
    }
  };

  for (const given of paths) {
    const path = resolve(given);
    const stats = await statOrThrow(path);
    if (stats.isDirectory()) await walk(path, path);
    else addFile(path, dirname(path), stats);
  }

  files.sort((left, right) =>
    left.root === right.root
      ? compareStrings(left.relativePath, right.relativePath)
      : compareStrings(left.root, right.root),
  );
  return { files, skipped };
}

/** Code-unit order, not locale order: the same on every machine. */
function compareStrings(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}
