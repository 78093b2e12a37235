import { beforeAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from '../../test/support/run-cli.js';
import { writeFiles } from '../../test/support/temporary-directory.js';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';


/** The README promises exit 2 for an unknown flag; citty alone ignores it (issue 11, item 5b). */
describe('unknown flags', () => {
  let home: string;
  beforeAll(async () => {
    home = mkdtempSync(path.join(os.tmpdir(), 'hangjia-test-'));
    const root = mkdtempSync(path.join(os.tmpdir(), 'hangjia-test-'));
    writeFiles(root, { 'handbook.txt': '员工手册\n\n第一条 试用期不得超过六个月。\n\n第二条 年休假每年十五天。\n' });
    const created = await runCliCaptured(['kb', 'create', 'hr', root, '--quiet'], { home });
    expect(created.code, created.stderr).toBe(0);
    rmSync(root, { recursive: true, force: true });
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it.each([
    [['kb', 'list', '--jsn'], 'Unknown flag --jsn for "hangjia kb list"; did you mean --json?'],
    [['search', 'hr', '试用期', '--bogus', '1'], 'Unknown flag --bogus for "hangjia search"; run "hangjia search --help" for the flags it takes'],
    [['ask', 'hr', '试用期多久？', '--threshhold', '0.5'], 'Unknown flag --threshhold for "hangjia ask"; did you mean --threshold?'],
    [['eval', 'exam', 'exam.jsonl', '--max-token', '5'], 'Unknown flag --max-token for "hangjia eval exam"; did you mean --max-tokens?'],
    [['search', 'hr', '试用期', '-x'], 'Unknown flag -x for "hangjia search"; run "hangjia search --help" for the flags it takes'],
    [['config', 'show', '--verbos'], 'Unknown flag --verbos for "hangjia config show"; did you mean --verbose?'],
    [['kb', 'stats', 'hr', '--no-jsn'], 'Unknown flag --no-jsn for "hangjia kb stats"; did you mean --no-json?'],
  ])('%j stops with exit 2 naming the flag', async (args, message) => {
    const run = await runCliCaptured(args, { home });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`Error: ${message}\n`);
    expect(run.stdout).toBe('');
  });

  it('accepts the spellings citty parses: aliases, --name=value, camelCase, --no-, values, negative numbers and anything after --', async () => {
    const searched = await runCliCaptured(['search', 'hr', '试用期', '-k', '1', '--json', '--mode=lexical'], { home });
    expect(searched.code, searched.stderr).toBe(0);
    expect(JSON.parse(searched.stdout).hits).toHaveLength(1);
    const glued = await runCliCaptured(['search', 'hr', '试用期', '-k1', '--no-verbose', '--json'], { home });
    expect(glued.code, glued.stderr).toBe(0);
    // A value that looks like a flag is the value of the flag before it.
    const value = await runCliCaptured(['search', 'hr', '--set', '--weird', '--json'], { home });
    expect(value.stderr).not.toContain('Unknown flag');
    // -1 is a value, so the range check (not the flag check) answers.
    const negative = await runCliCaptured(['ask', 'hr', '试用期多久？', '--threshold', '-1'], { home });
    expect(negative.stderr).toContain('--threshold must be a number from 0 to 1; got "-1"');
    const terminated = await runCliCaptured(['search', 'hr', '--json', '--', '--not-a-flag'], { home });
    expect(terminated.stderr).not.toContain('Unknown flag');
    const camel = await runCliCaptured(['kb', 'list', '--json'], { home });
    expect(camel.code, camel.stderr).toBe(0);
  });
});
