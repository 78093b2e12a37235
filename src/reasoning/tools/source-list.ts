import type { Hit } from '../../retrieval/index.js';

/** Characters of one passage shown to the model in a tool result or step input. */
const PASSAGE_CHARACTERS = 600;

/**
 * The passages a run has read, numbered in the order first read: `[n]` in every tool result and
 * step output is `hits[n - 1]`, so the final answer's markers resolve to chunks the run actually
 * read, and `checkAnswer` can check them exactly as it checks `ask`'s answers.
 */
export class SourceList {
  readonly hits: Hit[] = [];
  private readonly numbers = new Map<string, number>();

  /** The marker number of `hit`, numbering it when it is new. */
  add(hit: Hit): number {
    const known = this.numbers.get(hit.chunk.id);
    if (known !== undefined) return known;
    this.hits.push(hit);
    this.numbers.set(hit.chunk.id, this.hits.length);
    return this.hits.length;
  }

  /** Numbers `hits` and renders them for the model: `[n] 《title》 heading › path` then the text. */
  render(hits: readonly Hit[]): string {
    return hits.map((hit) => renderPassage(this.add(hit), hit)).join('\n\n');
  }
}

function renderPassage(n: number, hit: Hit): string {
  const heading = hit.chunk.headingPath.filter((title) => title !== hit.documentTitle).join(' › ');
  const text = hit.chunk.text.trim();
  const shown = text.length > PASSAGE_CHARACTERS ? `${text.slice(0, PASSAGE_CHARACTERS)}…` : text;
  return `[${n}] 《${hit.documentTitle}》${heading === '' ? '' : ` ${heading}`}\n${shown}`;
}
