import { stripVTControlCharacters } from 'node:util';
import type { CommandDef, CommandMeta } from 'citty';

/**
 * citty colours usage text unless `NO_COLOR` is exactly "1", whatever the stream. Colour codes
 * belong only on a terminal (https://no-color.org: any non-empty `NO_COLOR` turns them off), not in
 * a pipe, a log file or a test's captured output.
 */
export function colourForStream(text: string, stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): string {
  return stream.isTTY === true && !env.NO_COLOR ? text : stripVTControlCharacters(text);
}

/**
 * `command` as the parent of its subcommands, named by its whole path (`hangjia kb`), so that a
 * subcommand's usage line reads `hangjia kb create [OPTIONS] <NAME> <PATHS>` and can be copied as is:
 * citty names only the immediate parent (`kb create`).
 */
export function parentWithFullName(command: CommandDef, parent: CommandDef | undefined): CommandDef {
  const meta = plainMeta(command);
  const parentName = parent ? plainMeta(parent)?.name : undefined;
  if (!meta?.name || !parentName) return command;
  return { ...command, meta: { ...meta, name: `${parentName} ${meta.name}` } };
}

function plainMeta(command: CommandDef): CommandMeta | undefined {
  const meta = command.meta;
  return meta !== undefined && typeof meta === 'object' && !(meta instanceof Promise) ? meta : undefined;
}
