import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { needsTestStore } from '../../../test/support/postgres.js';
import { runCliCaptured } from '../../../test/support/run-cli.js';
import { useTemporaryDirectories, writeFiles } from '../../../test/support/temporary-directory.js';
import { testSchemaForHome } from '../../knowledge-base/store/store-url.js';

const temporaryDirectory = useTemporaryDirectories();

/** A loopback port with nothing listening: taken from the kernel, then released. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe('store.url on the command line', () => {
  it('refuses a URL that is not PostgreSQL\'s with a usage error naming the setting, never the password', async () => {
    const run = await runCliCaptured(['kb', 'list'], { home: temporaryDirectory(), env: { HANGJIA_STORE_URL: 'mysql://root:hunter2@127.0.0.1:3306/kb' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('store.url (or HANGJIA_STORE_URL) must be a PostgreSQL URL (postgres:// or postgresql://), not mysql://; got "mysql://root:***@127.0.0.1:3306/kb"');
    expect(run.stderr).not.toContain('hunter2');
  });

  it('names the host, port and step when nothing listens there, never the password', async () => {
    const port = await closedPort();
    const run = await runCliCaptured(['kb', 'list'], { home: temporaryDirectory(), env: { HANGJIA_STORE_URL: `postgres://app:hunter2@127.0.0.1:${port}/kb` } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`Cannot reach the PostgreSQL store at 127.0.0.1:${port} (step: connect)`);
    expect(run.stderr).not.toContain('hunter2');
  });
});

const postgres = needsTestStore();
postgres.describe('knowledge bases in PostgreSQL through the CLI', () => {
  it('creates, lists, describes and removes a knowledge base in the store the URL names', async () => {
    const home = temporaryDirectory();
    const root = temporaryDirectory();
    writeFiles(root, { 'labour.md': '# 劳动法\n\n## 试用期\n\n试用期最长不得超过六个月。\n' });
    // The URL a deployment would set, in a schema of this test's own.
    const url = new URL(postgres.url);
    url.searchParams.set('schema', `${testSchemaForHome(home)}_cli`);
    const env = { HANGJIA_STORE_URL: url.toString() };
    const shown = `PostgreSQL ${url.protocol}//${decodeURIComponent(url.username) || 'postgres'}@${url.hostname}:${url.port || 5432}${url.pathname}?schema=${testSchemaForHome(home)}_cli`;
    expect((await runCliCaptured(['kb', 'create', 'law', root], { home, env })).code).toBe(0);
    const listed = await runCliCaptured(['kb', 'list', '--json'], { home, env });
    expect(JSON.parse(listed.stdout)).toMatchObject({ store: shown, knowledgeBases: [{ name: 'law', documents: 1 }] });
    const stats = await runCliCaptured(['kb', 'stats', 'law'], { home, env });
    expect(stats.stdout).toContain(`store           ${shown}`);
    if (url.password) expect(stats.stdout + listed.stdout).not.toContain(url.password);
    const found = await runCliCaptured(['search', 'law', '试用期最长多久', '--json'], { home, env });
    expect((JSON.parse(found.stdout) as { hits: Array<{ documentPath: string }> }).hits[0]!.documentPath).toBe(path.join(root, 'labour.md'));
    expect((await runCliCaptured(['kb', 'remove', 'law'], { home, env })).code).toBe(0);
    expect(JSON.parse((await runCliCaptured(['kb', 'list', '--json'], { home, env })).stdout)).toMatchObject({ knowledgeBases: [] });
  });
});
