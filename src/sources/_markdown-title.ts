const ATX_HEADING = /^ {0,3}#{1,6}[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$/;
const SETEXT_UNDERLINE = /^ {0,3}(?:=+|-+)[ \t]*$/;
const FENCE = /^ {0,3}(```|~~~)/;
const FRONT_MATTER = /^---\n([\s\S]*?)\n(?:---|\.\.\.)(?:\n|$)/;
const FRONT_MATTER_TITLE = /^title:[ \t]*(['"]?)(.+?)\1[ \t]*$/m;

/**
 * The title a Markdown file declares: a `title:` in YAML front matter, else the text of the first
 * heading — ATX (`# 标题`) or setext (a line underlined with `===` or `---`) — outside front matter
 * and fenced code blocks, else undefined.
 */
export function markdownTitle(markdown: string): string | undefined {
  const frontMatter = FRONT_MATTER.exec(markdown);
  const declared = frontMatter ? FRONT_MATTER_TITLE.exec(frontMatter[1]!)?.[2]?.trim() : undefined;
  if (declared) return declared;
  const lines = markdown.slice(frontMatter?.[0].length ?? 0).split('\n');
  let fence: string | undefined;
  for (const [index, line] of lines.entries()) {
    const fenceMatch = FENCE.exec(line);
    if (fenceMatch) {
      if (fence === undefined) fence = fenceMatch[1];
      else if (fenceMatch[1] === fence) fence = undefined;
      continue;
    }
    if (fence !== undefined) continue;
    const atx = ATX_HEADING.exec(line);
    if (atx) return atx[1]!.trim();
    const next = lines[index + 1];
    if (line.trim() !== '' && next !== undefined && SETEXT_UNDERLINE.test(next) && !/^\s*[-*+] /.test(line)) {
      return line.trim();
    }
  }
  return undefined;
}
