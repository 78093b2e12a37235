import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { HangjiaError } from '../errors/index.js';

/** Who holds a knowledge base's write lock, as it wrote when it took it (for messages only). */
export interface WriteLockHolder {
  pid: number;
  hostname: string;
  /** What it is doing, e.g. `kb sync`. */
  command: string;
  /** ISO time it took the lock. */
  since: string;
}

/** A held write lock; `release()` is idempotent, and a killed process releases it with its death. */
export interface WriteLock {
  readonly directory: string;
  readonly holder: WriteLockHolder;
  release(): void;
}

export interface AcquireWriteLockOptions {
  /** What the holder is doing, shown to those who wait (default `write`). */
  command?: string;
  /** Called once when the lock is taken by someone else and this call starts waiting. */
  onWait?: (holder: WriteLockHolder | undefined) => void;
  /** Stops waiting: the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** How often to try again while waiting, in ms (default 250). */
  pollMs?: number;
}

/**
 * `<home>/kb/.locks/<name>.lock`: a SQLite file used only for its lock, beside (not in) the
 * knowledge base's folder, which `kb create --force` deletes. Lock files are never deleted: a
 * process waiting on a deleted one would hold a lock nobody else sees.
 */
function lockPaths(directory: string): { lock: string; holder: string } {
  const folder = path.join(path.dirname(directory), '.locks');
  const name = path.basename(directory);
  return { lock: path.join(folder, `${name}.lock`), holder: path.join(folder, `${name}.holder.json`) };
}

/**
 * Takes the write lock of the knowledge base in `directory` if it is free, else returns undefined.
 *
 * The lock is an exclusive SQLite transaction on a lock file, that is an OS-level (fcntl) lock:
 * the kernel releases it when its process dies, even by kill -9, so a stale lock cannot block
 * anyone — no pid or host check that a reused pid or a second machine could fool. It excludes
 * other processes and other lock handles in this process alike (what `hangjia serve`, syncing one
 * knowledge base while it searches it, relies on). On file systems without working POSIX locks
 * (some network mounts) it is as reliable as SQLite itself there.
 */
export function tryAcquireWriteLock(directory: string, command = 'write'): WriteLock | undefined {
  const paths = lockPaths(directory);
  let database: Database.Database;
  try {
    fs.mkdirSync(path.dirname(paths.lock), { recursive: true });
    // timeout 0: a busy lock answers at once; waiting is done here, without blocking the event loop.
    database = new Database(paths.lock, { timeout: 0 });
  } catch (error) {
    throw new HangjiaError('E_KB_LOCK', `Cannot open the write lock ${paths.lock}: ${(error as Error).message}. Check that the folder is writable.`, {
      details: { path: paths.lock },
      cause: error,
    });
  }
  try {
    database.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    database.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') return undefined;
    throw new HangjiaError('E_KB_LOCK', `Cannot take the write lock ${paths.lock}: ${(error as Error).message}`, { details: { path: paths.lock }, cause: error });
  }
  const holder: WriteLockHolder = { pid: process.pid, hostname: os.hostname(), command, since: new Date().toISOString() };
  // Informative only: a stale file left by a killed holder is never read while the lock is free.
  fs.writeFileSync(paths.holder, `${JSON.stringify(holder)}\n`);
  let held = true;
  return {
    directory,
    holder,
    release: () => {
      if (!held) return;
      held = false;
      fs.rmSync(paths.holder, { force: true });
      database.close();
    },
  };
}

/**
 * Who holds the write lock of the knowledge base in `directory`, or undefined when it is free
 * (or has never been taken). Never takes the lock and never creates a file, so it works on a
 * read-only knowledge base. `holder` fields are `unknown` when the holder's note is missing.
 */
export function writeLockHolder(directory: string): WriteLockHolder | undefined {
  const paths = lockPaths(directory);
  if (!fs.existsSync(paths.lock)) return undefined;
  let database: Database.Database;
  try {
    database = new Database(paths.lock, { timeout: 0, readonly: true, fileMustExist: true });
  } catch {
    return undefined;
  }
  try {
    // A read needs a shared lock, which the holder's exclusive lock refuses.
    database.prepare('SELECT COUNT(*) FROM sqlite_master').get();
    return undefined;
  } catch (error) {
    if ((error as { code?: string }).code !== 'SQLITE_BUSY') return undefined;
    return readHolderNote(paths.holder);
  } finally {
    database.close();
  }
}

function readHolderNote(file: string): WriteLockHolder {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as WriteLockHolder;
  } catch {
    // The holder is between taking the lock and writing its note.
    return { pid: 0, hostname: 'unknown', command: 'unknown', since: 'unknown' };
  }
}

/**
 * Takes the write lock, waiting while another writer holds it: `onWait` is told once who that is,
 * then this polls every `pollMs` until the lock is free or `signal` aborts.
 */
export async function acquireWriteLock(directory: string, options: AcquireWriteLockOptions = {}): Promise<WriteLock> {
  let told = false;
  for (;;) {
    options.signal?.throwIfAborted();
    const lock = tryAcquireWriteLock(directory, options.command);
    if (lock) return lock;
    if (!told) {
      told = true;
      options.onWait?.(writeLockHolder(directory));
    }
    await new Promise<void>((resolve) => setTimeout(resolve, options.pollMs ?? 250));
  }
}

/**
 * Runs `fn` holding the write lock of the knowledge base in `directory` (waiting for it, see
 * {@link acquireWriteLock}), and releases it however `fn` ends. Every writer — sync, reindex,
 * create, remove — runs inside one; searches meanwhile use the last complete index and never
 * rebuild one (see `KnowledgeBase.search`).
 *
 * @example
 * await withWriteLock(kb.directory, () => kb.sync(), { command: 'kb sync', onWait: (holder) => console.error(describeWriteLockHolder(holder)) });
 */
export async function withWriteLock<T>(directory: string, fn: () => T | Promise<T>, options: AcquireWriteLockOptions = {}): Promise<T> {
  const lock = await acquireWriteLock(directory, options);
  try {
    return await fn();
  } finally {
    lock.release();
  }
}

/** `kb sync (pid 4242 on host-1, since 2026-12-04T17:02:11.000Z)`, or `another process` when unknown. */
export function describeWriteLockHolder(holder: WriteLockHolder | undefined): string {
  if (!holder || holder.pid === 0) return 'another process';
  return `${holder.command} (pid ${holder.pid} on ${holder.hostname}, since ${holder.since})`;
}
