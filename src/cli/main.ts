import { readFileSync } from 'node:fs';
import { defineCommand, renderUsage, runCommand, type CommandDef } from 'citty';
import { HangjiaError } from '../errors/index.js';
import { EXIT, exitCodeFor, isCittyUsageError } from './_exit-codes.js';
import { graphArgumentsInOrder } from './commands/_graph-argument-order.js';
import type { CliSession } from './_session.js';
import { checkUnknownFlags } from './_unknown-flags.js';
import { asKnownFailure } from './_known-failure.js';
import { colourForStream, parentWithFullName } from './_usage.js';

const packageVersion = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Commands are loaded on demand, so `hangjia kb list` never loads a model runtime. */
const rootCommand = defineCommand({
  meta: { name: 'hangjia', version: packageVersion, description: '行家 hangjia — Chinese-first knowledge bases and domain expertise for open LLMs, on your own machines' },
  subCommands: {
    kb: () => import('./commands/kb.js').then((module) => module.default),
    search: () => import('./commands/search.js').then((module) => module.default),
    eval: () => import('./commands/eval.js').then((module) => module.default),
    config: () => import('./commands/config.js').then((module) => module.default),
    models: () => import('./commands/models.js').then((module) => module.default),
    examples: () => import('./commands/examples.js').then((module) => module.default),
    ask: () => import('./commands/ask.js').then((module) => module.default),
    chat: () => import('./commands/chat.js').then((module) => module.default),
    model: () => import('./commands/model.js').then((module) => module.default),
    data: () => import('./commands/data.js').then((module) => module.default),
    train: () => import('./commands/train.js').then((module) => module.default),
    pearl: () => import('./commands/pearl.js').then((module) => module.default),
    serve: () => import('./commands/serve.js').then((module) => module.default),
    mcp: () => import('./commands/mcp.js').then((module) => module.default),
    keys: () => import('./commands/keys.js').then((module) => module.default),
    graph: () => import('./commands/graph.js').then((module) => module.default),
    worker: () => import('./commands/worker.js').then((module) => module.default),
  },
});

/**
 * Runs the CLI on `rawArgs` and returns the exit status instead of exiting, so tests can call it
 * in-process. Usage errors print the command's usage and the message; HangjiaErrors print their
 * message and code; anything else is a bug and prints its stack.
 */
export async function runCli(givenArgs: string[], io: Partial<Omit<CliSession, 'exitCode'>> = {}): Promise<number> {
  const rawArgs = graphArgumentsInOrder(givenArgs);
  const session: CliSession = {
    streams: io.streams ?? { stdout: process.stdout, stderr: process.stderr },
    stdin: io.stdin ?? process.stdin,
    env: io.env ?? process.env,
    cwd: io.cwd ?? process.cwd(),
    exitCode: EXIT.ok,
  };
  const stderr = session.streams.stderr;
  try {
    if (rawArgs.length === 0 || rawArgs.includes('--help') || rawArgs.includes('-h')) {
      const [command, parent] = await resolveCommand(rootCommand, rawArgs);
      session.streams.stdout.write(colourForStream(`${await renderUsage(command, parent)}\n`, session.streams.stdout, session.env));
      return EXIT.ok;
    }
    if (rawArgs.length === 1 && (rawArgs[0] === '--version' || rawArgs[0] === '-v')) {
      session.streams.stdout.write(`${packageVersion}\n`);
      return EXIT.ok;
    }
    // citty does not hand `data` down to subcommands, so resolve the leaf here and run it directly.
    const [command, , remainingArgs] = await resolveCommand(rootCommand, rawArgs);
    await checkUnknownFlags(command, remainingArgs, ['hangjia', ...rawArgs.slice(0, rawArgs.length - remainingArgs.length)].join(' '));
    await runCommand(command, { rawArgs: remainingArgs, data: session });
    return session.exitCode;
  } catch (thrown) {
    const error = asKnownFailure(thrown) ?? thrown;
    if (isCittyUsageError(error)) {
      const [command, parent] = await resolveCommand(rootCommand, rawArgs);
      stderr.write(colourForStream(`${await renderUsage(command, parent)}\n\nError: ${error.message}\n`, stderr, session.env));
    } else if (HangjiaError.is(error)) {
      stderr.write(`Error: ${error.message} [${error.code}]\n`);
      if (rawArgs.includes('--verbose') && error.cause) stderr.write(`Cause: ${String((error.cause as Error).stack ?? error.cause)}\n`);
    } else {
      stderr.write(`Unexpected error (a bug — please report it with this trace):\n${(error as Error)?.stack ?? String(error)}\n`);
    }
    return exitCodeFor(error);
  }
}

/** Follows subcommand names in `rawArgs` to the command whose usage should be shown. */
async function resolveCommand(command: CommandDef, rawArgs: string[], parent?: CommandDef): Promise<[CommandDef, CommandDef | undefined, string[]]> {
  const subCommands = typeof command.subCommands === 'function' ? await command.subCommands() : await command.subCommands;
  const name = rawArgs[0];
  if (subCommands && name !== undefined && Object.hasOwn(subCommands, name)) {
    const entry = subCommands[name]!;
    const resolved = (typeof entry === 'function' ? await entry() : await entry) as CommandDef;
    return resolveCommand(resolved, rawArgs.slice(1), parentWithFullName(command, parent));
  }
  return [command, parent, rawArgs];
}
