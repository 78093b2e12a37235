/** One line of a passage for a reader: whitespace collapsed, cut to `width` characters (`…` marks the cut). */
export function snippet(text: string, width = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat;
}
