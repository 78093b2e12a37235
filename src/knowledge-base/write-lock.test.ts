import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config/index.js';
import { createDefaultComponents } from '../presets/index.js';
import { useTemporaryDirectories, writeFiles } from '../../test/support/temporary-directory.js';
import { acquireWriteLock, createKnowledgeBase, openKnowledgeBase, tryAcquireWriteLock, withWriteLock, writeLockHolder } from './index.js';

const temporaryDirectory = useTemporaryDirectories();
const WRITE_LOCK_MODULE = path.join(import.meta.dirname, 'write-lock.ts');

function lexicalComponents() {
  return createDefaultComponents({ ...DEFAULT_CONFIG, embedding: { provider: 'none' } });
}

/** A child process that takes the lock, says so on stdout, and then waits to be killed. */
function holdLockInChild(directory: string): Promise<{ pid: number; kill: () => Promise<void> }> {
  const script = `import { tryAcquireWriteLock } from ${JSON.stringify(WRITE_LOCK_MODULE)};
const lock = tryAcquireWriteLock(${JSON.stringify(directory)}, 'kb sync');
process.stdout.write(lock ? 'locked\\n' : 'busy\\n');
setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.stdout.once('data', (data: Buffer) => {
      if (data.toString().trim() !== 'locked') return reject(new Error(`child could not take the lock: ${data.toString()}`));
      resolve({
        pid: child.pid!,
        kill: async () => {
          child.kill('SIGKILL');
          await exited;
        },
      });
    });
  });
}

describe('the knowledge-base write lock', () => {
  it('admits one writer at a time, in this process as across processes, and names the holder', async () => {
    const directory = path.join(temporaryDirectory(), 'kb', 'law');
    const first = tryAcquireWriteLock(directory, 'kb sync')!;
    expect(first).toBeDefined();
    expect(tryAcquireWriteLock(directory, 'kb reindex')).toBeUndefined();
    expect(writeLockHolder(directory)).toEqual({ pid: process.pid, hostname: os.hostname(), command: 'kb sync', since: first.holder.since });
    // A waiting writer is told once who holds it, and goes ahead when it is released.
    const waits: unknown[] = [];
    const second = acquireWriteLock(directory, { command: 'kb sync', pollMs: 20, onWait: (holder) => waits.push(holder) });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(waits).toEqual([first.holder]);
    first.release();
    const lock = await second;
    expect(writeLockHolder(directory)?.command).toBe('kb sync');
    lock.release();
    expect(writeLockHolder(directory)).toBeUndefined();
    // withWriteLock releases however the work ends.
    await expect(withWriteLock(directory, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(writeLockHolder(directory)).toBeUndefined();
  });

  it('is free again the moment its holder is killed with SIGKILL: a stale lock blocks no one', async () => {
    const directory = path.join(temporaryDirectory(), 'kb', 'law');
    const child = await holdLockInChild(directory);
    expect(writeLockHolder(directory)).toMatchObject({ pid: child.pid, command: 'kb sync' });
    expect(tryAcquireWriteLock(directory)).toBeUndefined();
    await child.kill();
    // The holder's note is still on disk, but the lock is the kernel's, and died with the process.
    expect(writeLockHolder(directory)).toBeUndefined();
    const lock = tryAcquireWriteLock(directory);
    expect(lock).toBeDefined();
    lock!.release();
  });

  it('makes searches use the last complete index, without rebuilding it, while a writer holds the lock', async () => {
    const home = temporaryDirectory();
    const root = temporaryDirectory();
    writeFiles(root, { 'a.md': '# 年假\n\n工作满一年可享受五天年假。\n' });
    const writer = createKnowledgeBase({ home, name: 'hr', settings: { sources: [root], include: [], exclude: [], maxFileBytes: DEFAULT_CONFIG.ingest.maxFileBytes, chunking: DEFAULT_CONFIG.chunking } }, lexicalComponents());
    await writer.sync();
    const manifest = path.join(home, 'kb', 'hr', 'index', 'manifest.json');
    const builtBefore = fs.readFileSync(manifest, 'utf8');

    writeFiles(root, { 'b.md': '# 病假\n\n病假期间工资按当地规定发放。\n' });
    const reader = openKnowledgeBase({ home, name: 'hr' }, lexicalComponents());
    const rebuilds: string[] = [];
    const notices: string[] = [];
    const notes = { onRebuild: (reason: string) => rebuilds.push(reason), onStale: (reason: string) => notices.push(reason) };
    await withWriteLock(writer.directory, async () => {
      // The writer has stored b.md and is about to re-index: the store is ahead of the index.
      const atIndexing = (progress: { phase: string }) => {
        if (progress.phase === 'index') throw new Error('the writer is still at work');
      };
      await expect(writer.sync({ onProgress: atIndexing })).rejects.toThrow('the writer is still at work');
      const during = await reader.search('病假 年假', notes);
      expect(rebuilds).toEqual([]);
      expect(notices).toHaveLength(1);
      expect(notices[0]).toMatch(new RegExp(`^write \\(pid ${process.pid} on .+\\) is updating it \\(index is older than the stored documents\\); searching the last complete index, built `));
      expect(during.hits.map((hit) => path.basename(hit.documentPath))).toEqual(['a.md']);
      expect(fs.readFileSync(manifest, 'utf8')).toBe(builtBefore);
    });
    // The writer is done: the next search brings the index up to date.
    const after = await reader.search('病假 年假', notes);
    expect(rebuilds).toEqual(['index is older than the stored documents']);
    expect(after.hits.map((hit) => path.basename(hit.documentPath)).sort()).toEqual(['a.md', 'b.md']);
    reader.close();
    writer.close();
  });

  it('fails a search with E_KB_BUSY when a writer holds the lock and no complete index exists yet', async () => {
    const home = temporaryDirectory();
    const root = temporaryDirectory();
    writeFiles(root, { 'a.md': '# 年假\n\n工作满一年可享受五天年假。\n' });
    const created = createKnowledgeBase({ home, name: 'hr', settings: { sources: [root], include: [], exclude: [], maxFileBytes: DEFAULT_CONFIG.ingest.maxFileBytes, chunking: DEFAULT_CONFIG.chunking } }, lexicalComponents());
    await withWriteLock(created.directory, async () => {
      const reader = openKnowledgeBase({ home, name: 'hr' }, lexicalComponents());
      await expect(reader.search('年假')).rejects.toMatchObject({ code: 'E_KB_BUSY', message: expect.stringContaining('has no complete index yet') });
      reader.close();
    }, { command: 'kb create' });
    created.close();
  });
});
