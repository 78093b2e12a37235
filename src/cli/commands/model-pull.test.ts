import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliCaptured } from '../../../test/support/run-cli.js';
import { useTemporaryDirectories } from '../../../test/support/temporary-directory.js';
import { RECOMMENDED_MODELS } from './model-pull.js';

const temporaryDirectory = useTemporaryDirectories();

describe('hangjia model pull', () => {
  it('fails fast offline, pointing to extractive mode and endpoint configuration', async () => {
    const home = temporaryDirectory();
    // A loopback port that was just closed: nothing listens there, so the connection is refused at once.
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    const started = performance.now();
    const run = await runCliCaptured(['model', 'pull'], { home, env: { HANGJIA_MODEL_PULL_URL: base } });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`Error: Cannot download the model from ${base}/${RECOMMENDED_MODELS['qwen2.5-1.5b-instruct']!.path} (ECONNREFUSED)`);
    expect(run.stderr).toContain('"hangjia ask" then gives extractive answers');
    expect(run.stderr).toContain('model.provider: openai-compatible and model.baseURL');
    expect(run.stderr).toContain('[E_MODEL_DOWNLOAD]');
    expect(fs.existsSync(path.join(home, 'models', 'qwen2.5-1.5b-instruct-q4_k_m.gguf'))).toBe(false);
  });

  it('resumes a partial download with an HTTP Range request', async () => {
    const content = Buffer.from(Array.from({ length: 5000 }, (_, index) => index % 251));
    const ranges: Array<string | undefined> = [];
    const server = http.createServer((request, response) => {
      ranges.push(request.headers.range);
      const match = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
      const start = match ? Number(match[1]) : 0;
      response.writeHead(match ? 206 : 200, { 'content-length': String(content.length - start) });
      response.end(content.subarray(start));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const home = temporaryDirectory();
      const file = path.join(home, 'models', 'qwen2.5-0.5b-instruct-q4_k_m.gguf');
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(`${file}.part`, content.subarray(0, 1200));
      const run = await runCliCaptured(['model', 'pull', 'qwen2.5-0.5b-instruct', '--json'], {
        home,
        env: { HANGJIA_MODEL_PULL_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` },
      });
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual({ name: 'qwen2.5-0.5b-instruct', path: file, bytes: 5000, downloaded: true, resumedFrom: 1200 });
      expect(ranges).toEqual(['bytes=1200-']);
      expect(fs.readFileSync(file).equals(content)).toBe(true);
      expect(fs.existsSync(`${file}.part`)).toBe(false);
      expect(run.stderr).toContain('(resuming at 1.2 KiB)');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
