import { expect } from 'vitest';
import { needsTestStore } from '../../test/support/postgres.js';
import { useTemporaryDirectories } from '../../test/support/temporary-directory.js';
import { parseStoreUrl, resolveStoreUrl } from '../knowledge-base/store/store-url.js';
import { tryAcquireDatabaseWriteLock } from '../server/cluster/database-write-lock.js';
import { createTestKnowledgeBase } from '../server/__fixtures__/test-server.js';
import { runCli } from './main.js';

const temporaryDirectory = useTemporaryDirectories();
const postgres = needsTestStore();

postgres.describe('writers on a PostgreSQL store', () => {
  postgres.it('makes kb sync wait for the database write lock another machine’s writer holds, saying whose, and run when it is free', async () => {
    const home = temporaryDirectory();
    await createTestKnowledgeBase(home, temporaryDirectory(), 'hr');
    // What a replica or worker elsewhere holds: only the database knows of it, no lock file here.
    const elsewhere = await tryAcquireDatabaseWriteLock(parseStoreUrl(resolveStoreUrl(home, undefined)!), 'hr', 'worker: sync of hr');
    expect(elsewhere).toBeDefined();
    let stderr = '';
    let finished = false;
    const second = runCli(['kb', 'sync', 'hr', '--json'], {
      streams: { stdout: { write: () => true }, stderr: { write: (text: string) => (stderr += text) } },
      env: { HANGJIA_HOME: home },
    }).then((code) => {
      finished = true;
      return code;
    });
    for (let waited = 0; !stderr.includes('Waiting for') && !finished && waited < 200; waited++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(finished, stderr).toBe(false);
    expect(stderr).toMatch(/Waiting for "hr": hangjia worker: sync of hr \(pid \d+ on [^)]+\), since .+, is writing to it\. Ctrl-C stops waiting\./);
    await elsewhere!.release();
    expect(await second).toBe(0);
  });
});
