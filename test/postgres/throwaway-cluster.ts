/**
 * A PostgreSQL cluster that lives for one test run: `initdb` into a temporary folder, a server on
 * 127.0.0.1 at a free port (and a unix socket in that folder), one database, then stopped and
 * deleted. Used by `run-suite-on-postgres.ts` (the second pass of `npm test`) and by tests that need
 * a server whose settings they control (password authentication: the developer server trusts every
 * loopback connection). Written by hand; no generating command.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** A running cluster; `stop()` stops it and deletes its folder (safe to call twice). */
export interface ThrowawayCluster {
  /** `postgres://postgres:<password>@127.0.0.1:<port>/<database>`: password authentication over TCP. */
  url: string;
  host: '127.0.0.1';
  port: number;
  database: string;
  user: 'postgres';
  password: string;
  /** The server binaries used, e.g. `/usr/lib/postgresql/15/bin`. */
  binaries: string;
  stop(): void;
}

/** Where the server binaries are, or why there are none (for a skip message). */
export type ServerBinaries = { found: true; directory: string } | { found: false; reason: string };

/**
 * Finds `initdb`, `pg_ctl` and `postgres`: in `pg_config --bindir` first (the client package alone
 * installs `pg_config` without a server, so the binaries are checked), then the highest version under
 * Debian's `/usr/lib/postgresql/<version>/bin`.
 */
export function findServerBinaries(): ServerBinaries {
  const candidates: string[] = [];
  const pgConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (pgConfig.status === 0) candidates.push(pgConfig.stdout.trim());
  const debianRoot = '/usr/lib/postgresql';
  if (fs.existsSync(debianRoot)) {
    const versions = fs.readdirSync(debianRoot).filter((entry) => /^\d+$/.test(entry)).sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((version) => path.join(debianRoot, version, 'bin')));
  }
  const directory = candidates.find((candidate) => ['initdb', 'pg_ctl', 'postgres'].every((binary) => fs.existsSync(path.join(candidate, binary))));
  if (directory !== undefined) return { found: true, directory };
  return {
    found: false,
    reason: `no PostgreSQL server binaries (initdb, pg_ctl, postgres) in ${candidates.length ? candidates.join(', ') : 'pg_config --bindir or /usr/lib/postgresql/*/bin'}; install Debian's postgresql package or set HANGJIA_TEST_STORE_URL`,
  };
}

/**
 * Starts a cluster with `binaries`. PostgreSQL refuses to run as root, so under root every server
 * command runs as the `postgres` OS user (`runuser`), which then owns the temporary folder.
 * Settings favour speed over durability (no fsync): the data is thrown away.
 */
export async function startThrowawayCluster(binaries: string, options: { database?: string; maxConnections?: number } = {}): Promise<ThrowawayCluster> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'hangjia-pg-'));
  const runAs = serverUser();
  if (runAs) fs.chownSync(folder, runAs.uid, runAs.gid);
  const data = path.join(folder, 'data');
  const password = randomBytes(12).toString('hex');
  const passwordFile = path.join(folder, 'password');
  fs.writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  if (runAs) fs.chownSync(passwordFile, runAs.uid, runAs.gid);
  const database = options.database ?? 'hangjia_test';
  let started = false;
  const stop = (): void => {
    if (started) {
      started = false;
      // Immediate: a throwaway cluster needs no clean checkpoint, and a test that failed may hold connections open.
      spawnSync(...asServerUser(runAs, path.join(binaries, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']), { stdio: 'ignore' });
    }
    fs.rmSync(folder, { recursive: true, force: true });
  };
  try {
    run(runAs, path.join(binaries, 'initdb'), ['-D', data, '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--auth-local=trust', '--auth-host=scram-sha-256', `--pwfile=${passwordFile}`]);
    const port = await freePort();
    const settings = [
      `-p ${port}`, '-c listen_addresses=127.0.0.1', `-k ${folder}`, '-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off',
      `-c max_connections=${options.maxConnections ?? 300}`,
    ].join(' ');
    run(runAs, path.join(binaries, 'pg_ctl'), ['-D', data, '-o', settings, '-l', path.join(folder, 'server.log'), '-w', '-t', '60', 'start']);
    started = true;
    // Over the socket, where the cluster trusts its own OS user: the password is for TCP clients.
    run(runAs, path.join(binaries, 'createdb'), ['-h', folder, '-p', String(port), '-U', 'postgres', database]);
    return { url: `postgres://postgres:${password}@127.0.0.1:${port}/${database}`, host: '127.0.0.1', port, database, user: 'postgres', password, binaries, stop };
  } catch (error) {
    const log = path.join(folder, 'server.log');
    const detail = fs.existsSync(log) ? `\nserver log:\n${fs.readFileSync(log, 'utf8').slice(-2000)}` : '';
    stop();
    throw new Error(`Could not start a throwaway PostgreSQL cluster with ${binaries}: ${(error as Error).message}${detail}`, { cause: error });
  }
}

/** The `postgres` OS user's ids when this process is root (the server must not run as root), else undefined. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

function asServerUser(runAs: { uid: number } | undefined, command: string, args: string[]): [string, string[]] {
  return runAs ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

function run(runAs: { uid: number } | undefined, command: string, args: string[]): void {
  const [file, fileArgs] = asServerUser(runAs, command, args);
  const result = spawnSync(file, fileArgs, { encoding: 'utf8', cwd: os.tmpdir() });
  if (result.status !== 0) throw new Error(`${path.basename(command)} failed (${result.error?.message ?? `exit ${result.status}`}): ${(result.stderr || result.stdout).trim()}`);
}

/** A port nothing listens on now (the kernel's pick); the server binds it a moment later. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
