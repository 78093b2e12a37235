import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCliCaptured } from '../../../test/support/run-cli.js';
import { useTemporaryDirectories, writeFiles } from '../../../test/support/temporary-directory.js';

const temporaryDirectory = useTemporaryDirectories();

describe('hangjia chat', () => {
  it('answers each turn (extractively without a model) and condenses a follow-up for retrieval', async () => {
    const home = temporaryDirectory();
    const root = temporaryDirectory();
    writeFiles(root, {
      'handbook.txt': '员工手册\n\n第一章 试用\n\n第一条 试用期最长不得超过六个月。\n\n第二条 试用期工资不得低于转正工资的百分之八十。\n\n第二章 休假\n\n第三条 年休假每年十五天。\n',
    });
    expect((await runCliCaptured(['kb', 'create', 'hr', root, '--quiet'], { home })).code).toBe(0);

    const stdin = Readable.from(['试用期最长多久？\n', '那工资呢？\n', '/exit\n']);
    const run = await runCliCaptured(['chat', 'hr', '--verbose'], { home, stdin });
    expect(run.code, run.stderr).toBe(0);
    // Turn one quotes the article on the probation length; turn two, searched with the carried-over
    // key term 试用期, quotes the article on probation pay rather than anything about leave.
    expect(run.stdout).toContain('试用期最长不得超过六个月');
    expect(run.stdout).toContain('试用期工资不得低于转正工资的百分之八十');
    expect(run.stderr).toMatch(/\(searched for: 试用期[^)]*那工资呢？\)/);
  });
});
