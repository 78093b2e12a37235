import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chatStreamEvents } from '../answer/__fixtures__/handbook.js';
import { INTERACTIVE_MODEL_TIMEOUTS } from '../presets/index.js';
import { asKnownFailure } from './_known-failure.js';
import { runCliCaptured } from '../../test/support/run-cli.js';
import { startScriptedOpenAIServer, type ScriptedOpenAIServer } from '../../test/support/scripted-openai-server.js';
import { useTemporaryDirectories, writeFiles } from '../../test/support/temporary-directory.js';
import { sqliteOnly } from '../../test/support/postgres.js';

const sqliteFile = sqliteOnly('a read-only mount of the home holds the SQLite store; a PostgreSQL store is not in the home');

const temporaryDirectory = useTemporaryDirectories();

const HANDBOOK = '员工手册\n\n第一章 总则\n\n第一条 试用期不得超过六个月。\n\n第二条 年休假每年十五天。\n';

describe('faults found trying hangjia as a new user (issue 17)', () => {
  let server: ScriptedOpenAIServer;
  beforeEach(async () => {
    server = await startScriptedOpenAIServer({ embeddingDimensions: 8 });
  });
  afterEach(async () => {
    await server.close();
  });

  it('1: kb create and kb sync ingest a page of 5,000 nested <div>s and the files beside it', async () => {
    const home = temporaryDirectory();
    const root = temporaryDirectory();
    writeFiles(root, { 'deep.html': `${'<div>'.repeat(5000)}深层嵌套的正文${'</div>'.repeat(5000)}`, 'handbook.txt': HANDBOOK });
    const created = await runCliCaptured(['kb', 'create', 'deep', root, '--quiet'], { home });
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('deep: 2 files found — 2 added, 0 updated, 0 unchanged, 0 removed, 0 failed, 0 skipped');
    fs.appendFileSync(path.join(root, 'handbook.txt'), '\n第三条 加班需审批。\n');
    const synced = await runCliCaptured(['kb', 'sync', 'deep', '--quiet'], { home });
    expect(synced.code, synced.stderr).toBe(0);
    expect(synced.stdout).toContain('deep: 2 files found — 0 added, 1 updated, 1 unchanged, 0 removed, 0 failed, 0 skipped');
  });

  it('3: kb stats opens a hybrid knowledge base with the configured embedding model, so a current index is current', async () => {
    const home = temporaryDirectory();
    const root = temporaryDirectory();
    writeFiles(root, { 'handbook.txt': HANDBOOK });
    const env = { HANGJIA_EMBEDDING_PROVIDER: 'openai-compatible', HANGJIA_BASE_URL: server.baseURL, HANGJIA_EMBEDDING_MODEL: 'scripted' };
    expect((await runCliCaptured(['kb', 'create', 'hybrid', root, '--quiet'], { home, env })).code).toBe(0);
    const searched = await runCliCaptured(['search', 'hybrid', '试用期', '--json'], { home, env });
    expect(JSON.parse(searched.stdout).mode).toBe('hybrid');
    const stats = await runCliCaptured(['kb', 'stats', 'hybrid', '--json'], { home, env });
    expect(JSON.parse(stats.stdout)).toMatchObject({ indexCurrent: true, indexStaleReason: null, embeddingModelId: 'openai-compatible:scripted' });
  });

  it('6: ask with an empty question says so, before any word about models', async () => {
    const home = temporaryDirectory();
    const root = temporaryDirectory();
    writeFiles(root, { 'handbook.txt': HANDBOOK });
    expect((await runCliCaptured(['kb', 'create', 'hr', root, '--quiet'], { home })).code).toBe(0);
    const asked = await runCliCaptured(['ask', 'hr', '  '], { home });
    expect({ code: asked.code, stdout: asked.stdout, stderr: asked.stderr }).toEqual({
      code: 2,
      stdout: '',
      stderr: 'Error: The question is empty: ask something, e.g. hangjia ask <kb> "试用期最长多久？" [E_USAGE]\n',
    });
  });

  describe('4: a run that produced nothing says why and exits non-zero', () => {
    const notJson = { json: { choices: [{ index: 0, message: { role: 'assistant', content: '这不是 JSON' }, finish_reason: 'stop' }], usage: { prompt_tokens: 300, completion_tokens: 30 } } };
    async function knowledgeBaseWithUselessModel(): Promise<{ home: string; env: NodeJS.ProcessEnv; workspace: string }> {
      const home = temporaryDirectory();
      const workspace = temporaryDirectory();
      writeFiles(workspace, { 'docs/handbook.md': '# 试用期\n\n劳动合同期限三年以上固定期限和无固定期限的劳动合同，试用期不得超过六个月。同一用人单位与同一劳动者只能约定一次试用期。\n' });
      expect((await runCliCaptured(['kb', 'create', 'hr', path.join(workspace, 'docs'), '--quiet'], { home })).code).toBe(0);
      server.enqueue('/v1/chat/completions', ...Array.from({ length: 30 }, () => notJson));
      return { home, workspace, env: { HANGJIA_MODEL_PROVIDER: 'openai-compatible', HANGJIA_BASE_URL: server.baseURL, HANGJIA_MODEL: 'scripted-model' } };
    }

    it('data generate: 0 usable items is an error naming the cause, with no "wrote" line', async () => {
      const { home, env, workspace } = await knowledgeBaseWithUselessModel();
      const run = await runCliCaptured(['data', 'generate', 'hr', '--out', 'items.jsonl', '--max-retries', '0', '--quiet'], { home, env, cwd: workspace });
      expect(run.code).toBe(1);
      expect(run.stdout).not.toContain('wrote');
      expect(run.stderr).toMatch(/^Error: 0 usable items from 1 chunks: every chunk failed \(E_MODEL_OUTPUT: openai-compatible model "scripted-model" returned output that is not JSON .*\); \S+items\.jsonl was not written\. Check the model with "hangjia models test".* \[E_NO_ITEMS\]\n$/);
      expect(fs.existsSync(path.join(workspace, 'items.jsonl'))).toBe(false);
    });

    it('eval make: 0 questions is an error naming the skip reasons, and no set is written', async () => {
      const { home, env, workspace } = await knowledgeBaseWithUselessModel();
      const run = await runCliCaptured(['eval', 'make', 'hr', '--out', 'set.jsonl', '--count', '5', '--quiet'], { home, env, cwd: workspace });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^Error: 0 of 5 questions made from 1 chunks picked \(skipped: model-output 1\); no set was written\..* \[E_NO_ITEMS\]\n$/);
      expect(fs.existsSync(path.join(workspace, 'set.jsonl'))).toBe(false);
    });
  });

  it('7: ask takes --input-field/--output-field for its example pool, and fails with exit 2 when no pool line is usable', async () => {
    const home = temporaryDirectory();
    const workspace = temporaryDirectory();
    writeFiles(workspace, {
      'docs/handbook.txt': HANDBOOK,
      'pool.jsonl': `${JSON.stringify({ id: 'e1', question: '年假有几天？', answer: '每年十五天（示例答案）。' })}\n${JSON.stringify({ id: 'e2', question: '试用期多久？', answer: '不超过六个月。' })}\n`,
    });
    expect((await runCliCaptured(['kb', 'create', 'hr', path.join(workspace, 'docs'), '--quiet'], { home })).code).toBe(0);
    const env = { HANGJIA_MODEL_PROVIDER: 'openai-compatible', HANGJIA_BASE_URL: server.baseURL, HANGJIA_MODEL: 'scripted-model' };

    const unusable = await runCliCaptured(['ask', 'hr', '年假有几天？', '--examples', 'pool.jsonl', '--threshold', '0'], { home, env, cwd: workspace });
    expect({ code: unusable.code, stdout: unusable.stdout, requests: server.requests.length }).toEqual({ code: 2, stdout: '', requests: 0 });
    expect(unusable.stderr).toBe(
      `Error: No line of the example pool ${path.join(workspace, 'pool.jsonl')} is usable (2 skipped; line 1: expected a non-empty string field "input" (the example's input), found none). Each line needs a non-empty "input" and "output" string; name other fields with --input-field and --output-field (e.g. --input-field question --output-field answer). [E_DATASET]\n`,
    );

    server.enqueue('/v1/chat/completions', { events: chatStreamEvents(['年休假每年十五天[1]。']) });
    const used = await runCliCaptured(['ask', 'hr', '年假有几天？', '--examples', 'pool.jsonl', '--input-field', 'question', '--output-field', 'answer', '--threshold', '0', '--json'], { home, env, cwd: workspace });
    expect(used.code, `${used.stderr}\n${used.stdout}`).toBe(0);
    expect(used.stderr).not.toContain('Skipped');
    expect(JSON.stringify(server.requests[0]!.body)).toContain('每年十五天（示例答案）。');
  });

  it('5: ask shows each retry of a hung endpoint on stderr and the total in the final error; the default interactive worst case is near a minute', async () => {
    const home = temporaryDirectory();
    const root = temporaryDirectory();
    writeFiles(root, { 'handbook.txt': HANDBOOK });
    expect((await runCliCaptured(['kb', 'create', 'hr', root, '--quiet'], { home })).code).toBe(0);
    // Each reply comes 5 s late: longer than the 300 ms the run allows for a first byte.
    const late = { delayMs: 5_000, events: chatStreamEvents(['太迟了。']) };
    server.enqueue('/v1/chat/completions', late, late, late, late);
    const env = { HANGJIA_MODEL_PROVIDER: 'openai-compatible', HANGJIA_BASE_URL: server.baseURL, HANGJIA_MODEL: 'scripted-model' };
    const asked = await runCliCaptured(['ask', 'hr', '试用期多久？', '--threshold', '0', '--set', 'model.timeoutMs=300'], { home, env });
    expect(asked.code).toBe(1);
    expect(server.requests).toHaveLength(3);
    const lines = asked.stderr.split('\n');
    expect(lines.filter((line) => line.startsWith('Model attempt'))).toEqual([
      expect.stringMatching(/^Model attempt 1\/3 failed: no answer within 0\.3 s; retrying in \d\.\d s…$/),
      expect.stringMatching(/^Model attempt 2\/3 failed: no answer within 0\.3 s; retrying in \d\.\d s…$/),
    ]);
    expect(asked.stderr).toMatch(/did not answer within 300 ms for model "scripted-model"\. .* Gave up after 3 attempts in \d+\.\d s\./);

    // 3 attempts of 20 s to the first token, plus at most 0.5 s + 1 s of backoff between them.
    const { timeoutMs, maxRetries } = INTERACTIVE_MODEL_TIMEOUTS;
    const worstCaseMs = (maxRetries + 1) * timeoutMs + 500 + 1_000;
    expect(worstCaseMs).toBe(61_500);
  });

  describe('2: a read-only or unusual $HANGJIA_HOME', () => {
    it('a HANGJIA_HOME that is a file is a clear error for list, create, search and ask alike', async () => {
      const home = path.join(temporaryDirectory(), 'not-a-folder');
      fs.writeFileSync(home, 'x');
      for (const args of [['kb', 'list'], ['kb', 'create', 'hr', temporaryDirectory()], ['search', 'hr', '试用期'], ['ask', 'hr', '试用期多久？'], ['kb', 'remove', 'hr']]) {
        const run = await runCliCaptured(args, { home });
        expect({ args, code: run.code, stdout: run.stdout, stderr: run.stderr }).toEqual({
          args,
          code: 1,
          stdout: '',
          stderr: `Error: ${home} is not a folder, but hangjia keeps its knowledge bases there ($HANGJIA_HOME or --home is ${home}). Point HANGJIA_HOME (or --home) at a folder, or move the file away. [E_HOME_NOT_DIRECTORY]\n`,
        });
      }
    });

    // Root writes through any file mode, so chmod cannot make a knowledge base read-only for the
    // tests; a read-only bind mount can (EROFS stops root too). Where mounting is not allowed
    // (an unprivileged container), this test is skipped and says so.
    sqliteFile.it('read commands work on a read-only mount (stale index used in memory, with a notice); write commands fail with one line naming the path and the permission', async (context) => {
      const home = temporaryDirectory();
      const root = temporaryDirectory();
      writeFiles(root, { 'handbook.txt': HANDBOOK });
      expect((await runCliCaptured(['kb', 'create', 'hr', root, '--quiet'], { home })).code).toBe(0);
      // A stale index: the next search must rebuild it, which a read-only home cannot save.
      fs.rmSync(path.join(home, 'kb', 'hr', 'index'), { recursive: true });
      const mountPoint = temporaryDirectory();
      try {
        execFileSync('mount', ['--bind', home, mountPoint], { stdio: 'ignore' });
      } catch {
        context.skip('cannot bind-mount here (needs root with CAP_SYS_ADMIN)');
        return;
      }
      try {
        execFileSync('mount', ['-o', 'remount,ro,bind', mountPoint], { stdio: 'ignore' });
        const listed = await runCliCaptured(['kb', 'list', '--json'], { home: mountPoint });
        expect(listed.code, listed.stderr).toBe(0);
        expect(JSON.parse(listed.stdout).knowledgeBases).toMatchObject([{ name: 'hr', documents: 1 }]);
        const stats = await runCliCaptured(['kb', 'stats', 'hr', '--json'], { home: mountPoint });
        expect(stats.code, stats.stderr).toBe(0);
        expect(JSON.parse(stats.stdout)).toMatchObject({ documents: 1, indexCurrent: false, indexStaleReason: 'no index on disk' });
        const searched = await runCliCaptured(['search', 'hr', '年假有几天'], { home: mountPoint });
        expect(searched.code, searched.stderr).toBe(0);
        expect(searched.stdout).toContain('第二条 年休假每年十五天。');
        expect(searched.stderr).toContain('Rebuilding the search index (no index on disk; the knowledge base is read-only, so the rebuilt index is used in memory and not saved)…');
        const asked = await runCliCaptured(['ask', 'hr', '年休假每年几天？', '--threshold', '0'], { home: mountPoint });
        expect(asked.code, asked.stderr).toBe(0);
        expect(asked.stdout).toContain('十五天');

        const kbFolder = path.join(mountPoint, 'kb', 'hr');
        for (const [args, action] of [
          [['kb', 'sync', 'hr'], `write to the knowledge base in ${kbFolder}`],
          [['kb', 'remove', 'hr'], `remove a knowledge base from ${path.join(mountPoint, 'kb')}`],
          [['kb', 'create', 'new', root], `create a knowledge base in ${path.join(mountPoint, 'kb')}`],
        ] as const) {
          const run = await runCliCaptured([...args], { home: mountPoint });
          expect({ code: run.code, stderr: run.stderr }).toEqual({
            code: 1,
            stderr: `Error: Cannot ${action}: read-only file system (EROFS). Reading still works (kb list, kb stats, search, ask); to change the knowledge base, run as a user who may write there or use a writable --home. [E_KB_READ_ONLY]\n`,
          });
        }
      } finally {
        execFileSync('umount', ['-l', mountPoint]);
      }
    });
  });

  it('errors: a refused file-system call is one line with its code, not a bug report; a real bug still is one', async () => {
    const file = path.join(temporaryDirectory(), 'a-file');
    fs.writeFileSync(file, 'x');
    const run = await runCliCaptured(['data', 'generate', '--write-prompts', path.join(file, 'prompts')], { home: temporaryDirectory() });
    expect({ code: run.code, stdout: run.stdout, stderr: run.stderr }).toEqual({
      code: 1,
      stdout: '',
      stderr: `Error: Cannot mkdir ${path.join(file, 'prompts')}: a part of the path is a file, not a folder (ENOTDIR). [E_FILE_SYSTEM]\n`,
    });
    expect(asKnownFailure(new TypeError("Cannot read properties of undefined (reading 'words')"))).toBeUndefined();
  });
});
