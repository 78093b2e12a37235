import { spawn } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import { needsTestStore } from '../../../test/support/postgres.js';
import { useTemporaryDirectories } from '../../../test/support/temporary-directory.js';
import { parseStoreUrl, resolveStoreUrl } from '../../knowledge-base/store/store-url.js';
import { PostgresJobQueue } from '../../server/cluster/postgres-job-queue.js';
import { quoteIdentifier } from '../../server/cluster/postgres-connection.js';
import { createTestKnowledgeBase } from '../../server/__fixtures__/test-server.js';

const temporaryDirectory = useTemporaryDirectories();
const REPOSITORY = path.resolve(import.meta.dirname, '../../..');
const postgres = needsTestStore();

describe('hangjia worker', () => {
  it('refuses to start without a PostgreSQL store, saying which setting to give', async () => {
    const { runCliCaptured } = await import('../../../test/support/run-cli.js');
    // Also in the PostgreSQL pass of npm test, whose harness variable would otherwise give it a store.
    vi.stubEnv('HANGJIA_TEST_STORE_URL', '');
    const run = await runCliCaptured(['worker'], { home: temporaryDirectory() }).finally(() => vi.unstubAllEnvs());
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('hangjia worker takes jobs from a PostgreSQL store, and store.url is unset');
  });

  postgres.it('runs a queued job with progress lines, and stops on SIGTERM', async () => {
    const home = temporaryDirectory();
    await createTestKnowledgeBase(home, temporaryDirectory(), 'hr');
    // The worker's store: the one this home resolves to under the test harness.
    const target = parseStoreUrl(resolveStoreUrl(home, undefined)!);
    const queue = await PostgresJobQueue.open(target);
    try {
      const job = await queue.submit('reindex', 'hr', 'reindex');
      const script = `import { runCli } from ${JSON.stringify(path.join(REPOSITORY, 'src/cli/main.ts'))}; process.exitCode = await runCli(['worker']);`;
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPOSITORY, env: { ...process.env, HANGJIA_HOME: home, HANGJIA_MODEL_PROVIDER: 'none' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const deadline = Date.now() + 30_000;
      let finished = await queue.get(job.id);
      while (finished?.status !== 'completed' && finished?.status !== 'failed' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        finished = await queue.get(job.id);
      }
      child.kill('SIGTERM');
      expect(await exited, stderr).toBe(0);
      expect(finished?.status, stderr).toBe('completed');
      expect(finished?.result?.['generation']).toBeGreaterThan(0);
      expect(stderr).toContain(`Job ${job.id}: reindex of "hr" started.`);
      expect(stderr).toContain(`Job ${job.id}: completed.`);
      expect(stderr).toContain('SIGTERM: stopping');
    } finally {
      await queue.close();
      const client = new pg.Client({ connectionString: target.connectionString });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(target.schema)} CASCADE`);
      await client.end();
    }
  }, 60_000);
});
