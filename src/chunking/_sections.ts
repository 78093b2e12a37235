import { closesFence, openingFence, type Fence } from './_fence.js';
import { parseLegalHeading, type LegalLevel } from './_legal-heading.js';
import { splitLines } from './_lines.js';
import { parseMarkdownHeading } from './_markdown-heading.js';
import { trimSpan } from './_trim-span.js';
import type { TextSpan } from './text-span.js';

/** A heading in effect: `rank` orders nesting (smaller is outer), `start` identifies it. */
export interface Heading {
  rank: number;
  title: string;
  start: number;
}

/** The text from one heading line to the next, trimmed, with the headings it sits under. */
export interface Section extends TextSpan {
  /** Outermost first; the last one is the heading that opened this section, if any. */
  headings: readonly Heading[];
  /** Opened by a 第X条 heading: an article is a citation unit, never merged with a neighbour. */
  isArticle: boolean;
}

// Markdown heading levels rank 1–6; statute levels rank below all of them, so a statute pasted
// under a Markdown heading nests inside it, and a later Markdown heading closes the statute.
const LEGAL_RANKS: Record<LegalLevel, number> = { 编: 10, 章: 11, 节: 12, 条: 13 };

interface OpenSection {
  start: number;
  headings: readonly Heading[];
  isArticle: boolean;
  /** Where text other than the heading itself begins. */
  contentStart: number;
}

/**
 * Cuts a document's text at Markdown ATX headings and statute headings (第X编/章/节/条) outside
 * fenced code, keeping the stack of enclosing headings for each piece.
 *
 * Sections holding nothing but their heading are dropped — their title lives on in the heading
 * path of the sections below it, and a statute's table of contents (a run of bare 第X章 lines)
 * disappears with them — unless the whole text is headings, which is then kept as is.
 */
export function parseSections(text: string): Section[] {
  const sections: Section[] = [];
  const headingOnly: Section[] = [];
  let stack: Heading[] = [];
  let open: OpenSection = { start: 0, headings: [], isArticle: false, contentStart: 0 };
  let fence: Fence | undefined;

  const closeAt = (end: number): void => {
    const span = trimSpan(text, open.start, end);
    if (span.end <= span.start) return;
    const section = { ...span, headings: open.headings, isArticle: open.isArticle };
    const hasContent = open.contentStart < end && text.slice(open.contentStart, end).trim() !== '';
    (hasContent ? sections : headingOnly).push(section);
  };

  for (const line of splitLines(text)) {
    if (fence !== undefined) {
      if (closesFence(line.text, fence)) fence = undefined;
      continue;
    }
    fence = openingFence(line.text);
    if (fence !== undefined) continue;
    const heading = classifyHeadingLine(line.text);
    if (heading === undefined) continue;
    closeAt(line.start);
    stack = stack.filter((entry) => entry.rank < heading.rank);
    stack.push({ rank: heading.rank, title: heading.title, start: line.start });
    open = { start: line.start, headings: [...stack], isArticle: heading.isArticle, contentStart: line.start + heading.contentOffset };
  }
  closeAt(text.length);
  return sections.length > 0 ? sections : headingOnly;
}

function classifyHeadingLine(line: string): { rank: number; title: string; isArticle: boolean; contentOffset: number } | undefined {
  const markdown = parseMarkdownHeading(line);
  if (markdown !== undefined) {
    const legal = parseLegalHeading(markdown.title);
    const wholeLine = line.length;
    if (legal === undefined) return { rank: markdown.level, title: markdown.title, isArticle: false, contentOffset: wholeLine };
    const title = legal.level === '条' ? legal.label : markdown.title;
    return { rank: LEGAL_RANKS[legal.level], title, isArticle: legal.level === '条', contentOffset: wholeLine };
  }
  const legal = parseLegalHeading(line);
  if (legal === undefined) return undefined;
  if (legal.level === '条') return { rank: LEGAL_RANKS.条, title: legal.label, isArticle: true, contentOffset: legal.labelEnd };
  return { rank: LEGAL_RANKS[legal.level], title: line.trim(), isArticle: false, contentOffset: line.length };
}
