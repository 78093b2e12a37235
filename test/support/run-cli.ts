import { runCli } from '../../src/cli/main.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured output (the Hono `app.request()` habit: call the app, not a port). */
export async function runCliCaptured(args: string[], options: { home: string; cwd?: string; env?: NodeJS.ProcessEnv; stdin?: NodeJS.ReadableStream }): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    streams: { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) } },
    env: { HANGJIA_HOME: options.home, ...options.env },
    cwd: options.cwd ?? process.cwd(),
    ...(options.stdin ? { stdin: options.stdin } : {}),
  });
  return { code, stdout, stderr };
}
