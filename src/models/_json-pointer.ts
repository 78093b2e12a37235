/** Escapes one member name for a JSON pointer (RFC 6901): '~' → '~0', '/' → '~1'. */
export function escapePointer(name: string): string {
  return name.replaceAll('~', '~0').replaceAll('/', '~1');
}
