import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { knowledgeBaseDirectory, tryAcquireWriteLock } from '../../src/knowledge-base/index.js';
import { runCliCaptured } from '../support/run-cli.js';
import { useTemporaryDirectories, writeFiles } from '../support/temporary-directory.js';

const temporaryDirectory = useTemporaryDirectories();

const HANDBOOK = {
  'leave.md': '# 年假\n\n工作满一年可享受五天年假。\n',
  'sick.md': '# 病假\n\n病假期间工资按当地规定发放。\n',
  'probation.md': '# 试用期\n\n劳动合同期限三年以上的，试用期不得超过六个月。\n',
};

async function createHandbook(): Promise<{ home: string; root: string }> {
  const home = temporaryDirectory();
  const root = temporaryDirectory();
  writeFiles(root, HANDBOOK);
  const created = await runCliCaptured(['kb', 'create', 'hr', root, '--quiet'], { home });
  expect(created.code, created.stderr).toBe(0);
  return { home, root };
}

async function documentCount(home: string): Promise<number> {
  const stats = await runCliCaptured(['kb', 'stats', 'hr', '--json'], { home });
  return (JSON.parse(stats.stdout) as { documents: number }).documents;
}

describe('a sync whose sources look gone (issue 17, item 8)', () => {
  it('removes nothing when the source folder is empty, unless --allow-mass-removal says so', async () => {
    const { home, root } = await createHandbook();
    for (const file of Object.keys(HANDBOOK)) fs.rmSync(path.join(root, file));

    const refused = await runCliCaptured(['kb', 'sync', 'hr'], { home });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`Error: This sync would remove 3 of 3 documents (3 of 3 files) and add nothing: ${root} looks empty or incomplete (an unmounted drive, a moved folder?). Nothing was removed. If the files really are gone, run again with --allow-mass-removal (or raise ingest.maxRemovalShare, now 0.5). [E_MASS_REMOVAL]`);
    expect(await documentCount(home)).toBe(3);
    expect((await runCliCaptured(['search', 'hr', '年假', '--json'], { home })).stdout).toContain('leave.md');

    const allowed = await runCliCaptured(['kb', 'sync', 'hr', '--allow-mass-removal', '--json', '--quiet'], { home });
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(JSON.parse(allowed.stdout)).toMatchObject({ removed: 3, added: 0 });
    expect(await documentCount(home)).toBe(0);
  });

  it('lets a sync remove up to ingest.maxRemovalShare of the documents, and one that also adds files', async () => {
    const { home, root } = await createHandbook();
    fs.rmSync(path.join(root, 'leave.md'));
    // One of three (33 %) is under the default half.
    const one = await runCliCaptured(['kb', 'sync', 'hr', '--json', '--quiet'], { home });
    expect(JSON.parse(one.stdout)).toMatchObject({ removed: 1 });

    fs.rmSync(path.join(root, 'sick.md'));
    const strict = await runCliCaptured(['kb', 'sync', 'hr', '--set', 'ingest.maxRemovalShare=0.4'], { home });
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('would remove 1 of 2 documents');
    expect(strict.stderr).toContain('now 0.4');
    // A sync that brings a new file is a reorganisation, not a vanished drive.
    writeFiles(root, { 'overtime.md': '# 加班\n\n加班费按工资的一点五倍支付。\n' });
    const reorganised = await runCliCaptured(['kb', 'sync', 'hr', '--set', 'ingest.maxRemovalShare=0.4', '--json', '--quiet'], { home });
    expect(reorganised.code, reorganised.stderr).toBe(0);
    expect(JSON.parse(reorganised.stdout)).toMatchObject({ removed: 1, added: 1 });
  });
});

describe('two writers on one knowledge base (issue 17, item 9)', () => {
  it('makes a second kb sync wait, saying for whom, and run when the first is done', async () => {
    const { home } = await createHandbook();
    const lock = tryAcquireWriteLock(knowledgeBaseDirectory(home, 'hr'), 'kb sync')!;
    let stderr = '';
    let finished = false;
    const second = runCli(['kb', 'sync', 'hr', '--json'], {
      streams: { stdout: { write: () => true }, stderr: { write: (text: string) => (stderr += text) } },
      env: { HANGJIA_HOME: home },
    }).then((code) => {
      finished = true;
      return code;
    });
    for (let waited = 0; !stderr.includes('Waiting for') && !finished && waited < 100; waited++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(finished).toBe(false);
    expect(stderr).toContain(`Waiting for "hr": kb sync (pid ${process.pid} on `);
    expect(stderr).toContain('is writing to it. Ctrl-C stops waiting.');
    lock.release();
    expect(await second).toBe(0);
  });
});

describe('a one-off lexical setting (issue 17, item 10)', () => {
  it('is applied in memory: search --set search.titleWeight=0 neither rewrites the index nor makes the next search rebuild it', async () => {
    const { home } = await createHandbook();
    const index = path.join(home, 'kb', 'hr', 'index');
    const before = fs.readdirSync(index).map((file) => [file, fs.readFileSync(path.join(index, file)).toString('base64')]);

    const tuned = await runCliCaptured(['search', 'hr', '年假', '--set', 'search.titleWeight=0'], { home });
    expect(tuned.code, tuned.stderr).toBe(0);
    expect(tuned.stderr).not.toContain('Rebuilding');
    expect(fs.readdirSync(index).map((file) => [file, fs.readFileSync(path.join(index, file)).toString('base64')])).toEqual(before);

    const normal = await runCliCaptured(['search', 'hr', '年假'], { home });
    expect(normal.code, normal.stderr).toBe(0);
    expect(normal.stderr).not.toContain('Rebuilding');
    expect(normal.stdout).toContain('leave.md');
  });
});

describe('one large JSONL file (issue 17, item 11)', () => {
  it('reports ingest progress in rows, not files', async () => {
    const home = temporaryDirectory();
    const root = temporaryDirectory();
    const rows = Array.from({ length: 2500 }, (_, index) => JSON.stringify({ id: `r${index}`, title: `第${index}条`, text: `第${index}条规定了年假和病假的天数。` }));
    writeFiles(root, { 'articles.jsonl': `${rows.join('\n')}\n` });
    const created = await runCliCaptured(['kb', 'create', 'rows', root], { home });
    expect(created.code, created.stderr).toBe(0);
    // Batches of 1000 rows: progress at each, in rows of the one file.
    expect(created.stderr).toContain('rows 0% (0/2500)');
    expect(created.stderr).toContain('rows 40% (1000/2500)');
    expect(created.stderr).toContain('rows 80% (2000/2500)');
    expect(created.stderr).toContain('rows 100% (2500/2500)');
    expect(await runCliCaptured(['kb', 'stats', 'rows', '--json'], { home }).then((run) => (JSON.parse(run.stdout) as { documents: number }).documents)).toBe(2500);
  });
});
