import { HTMLElement, NodeType, parse, TextNode, type Node } from 'node-html-parser';

/** Markdown-shaped text from HTML, and the title the page declares. */
export interface HtmlConversion {
  markdown: string;
  /** `<title>`, else the first `<h1>`, else undefined. */
  title?: string;
}

/** Elements whose content is never document text. `nav` is menus and breadcrumbs on every page. */
const DROPPED = new Set(['script', 'style', 'nav', 'noscript', 'template', 'svg', 'head', 'iframe', 'object', 'canvas']);
const BLOCK = new Set([
  'address', 'article', 'aside', 'blockquote', 'body', 'center', 'dd', 'details', 'dialog', 'div', 'dl', 'dt',
  'fieldset', 'figcaption', 'figure', 'footer', 'form', 'header', 'hgroup', 'hr', 'html', 'li', 'main', 'menu',
  'ol', 'p', 'pre', 'section', 'summary', 'table', 'ul', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'caption',
]);
const HEADING = /^h([1-6])$/;
const LINE_BREAK = '\u0000';
const SPACED_LINE_BREAK = new RegExp(` ?${LINE_BREAK} ?`, 'g');
// Han, kana, CJK punctuation and full-width forms: a line break between two of these is not a
// space in Chinese (HTML sources wrap long Chinese lines; a space there splits words).
const CJK = '[\\u2E80-\\u9FFF\\uF900-\\uFAFF\\uFF00-\\uFFEF]';
const CJK_LINE_WRAP = new RegExp(`(${CJK})[ \\t\\r]*\\n\\s*(?=${CJK})`, 'g');

function tagOf(node: Node): string | undefined {
  return node.nodeType === NodeType.ELEMENT_NODE ? (node as HTMLElement).rawTagName?.toLowerCase() : undefined;
}

/** Inline content as one paragraph: HTML whitespace collapsing, `<br>` kept as a line break. */
function inlineText(nodes: Node[]): string {
  let raw = '';
  const visit = (node: Node): void => {
    if (node.nodeType === NodeType.TEXT_NODE) {
      raw += node.text;
      return;
    }
    const tag = tagOf(node);
    if (tag === undefined || DROPPED.has(tag)) return;
    if (tag === 'br') {
      raw += LINE_BREAK;
      return;
    }
    if (tag === 'img') return;
    node.childNodes.forEach(visit);
  };
  nodes.forEach(visit);
  return raw
    .replace(CJK_LINE_WRAP, '$1')
    .replace(/[ \t\n\r\f]+/g, ' ')
    .replace(SPACED_LINE_BREAK, '\n')
    .trim();
}

function escapeCell(text: string): string {
  // Lines trimmed and joined rather than /\s*\n\s*/, which backtracks quadratically on long blank runs.
  return text
    .replace(/\|/g, '\\|')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join(' ');
}

/** The table's own rows: its `tr` children and those of its thead/tbody/tfoot (not nested tables'). */
function tableRows(table: HTMLElement): HTMLElement[] {
  const rows: HTMLElement[] = [];
  for (const child of table.childNodes) {
    const tag = tagOf(child);
    if (tag === 'tr') rows.push(child as HTMLElement);
    else if (tag === 'thead' || tag === 'tbody' || tag === 'tfoot') {
      for (const row of child.childNodes) if (tagOf(row) === 'tr') rows.push(row as HTMLElement);
    }
  }
  return rows;
}

function renderTable(table: HTMLElement): string | undefined {
  const rows = tableRows(table)
    .map((row) =>
      row.childNodes
        .filter((cell) => tagOf(cell) === 'td' || tagOf(cell) === 'th')
        .map((cell) => escapeCell(renderBlocks(cell.childNodes).join(' '))),
    )
    .filter((cells) => cells.length > 0);
  if (rows.length === 0) return undefined;
  // reduce, not Math.max(...rows): spreading 100k+ rows as arguments overflows the stack.
  const width = rows.reduce((widest, cells) => Math.max(widest, cells.length), 0);
  const line = (cells: string[]): string =>
    `| ${Array.from({ length: width }, (_, index) => cells[index] ?? '').join(' | ')} |`;
  const [header, ...body] = rows;
  return [line(header!), `| ${Array(width).fill('---').join(' | ')} |`, ...body.map(line)].join('\n');
}

function renderList(list: HTMLElement, depth: number): string {
  const ordered = tagOf(list) === 'ol';
  const lines: string[] = [];
  let number = Number(list.getAttribute('start') ?? '1') || 1;
  for (const item of list.childNodes) {
    if (tagOf(item) !== 'li') continue;
    const nested = item.childNodes.filter((child) => tagOf(child) === 'ul' || tagOf(child) === 'ol');
    const own = item.childNodes.filter((child) => !nested.includes(child));
    const marker = ordered ? `${number}. ` : '- ';
    number += 1;
    const text = renderBlocks(own).join(' ').replace(/\n+/g, ' ');
    lines.push(`${'  '.repeat(depth)}${marker}${text}`);
    for (const child of nested) lines.push(renderList(child as HTMLElement, depth + 1));
  }
  return lines.join('\n');
}

/** Renders a sequence of nodes into Markdown blocks (headings, paragraphs, lists, tables…). */
function renderBlocks(nodes: Node[]): string[] {
  const blocks: string[] = [];
  let inline: Node[] = [];
  const flush = (): void => {
    const text = inlineText(inline);
    if (text !== '') blocks.push(text);
    inline = [];
  };
  for (const node of nodes) {
    const tag = tagOf(node);
    if (tag !== undefined && DROPPED.has(tag)) continue;
    if (tag === undefined || !BLOCK.has(tag)) {
      if (node.nodeType === NodeType.TEXT_NODE || tag !== undefined) inline.push(node);
      continue;
    }
    flush();
    const element = node as HTMLElement;
    const heading = HEADING.exec(tag);
    if (heading) {
      const text = inlineText(element.childNodes).replace(/\n/g, ' ');
      if (text !== '') blocks.push(`${'#'.repeat(Number(heading[1]))} ${text}`);
    } else if (tag === 'table') {
      const table = renderTable(element);
      if (table !== undefined) blocks.push(table);
    } else if (tag === 'ul' || tag === 'ol') {
      const list = renderList(element, 0);
      if (list !== '') blocks.push(list);
    } else if (tag === 'pre') {
      const code = element.text.replace(/^\n/, '').trimEnd();
      if (code !== '') blocks.push(`\`\`\`\n${code}\n\`\`\``);
    } else if (tag === 'blockquote') {
      const quoted = renderBlocks(element.childNodes).join('\n\n');
      if (quoted !== '') blocks.push(quoted.replace(/^/gm, '> ').replace(/^> $/gm, '>'));
    } else if (tag !== 'hr') {
      for (const block of renderBlocks(element.childNodes)) blocks.push(block);
    }
  }
  flush();
  return blocks;
}

/**
 * How deep the converter follows nested elements. Real pages nest 20–40 deep; a file that nests
 * 5,000 `<div>`s (generated or hostile) would overflow the stack of the recursive renderers, so
 * elements below this depth are flattened into their text (see `flattenBelow`). The parser itself
 * is iterative; everything recursive here runs on the bounded tree.
 */
export const MAX_HTML_DEPTH = 200;

/**
 * Bounds the tree's depth in place, without recursion: an element at `maxDepth` keeps its text
 * (joined by spaces, dropped elements left out) as one text node instead of its children.
 */
function flattenBelow(root: HTMLElement, maxDepth: number): void {
  const stack: Array<{ node: Node; depth: number }> = [{ node: root, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (!(node instanceof HTMLElement)) continue;
    if (depth >= maxDepth) {
      node.childNodes = [new TextNode(textOf(node).join(' '), node)];
      continue;
    }
    for (const child of node.childNodes) stack.push({ node: child, depth: depth + 1 });
  }
}

/** The text nodes under `root` in document order, outside dropped elements; iterative. */
function textOf(root: Node): string[] {
  const texts: string[] = [];
  const stack: Node[] = [...root.childNodes].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.nodeType === NodeType.TEXT_NODE) {
      texts.push(node.text);
      continue;
    }
    const tag = tagOf(node);
    if (tag === undefined || DROPPED.has(tag)) continue;
    for (let index = node.childNodes.length - 1; index >= 0; index -= 1) stack.push(node.childNodes[index]!);
  }
  return texts;
}

/** The first element named `tag` in document order; iterative, unlike `querySelector`. */
function firstElement(root: HTMLElement, tag: string): HTMLElement | undefined {
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (tagOf(node) === tag) return node as HTMLElement;
    for (let index = node.childNodes.length - 1; index >= 0; index -= 1) stack.push(node.childNodes[index]!);
  }
  return undefined;
}

/**
 * Converts HTML to Markdown-shaped text — `#`…`######` headings, paragraphs separated by blank
 * lines, `-`/`1.` lists, pipe tables whose first row is the header — so that one structural
 * chunker serves Markdown, HTML and DOCX alike. Scripts, styles and `<nav>` are dropped; links and
 * emphasis keep their text only, since the text is for retrieval and reading, not re-rendering.
 * Cells containing `|` are escaped as `\|`. Nesting deeper than `MAX_HTML_DEPTH` is read as text.
 */
export function htmlToMarkdown(html: string): HtmlConversion {
  const root = parse(html, {
    comment: false,
    blockTextElements: { script: true, style: true, pre: true, noscript: true },
    // Leave unclosed tags open, as browsers do. The parser's repair of unclosed tags is quadratic:
    // 16,000 unclosed <div>s took 9 s, 100,000 minutes, in a parse that no time limit can interrupt.
    parseNoneClosedTags: true,
  });
  flattenBelow(root, MAX_HTML_DEPTH);
  const body = firstElement(root, 'body') ?? root;
  const markdown = renderBlocks(body.childNodes).join('\n\n');
  const title = firstElement(root, 'title')?.text.replace(/\s+/g, ' ').trim() || inlineText(firstElement(root, 'h1')?.childNodes ?? []).replace(/\n/g, ' ');
  return title === '' ? { markdown } : { markdown, title };
}
