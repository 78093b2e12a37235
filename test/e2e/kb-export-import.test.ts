import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliCaptured } from '../support/run-cli.js';
import { useTemporaryDirectories, writeFiles } from '../support/temporary-directory.js';

const temporaryDirectory = useTemporaryDirectories();
const REPOSITORY = path.resolve(import.meta.dirname, '../..');
const FILE_COUNT = 300;

/** Starts `hangjia kb import` in a child process (one document per transaction) and SIGKILLs it once it reports 30%. */
function importAndKill(home: string, file: string): Promise<{ killed: boolean; stderr: string }> {
  const script = `import { runCli } from ${JSON.stringify(path.join(REPOSITORY, 'src/cli/main.ts'))}; process.exitCode = await runCli(['kb', 'import', ${JSON.stringify(file)}, '--batch-size', '1']);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: REPOSITORY,
    env: { ...process.env, HANGJIA_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let killed = false;
  child.stderr.on('data', (data: Buffer) => {
    stderr += data.toString();
    if (!killed && /^import [3-9]\d%/m.test(stderr)) {
      killed = true;
      child.kill('SIGKILL');
    }
  });
  return new Promise((resolve) => child.on('exit', () => resolve({ killed, stderr })));
}

/** The digest lines `kb export` and `kb import` print: part, count, sha256. */
function digestLines(stdout: string): string[] {
  return stdout.split('\n').filter((line) => /^\w+\s+\d+\s+sha256 [0-9a-f]{64}$/.test(line));
}

describe('hangjia kb export / kb import', () => {
  it('moves a knowledge base to another home, survives a killed import, and searches alike', async () => {
    const home = temporaryDirectory();
    const root = temporaryDirectory();
    const files: Record<string, string> = {};
    for (let number = 0; number < FILE_COUNT; number += 1) {
      files[`folder-${number % 5}/article-${number}.md`] = `# 规定 ${number}\n\n第${number}号规定：试用期、年假和报销的办法，编号${number}。\n`;
    }
    writeFiles(root, files);
    expect((await runCliCaptured(['kb', 'create', 'rules', root], { home })).code).toBe(0);

    const file = path.join(temporaryDirectory(), 'rules.hangjia.jsonl');
    const exported = await runCliCaptured(['kb', 'export', 'rules', file], { home });
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toContain(`exported rules to ${file}`);
    const exportedDigest = digestLines(exported.stdout);
    expect(exportedDigest.map((line) => line.split(/\s+/).slice(0, 2).join(' '))).toEqual(['fileOverrides 0', `sourceFiles ${FILE_COUNT}`, `documents ${FILE_COUNT}`, `chunks ${FILE_COUNT}`, 'embeddings 0']);

    // Another machine: a fresh home, where the sources do not even exist.
    const otherHome = temporaryDirectory();
    const { killed, stderr } = await importAndKill(otherHome, file);
    expect(killed, `the import finished before it could be killed:\n${stderr}`).toBe(true);

    const resumed = await runCliCaptured(['kb', 'import', file], { home: otherHome });
    expect(resumed.code, resumed.stderr).toBe(0);
    const kept = Number(/, (\d+) kept from the interrupted import/.exec(resumed.stdout)?.[1]);
    expect(kept).toBeGreaterThanOrEqual(FILE_COUNT * 0.3);
    expect(resumed.stdout).toContain(`imported "rules" as "rules": ${FILE_COUNT - kept} documents written, ${kept} kept from the interrupted import`);
    expect(digestLines(resumed.stdout)).toEqual(exportedDigest);

    for (const query of ['第137号规定', '年假 报销']) {
      const [original, moved] = await Promise.all([home, otherHome].map((where) => runCliCaptured(['search', 'rules', query, '--json'], { home: where })));
      const hits = (run: typeof original): Array<[string, number]> => (JSON.parse(run!.stdout) as { hits: Array<{ chunkId: string; score: number }> }).hits.map((hit) => [hit.chunkId, hit.score]);
      expect(hits(original).length).toBeGreaterThan(0);
      expect(hits(moved)).toEqual(hits(original));
    }
    // A second import of the same export into the finished copy changes nothing and says so by its digest.
    const again = await runCliCaptured(['kb', 'import', file], { home: otherHome });
    expect(again.stdout).toContain(`0 documents written, ${FILE_COUNT} kept`);
    expect(fs.existsSync(`${file}.partial`)).toBe(false);
  });
});
