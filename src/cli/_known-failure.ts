import { HangjiaError } from '../errors/index.js';

const SYSTEM_REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder, not a file',
  ENOSPC: 'no space left on the device',
  EEXIST: 'it already exists',
  EMFILE: 'too many open files',
};

const SQLITE_REASONS: Record<string, string> = {
  SQLITE_READONLY: 'the database is read-only here',
  SQLITE_BUSY: 'another process holds the database',
  SQLITE_FULL: 'the disk is full',
  SQLITE_CORRUPT: 'the database file is damaged; recreate the knowledge base (kb create --force)',
  SQLITE_NOTADB: 'the file is not a hangjia database',
  SQLITE_CANTOPEN: 'the database file cannot be opened',
  SQLITE_IOERR: 'the disk reported an I/O error',
};

/**
 * Failures of the machine rather than of hangjia — a file-system call refused (EACCES, ENOSPC…),
 * SQLite unable to write or read — as a `HangjiaError` the CLI prints in one line with its code
 * (`E_FILE_SYSTEM`, `E_DATABASE`), naming the path. Anything else is undefined: a bug, shown with
 * its stack.
 */
export function asKnownFailure(error: unknown): HangjiaError | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code, path, syscall } = error as NodeJS.ErrnoException;
  if (typeof code !== 'string') return undefined;
  const systemReason = SYSTEM_REASONS[code];
  if (systemReason !== undefined && typeof syscall === 'string') {
    return new HangjiaError('E_FILE_SYSTEM', `Cannot ${syscall} ${path ?? ''}: ${systemReason} (${code}).`.replace('  ', ' '), { details: { path, code, syscall }, cause: error });
  }
  const sqliteReason = SQLITE_REASONS[code.replace(/^(SQLITE_[A-Z]+).*$/, '$1')];
  if (sqliteReason !== undefined && error.name === 'SqliteError') {
    return new HangjiaError('E_DATABASE', `SQLite: ${error.message} — ${sqliteReason} (${code}).`, { details: { code }, cause: error });
  }
  return undefined;
}
