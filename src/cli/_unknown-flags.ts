import type { ArgDef, ArgsDef, CommandDef } from 'citty';

/** A number such as `-1` or `-0.5` is a value (a negative threshold), not a short flag. */
const NUMBER = /^-\d*\.?\d+$/;

/**
 * Stops a command whose arguments hold a flag it does not define, naming the flag and the closest
 * one it does ("did you mean --threshold?"). citty parses with `strict: false` and drops unknown
 * flags silently, so `ask kb "q" --threshhold 0.5` would run as if the flag were not there; this
 * runs once, before any command, over the flags the resolved command declares (the common flags
 * `--json --quiet --verbose --home --config --set` are among them through `COMMON_ARGS`).
 *
 * Accepted spellings follow citty's parser: `--name`, `--name=value`, `--no-name`, the camelCase
 * form of a kebab-case name, a declared alias (`-k 3`, `-k3`), and anything after `--`. A value
 * flag's next argument is its value and is not checked.
 *
 * @throws a citty-style `CLIError` with code `E_UNKNOWN_FLAG` (exit 2, usage shown).
 */
export async function checkUnknownFlags(command: CommandDef, rawArgs: readonly string[], commandName: string): Promise<void> {
  const definitions = Object.entries((await resolve(command.args)) ?? {}) as [string, ArgDef][];
  const long = new Map<string, ArgDef>();
  const short = new Map<string, ArgDef>();
  for (const [name, definition] of definitions) {
    if (definition.type === 'positional') continue;
    for (const spelling of [name, kebabCase(name), camelCase(name)]) long.set(spelling, definition);
    const alias = 'alias' in definition ? definition.alias : undefined;
    const aliases = alias === undefined ? [] : Array.isArray(alias) ? alias : [alias];
    for (const each of aliases) (each.length === 1 ? short : long).set(each, definition);
  }
  const takesValue = (definition: ArgDef | undefined): boolean => definition?.type === 'string' || definition?.type === 'enum';
  for (let index = 0; index < rawArgs.length; index += 1) {
    const argument = rawArgs[index]!;
    if (argument === '--') return;
    if (argument.startsWith('--')) {
      const [name, inlineValue] = splitOnce(argument.slice(2), '=');
      const definition = long.get(name) ?? (name.startsWith('no-') ? long.get(name.slice(3)) : undefined);
      if (definition === undefined) throw unknownFlag(`--${name}`, [...new Set(definitions.filter(([, entry]) => entry.type !== 'positional').map(([key]) => kebabCase(key)))], commandName);
      if (inlineValue === undefined && takesValue(definition)) index += 1;
    } else if (argument.length > 1 && argument.startsWith('-') && !NUMBER.test(argument)) {
      const definition = short.get(argument[1]!);
      if (definition === undefined) throw unknownFlag(`-${argument[1]}`, [], commandName);
      if (argument.length === 2 && takesValue(definition)) index += 1;
    }
  }
}

/** One letter is too short to guess a typo from, so short flags get no suggestion. */
function unknownFlag(flag: string, valid: readonly string[], commandName: string): Error {
  let suggestion: string | undefined;
  if (flag.startsWith('--')) {
    const name = flag.slice(2);
    const direct = closestName(name, valid);
    const negated = direct === undefined && name.startsWith('no-') ? closestName(name.slice(3), valid) : undefined;
    suggestion = direct !== undefined ? `--${direct}` : negated !== undefined ? `--no-${negated}` : undefined;
  }
  const hint = suggestion === undefined ? `run "${commandName} --help" for the flags it takes` : `did you mean ${suggestion}?`;
  return Object.assign(new Error(`Unknown flag ${flag} for "${commandName}"; ${hint}`), { name: 'CLIError', code: 'E_UNKNOWN_FLAG', flag, ...(suggestion === undefined ? {} : { suggestion }) });
}

/**
 * The valid name nearest to `name` by edit distance, when near enough to be a typo: at most a
 * third of the longer name's letters changed (so `--jsn` → `--json`, `--threshhold` →
 * `--threshold`, but `--bogus` suggests nothing).
 */
function closestName(name: string, valid: readonly string[]): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of valid) {
    const distance = editDistance(name, candidate);
    if (distance <= Math.max(1, Math.floor(Math.max(name.length, candidate.length) / 3)) && (best === undefined || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

/** Levenshtein distance with one rolling row (insertions, deletions and substitutions cost 1). */
function editDistance(left: string, right: string): number {
  let previous = Array.from({ length: right.length + 1 }, (_, column) => column);
  for (let row = 1; row <= left.length; row += 1) {
    const current = [row];
    for (let column = 1; column <= right.length; column += 1) {
      current[column] = Math.min(previous[column]! + 1, current[column - 1]! + 1, previous[column - 1]! + (left[row - 1] === right[column - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[right.length]!;
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

function kebabCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

function camelCase(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

async function resolve(value: CommandDef['args']): Promise<ArgsDef | undefined> {
  return typeof value === 'function' ? await value() : await value;
}
