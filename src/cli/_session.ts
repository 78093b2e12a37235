import type { ArgsDef } from 'citty';
import { loadConfig, type LoadedConfig } from '../config/index.js';
import { createTerminal, type Terminal, type TerminalStreams } from './_terminal.js';

/** What every command receives besides its arguments: where to write, and the environment to read. */
export interface CliSession {
  streams: TerminalStreams;
  /** Where interactive commands (`chat`) read lines from. */
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Set by a command that finished but must report failure (e.g. files that could not be read). */
  exitCode: number;
}

/** Flags every command accepts. */
export const COMMON_ARGS = {
  json: { type: 'boolean', description: 'Print the result as JSON on stdout' },
  quiet: { type: 'boolean', description: 'No progress or logs on stderr (errors still shown)' },
  verbose: { type: 'boolean', description: 'More detail on stderr' },
  home: { type: 'string', description: 'Where knowledge bases live (default $HANGJIA_HOME or ~/.hangjia)' },
  config: { type: 'string', description: 'A config file (default hangjia.config.json|yaml here, else $HANGJIA_HOME/config.yaml)' },
  set: { type: 'string', description: 'Override settings for this run: key=value[,key=value…] with the keys hangjia config show lists (e.g. search.titleWeight=0)' },
} as const satisfies ArgsDef;

export interface CommonFlags {
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  home?: string;
  config?: string;
  set?: string;
}

export function openSession(data: unknown, flags: CommonFlags, configFlags: Record<string, unknown> = {}): { session: CliSession; terminal: Terminal; loaded: LoadedConfig } {
  const session = data as CliSession;
  if (flags.quiet && flags.verbose) {
    throw Object.assign(new Error('--quiet and --verbose exclude each other: pick one.'), { name: 'CLIError', code: 'E_USAGE' });
  }
  const terminal = createTerminal(flags, session.streams);
  const loaded = loadConfig({
    env: session.env,
    cwd: session.cwd,
    ...(flags.config ? { configFile: flags.config } : {}),
    // A command's own flags (--k, --mode, …) are more specific than a generic --set of the same key.
    flags: { home: flags.home, ...parseSetFlag(flags.set), ...configFlags },
  });
  return { session, terminal, loaded };
}

/** `--set a.b=1,c.d=x` → `{ 'a.b': '1', 'c.d': 'x' }`; the config loader checks keys and values. */
function parseSetFlag(value: string | undefined): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const pair of listFlag(value)) {
    const equals = pair.indexOf('=');
    if (equals <= 0) {
      throw Object.assign(new Error(`--set takes key=value pairs separated by commas (e.g. search.titleWeight=0); got "${pair}".`), { name: 'CLIError', code: 'E_ARG' });
    }
    settings[pair.slice(0, equals).trim()] = pair.slice(equals + 1).trim();
  }
  return settings;
}

/** Parses a numeric flag, naming the flag and the bad value when it is not a number in range. */
export function numberFlag(name: string, value: string | undefined, range: { min: number; max: number }): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < range.min || parsed > range.max) {
    throw Object.assign(new Error(`--${name} must be a number from ${range.min} to ${range.max}; got "${value}".`), { name: 'CLIError', code: 'E_ARG' });
  }
  return parsed;
}

/** Splits a comma-separated list flag (`--include "**\/*.md,**\/*.txt"`). */
export function listFlag(value: string | undefined): string[] {
  return value ? value.split(',').map((item) => item.trim()).filter(Boolean) : [];
}
