import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/config/index.js';
import { openKnowledgeBase, sqliteDatabaseOf } from '../../src/knowledge-base/index.js';
import { createDefaultComponents } from '../../src/presets/index.js';
import { runCliCaptured } from '../support/run-cli.js';
import { useTemporaryDirectories, writeFiles } from '../support/temporary-directory.js';
import { sqliteOnly } from '../support/postgres.js';

const sqliteFile = sqliteOnly('it reads the SQLite file directly');

const temporaryDirectory = useTemporaryDirectories();
const REPOSITORY = path.resolve(import.meta.dirname, '../..');
const FILE_COUNT = 1200;

/** Starts `hangjia kb create` in a child process and SIGKILLs it once the ingest reports 30%. */
function createAndKill(home: string, root: string): Promise<{ killed: boolean; stderr: string }> {
  const script = `import { runCli } from ${JSON.stringify(path.join(REPOSITORY, 'src/cli/main.ts'))}; process.exitCode = await runCli(['kb', 'create', 'big', ${JSON.stringify(root)}]);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: REPOSITORY,
    env: { ...process.env, HANGJIA_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let killed = false;
  child.stderr.on('data', (data: Buffer) => {
    stderr += data.toString();
    if (!killed && /^ingest [3-9]\d%/m.test(stderr)) {
      killed = true;
      child.kill('SIGKILL');
    }
  });
  return new Promise((resolve) => child.on('exit', () => resolve({ killed, stderr })));
}

describe('an ingest killed mid-way', () => {
  sqliteFile.it('leaves a knowledge base with whole files only, and kb sync finishes the job', async () => {
    const home = temporaryDirectory();
    const root = temporaryDirectory();
    const files: Record<string, string> = {};
    for (let number = 0; number < FILE_COUNT; number += 1) {
      files[`folder-${number % 10}/article-${number}.md`] = `# 文章 ${number}\n\n${`第${number}号文件的内容，关于试用期、年假和报销的规定。`.repeat(40)}\n\n## Section two\n\nEnglish text for file ${number}.\n`;
    }
    writeFiles(root, files);

    const { killed, stderr } = await createAndKill(home, root);
    expect(killed, `the child finished before it could be killed:\n${stderr}`).toBe(true);

    const components = createDefaultComponents({ ...DEFAULT_CONFIG, embedding: { provider: 'none' } });
    const interrupted = openKnowledgeBase({ home, name: 'big' }, components);
    const stored = interrupted.stats();
    expect(stored.documents).toBeGreaterThan(0);
    expect(stored.documents).toBeLessThan(FILE_COUNT);
    expect(stored.lastRuns[0]!.status).toBe('running');
    // Whole files only: every stored document has all of its chunks, ending at the end of its text.
    const partial = sqliteDatabaseOf(interrupted.store, 'this test')
      .prepare(
        `SELECT d.id FROM documents d LEFT JOIN (SELECT document_id, MAX(end_offset) AS last FROM chunks GROUP BY document_id) c
         ON c.document_id = d.id WHERE c.last IS NULL OR c.last < LENGTH(RTRIM(d.text, char(10)))`,
      )
      .all();
    expect(partial).toEqual([]);
    // It opens and searches what it has (the index is rebuilt from the store).
    expect((await interrupted.search('试用期 年假')).hits.length).toBeGreaterThan(0);
    interrupted.close();

    const resumed = await runCliCaptured(['kb', 'sync', 'big', '--json', '--quiet'], { home });
    expect(resumed.code, resumed.stderr).toBe(0);
    const counters = JSON.parse(resumed.stdout) as { added: number; unchanged: number; failed: number };
    expect(counters.added + counters.unchanged).toBe(FILE_COUNT);
    expect(counters.unchanged).toBe(stored.sourceFiles);
    expect(counters.failed).toBe(0);

    const finished = openKnowledgeBase({ home, name: 'big' }, components);
    expect(finished.stats().documents).toBe(FILE_COUNT);
    expect((await finished.search('file 1199')).hits[0]!.documentPath).toBe(path.join(root, 'folder-9/article-1199.md'));
    finished.close();
  });
});
