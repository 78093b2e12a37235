import type { Document } from '../documents/index.js';
import type { Chunk, Chunker, ChunkingOptions } from './chunk.js';
import { resolveChunkingOptions } from './default-chunking-options.js';
import { estimateTokens } from './estimate-tokens.js';
import { fitsBounds } from './_fits-bounds.js';
import { packUnits } from './_pack-units.js';
import { parseSections, type Section } from './_sections.js';
import { buildUnits } from './_units.js';

/**
 * The structure-aware chunker, named `structured`: the default for every format.
 *
 * 1. The text is cut into sections at Markdown headings (`#`…`######`, not inside fenced code) and
 *    at statute headings on their own line — 第X编, 第X章, 第X节 and 第X条, X in Chinese numerals
 *    (一…十百千零〇两), ASCII or full-width digits. Plain text without either is one section.
 *    Sections that are only a heading are dropped: their titles live on in `headingPath`.
 * 2. Consecutive sections shorter than `minChars` are merged with the next one while the result
 *    fits the bounds, both sit under the same top-level heading, and neither is a 第X条 article —
 *    an article is what users cite, so even a one-line article stays a chunk of its own.
 * 3. A section that breaks `maxChars` or `maxTokens` is packed from sentences (`splitSentences`),
 *    code lines and table rows, with `overlapChars` of whole sentences repeated between chunks;
 *    a table slice repeats the table header (see `Chunk.text`), and a unit longer than the bound
 *    is hard-split at it.
 *
 * `headingPath` is the document title (when not empty), then each enclosing heading outermost
 * first: a Markdown heading by its title, 编/章/节 by their whole line (`第二章 劳动合同的订立`),
 * an article by its label (`第十九条`). A first heading equal to the title is not repeated.
 *
 * @throws HangjiaError `E_CONFIG` when an option is out of range (see `DEFAULT_CHUNKING_OPTIONS`).
 * @example
 * const chunker = createChunker({ maxChars: 500 });
 * const chunks = chunker.chunk(document); // ids `${document.id}#0`, `${document.id}#1`, …
 */
export function createChunker(options: Partial<ChunkingOptions> = {}): Chunker {
  const resolved = resolveChunkingOptions(options);
  return {
    name: 'structured',
    chunk: (document) => chunkWithOptions(document, resolved),
  };
}

/** Chunks one document with the structured chunker; `createChunker(options).chunk(document)`. */
export function chunkDocument(document: Document, options: Partial<ChunkingOptions> = {}): Chunk[] {
  return chunkWithOptions(document, resolveChunkingOptions(options));
}

interface SectionGroup {
  sections: Section[];
  start: number;
  end: number;
}

function chunkWithOptions(document: Document, options: ChunkingOptions): Chunk[] {
  const { text } = document;
  const chunks: Chunk[] = [];
  for (const group of groupSections(text, parseSections(text), options)) {
    const headingPath = groupHeadingPath(document.title, group.sections);
    for (const packed of packUnits(text, buildUnits(text, group, options), options)) {
      const index = chunks.length;
      chunks.push({
        id: `${document.id}#${index}`,
        documentId: document.id,
        index,
        text: packed.text,
        headingPath: [...headingPath],
        start: packed.start,
        end: packed.end,
        tokenCount: estimateTokens(packed.text),
      });
    }
  }
  return chunks;
}

function groupSections(text: string, sections: readonly Section[], options: ChunkingOptions): SectionGroup[] {
  const groups: SectionGroup[] = [];
  for (const section of sections) {
    const group = groups.at(-1);
    if (group !== undefined && canAbsorb(text, group, section, options)) {
      group.sections.push(section);
      group.end = section.end;
    } else {
      groups.push({ sections: [section], start: section.start, end: section.end });
    }
  }
  return groups;
}

function canAbsorb(text: string, group: SectionGroup, next: Section, options: ChunkingOptions): boolean {
  const first = group.sections[0] as Section;
  return (
    group.end - group.start < options.minChars &&
    !first.isArticle &&
    !next.isArticle &&
    first.headings[0]?.start === next.headings[0]?.start &&
    fitsBounds(text.slice(group.start, next.end), options)
  );
}

/**
 * The heading path shared by a group of merged sections: what all of them have in common, except
 * that a section which only introduces the next one (its path is a prefix of the next one's, like
 * `# 甲` before `## 一`) defers to it. So `# 甲` + `## 一` share [甲, 一], while `## 一` + `## 二`
 * share [甲].
 */
function groupHeadingPath(title: string, sections: readonly Section[]): string[] {
  const leading = sections.filter((section, position) => {
    const next = sections[position + 1];
    return next === undefined || !isStrictPrefix(section.headings, next.headings);
  });
  const path = leading.reduce<Section['headings']>((shared, section) => {
    let depth = 0;
    while (depth < shared.length && shared[depth] === section.headings[depth]) depth += 1;
    return shared.slice(0, depth);
  }, (leading[0] as Section).headings);
  const documentTitle = title.trim();
  const titles = path.map((heading) => heading.title);
  if (documentTitle === '') return titles;
  return titles[0] === documentTitle ? titles : [documentTitle, ...titles];
}

function isStrictPrefix(outer: Section['headings'], inner: Section['headings']): boolean {
  return outer.length < inner.length && outer.every((heading, depth) => inner[depth] === heading);
}
