import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const REPOSITORY = path.resolve(import.meta.dirname, '../..');

/**
 * Runs the CLI in a fresh process with a clean environment: citty decides on colour once, from
 * the environment at load time (vitest's TEST and CI variables would switch it off).
 */
function runFresh(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const script = `import { runCli } from ${JSON.stringify(path.join(REPOSITORY, 'src/cli/main.ts'))}; process.exitCode = await runCli(${JSON.stringify(args)});`;
  const { PATH, HOME } = process.env;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: REPOSITORY,
    env: { PATH, HOME, ...env },
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('usage text', () => {
  it('has no colour codes when stdout is not a terminal, and shows the full hangjia … usage line of a subcommand', () => {
    const help = runFresh(['kb', 'create', '--help']);
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).not.toMatch(/\u001b\[/);
    expect(help.stdout.split('\n')[2]).toBe('USAGE hangjia kb create [OPTIONS] <NAME> <PATHS>');
  });

  it('has no colour codes in a usage error on a pipe, whatever NO_COLOR says', () => {
    const wrong = runFresh(['search'], { NO_COLOR: 'yes' });
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).not.toMatch(/\u001b\[/);
    expect(wrong.stderr).toContain('USAGE hangjia search [OPTIONS] <KB> <QUERY>');
  });
});
