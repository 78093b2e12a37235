/** Quotes `value` for a POSIX shell when it holds anything beyond safe characters, so printed commands paste as is. */
export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/u.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

/** `KEY=value … program args…` as one pasteable line. */
export function shellCommand(program: string, args: readonly string[], env: Readonly<Record<string, string>> = {}): string {
  return [...Object.entries(env).map(([key, value]) => `${key}=${shellQuote(value)}`), shellQuote(program), ...args.map(shellQuote)].join(' ');
}
