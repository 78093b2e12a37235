import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HangjiaError } from '../../errors/index.js';
import { startThrowawayCluster, type ThrowawayCluster } from '../../../test/postgres/throwaway-cluster.js';
import { needsServerBinaries } from '../../../test/support/postgres.js';
import { connectToStore } from './store-connect-error.js';
import { parseStoreUrl } from './store-url.js';

async function connectError(url: string): Promise<HangjiaError> {
  try {
    const client = await connectToStore(parseStoreUrl(url));
    await client.end();
  } catch (error) {
    if (error instanceof HangjiaError) return error;
    throw error;
  }
  throw new Error(`expected ${url} to fail`);
}

/** A loopback port with nothing listening: taken from the kernel, then released. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe('connectToStore without a server', () => {
  it('names host, port and the connect step when nothing listens', async () => {
    const port = await closedPort();
    const error = await connectError(`postgres://app:hunter2@127.0.0.1:${port}/kb`);
    expect(error.code).toBe('E_STORE_CONNECT');
    expect(error.message).toMatch(new RegExp(`^Cannot reach the PostgreSQL store at 127\\.0\\.0\\.1:${port} \\(step: connect\\): connection refused: no server listens on port ${port}`));
    expect(error.message).not.toContain('hunter2');
    expect(error.details).toMatchObject({ host: '127.0.0.1', port, step: 'connect', database: 'kb', user: 'app' });
    expect(error.isRetryable).toBe(true);
  });
});

// A cluster of the test's own: the developer server trusts loopback, so a wrong password would pass there.
const binaries = needsServerBinaries();
binaries.describe('connectToStore against a real server with password authentication', () => {
  let cluster: ThrowawayCluster;
  beforeAll(async () => {
    cluster = await startThrowawayCluster(binaries.directory);
  });
  afterAll(() => cluster?.stop());

  it('connects with the right password', async () => {
    const client = await connectToStore(parseStoreUrl(cluster.url));
    const { rows } = await client.query<{ database: string }>('SELECT current_database() AS database');
    await client.end();
    expect(rows).toEqual([{ database: 'hangjia_test' }]);
  });

  it('names the authenticate step for a wrong password, without printing it', async () => {
    const error = await connectError(`postgres://postgres:not-the-password@127.0.0.1:${cluster.port}/hangjia_test`);
    expect(error.message).toContain(`Cannot reach the PostgreSQL store at 127.0.0.1:${cluster.port} (step: authenticate): password authentication failed for user "postgres"`);
    expect(error.message).not.toContain('not-the-password');
    expect(error.isRetryable).toBe(false);
  });

  it('names the authenticate step when the URL carries no password', async () => {
    const error = await connectError(`postgres://postgres@127.0.0.1:${cluster.port}/hangjia_test`);
    expect(error.message).toContain('(step: authenticate): the server asks user "postgres" for a password');
  });

  it('says how to create a missing database', async () => {
    const error = await connectError(`postgres://postgres:${cluster.password}@127.0.0.1:${cluster.port}/no_such_database`);
    expect(error.message).toContain(`(step: connect): database "no_such_database" does not exist on the server. Create it (createdb -h 127.0.0.1 -p ${cluster.port} -U postgres no_such_database)`);
    expect(error.message).not.toContain(cluster.password);
    expect(error.isRetryable).toBe(false);
  });
});
