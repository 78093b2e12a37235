import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTemporaryDirectories } from '../../../test/support/temporary-directory.js';
import { createTestKnowledgeBase } from '../../server/__fixtures__/test-server.js';

const temporaryDirectory = useTemporaryDirectories();
const REPOSITORY = path.resolve(import.meta.dirname, '../../..');

describe('hangjia serve', () => {
  it('serves the knowledge bases on loopback, says so, and exits 0 on SIGTERM', async () => {
    const home = temporaryDirectory();
    await createTestKnowledgeBase(home, temporaryDirectory(), 'hr');
    const script = `import { runCli } from ${JSON.stringify(path.join(REPOSITORY, 'src/cli/main.ts'))}; process.exitCode = await runCli(['serve', '--port', '0']);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPOSITORY, env: { ...process.env, HANGJIA_HOME: home, HANGJIA_MODEL_PROVIDER: 'none' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (data: Buffer) => {
        stderr += data.toString();
        const match = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
        if (match) resolve(match[1]!);
      });
      void exited.then(() => reject(new Error(`hangjia serve exited before listening:\n${stderr}`)));
    });
    const models = (await (await fetch(`${url}/v1/models`)).json()) as { data: Array<{ id: string }> };
    expect(models.data.map((model) => model.id)).toEqual(['kb:hr']);
    child.kill('SIGTERM');
    expect(await exited, stderr).toBe(0);
    // Read once it has exited: stderr arrives in pieces.
    expect(stderr).toContain('hangjia serving 1 knowledge base (hr)');
    expect(stderr).toContain('No API keys exist: listening on loopback only');
    expect(stderr).toContain('SIGTERM: finishing requests in flight');
    expect(stderr).toContain('Stopped.');
  });

  it('refuses a non-loopback address while no API key exists', async () => {
    const { runCliCaptured } = await import('../../../test/support/run-cli.js');
    const run = await runCliCaptured(['serve', '--host', '0.0.0.0', '--port', '0'], { home: temporaryDirectory() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Refusing to listen on 0.0.0.0: no API key exists');
  });
});
