const ATX_HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*))?$/;

/**
 * Parses an ATX heading line (`## 标题`, closing `#`s allowed). Headings with no title are not
 * headings: they could give a chunk nothing to show in its heading path. Setext headings
 * (underlined with === or ---) are not recognised: `---` also separates table rows and sections.
 */
export function parseMarkdownHeading(line: string): { level: number; title: string } | undefined {
  const match = ATX_HEADING.exec(line);
  const hashes = match?.[1];
  if (hashes === undefined) return undefined;
  const title = (match?.[2] ?? '').replace(/(?:^|[ \t]+)#+[ \t]*$/, '').trim();
  return title === '' ? undefined : { level: hashes.length, title };
}
