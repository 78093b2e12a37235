/**
 * One hangjia CLI process for bench/crash.ts: it loads the CLI and the commands the suite runs,
 * prints `ready`, then runs the one command it is sent on stdin (`{"args": […], "env": {…}}`) and
 * exits with its status. The suite starts it ahead of time, so a kill lands in the command's work
 * rather than in Node's start-up. Not for use on its own.
 */
import readline from 'node:readline';
import { runCli } from '../src/cli/main.js';

await Promise.all(
  ['kb-create', 'kb-sync', 'kb-reindex', 'data-generate', 'eval-exam'].map((command) => import(`../src/cli/commands/${command}.js`)),
);
const lines = readline.createInterface({ input: process.stdin });
process.stdout.write('ready\n');
const line = await new Promise<string>((resolve) => lines.once('line', resolve));
lines.close();
const { args, env } = JSON.parse(line) as { args: string[]; env: Record<string, string> };
process.exitCode = await runCli(args, { env: { ...process.env, ...env } });
