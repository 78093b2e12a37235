/**
 * Who names whom: for each group of records (a statute, a document), how many *other* groups name
 * it by its title inside Chinese title marks (《民法典》, 《中华人民共和国劳动合同法》). A
 * document that many others refer to is one they build on — a parent statute, a core policy —
 * which is query-independent evidence of the kind in-links give web search (Craswell, Robertson,
 * Zaragoza & Taylor 2005). Counting citing groups, not citations, keeps one document that cites
 * a title a hundred times from weighing more than one that cites it once.
 *
 * Matching a reference to a title is deliberately plain, and works on the texts' own spelling:
 *
 * - the same title, after NFKC, with spaces removed and 〈〉 read as 《》 (a nested title is
 *   written 〈…〉 inside 《…》); a title two groups share names neither;
 * - a fuller reference that ends with a title of at least {@link MIN_TITLE_LENGTH} characters:
 *   《中华人民共和国民法典》 → 民法典 (the longest such title wins);
 * - an abbreviated reference, at least {@link MIN_TITLE_LENGTH} characters, that ends exactly
 *   one title: 《民法典》 → 中华人民共和国民法典 (a reference that ends two titles names neither).
 */
export class TitleCitations {
  private readonly titles = new Map<string, number | typeof AMBIGUOUS>();
  /**
   * Titles by their last {@link MIN_TITLE_LENGTH} characters: an abbreviated reference is looked
   * for among the titles of its own ending only. (Indexing every ending of every title would cost
   * a map entry per character of the titles: millions in a large knowledge base.)
   */
  private readonly titlesByEnding = new Map<string, string[]>();
  private readonly referencesByGroup = new Map<number, Set<string>>();

  /** Records that `group` is titled `title`. A group with several titles can be named by any. */
  addTitle(group: number, title: string): void {
    const key = normalizeTitle(title);
    if (key.length < MIN_TITLE_LENGTH) return;
    const known = this.titles.get(key);
    if (known === group) return;
    this.titles.set(key, known === undefined ? group : AMBIGUOUS);
    if (known !== undefined) return;
    const ending = key.slice(-MIN_TITLE_LENGTH);
    const titles = this.titlesByEnding.get(ending);
    if (titles === undefined) this.titlesByEnding.set(ending, [key]);
    else titles.push(key);
  }

  /** Collects the titles `text` (of a record of `group`) names; they are resolved by {@link counts}. */
  addText(group: number, text: string): void {
    if (!text.includes('《') && !text.includes('〈')) return;
    let references = this.referencesByGroup.get(group);
    for (const reference of titleReferences(text)) {
      if (references === undefined) this.referencesByGroup.set(group, (references = new Set()));
      references.add(reference);
    }
  }

  /**
   * For each of `groupCount` groups, the number of other groups whose text names it; `undefined`
   * when no group is named by another (nothing to weigh).
   */
  counts(groupCount: number): Uint32Array | undefined {
    const citedBy = new Map<number, Set<number>>();
    // Many groups name the same few titles: each reference is resolved once.
    const resolved = new Map<string, number | undefined>();
    for (const [citing, references] of this.referencesByGroup) {
      for (const reference of references) {
        if (!resolved.has(reference)) resolved.set(reference, this.resolve(reference));
        const cited = resolved.get(reference);
        if (cited === undefined || cited === citing) continue;
        let citers = citedBy.get(cited);
        if (citers === undefined) citedBy.set(cited, (citers = new Set()));
        citers.add(citing);
      }
    }
    if (citedBy.size === 0) return undefined;
    const counts = new Uint32Array(groupCount);
    for (const [cited, citers] of citedBy) if (cited < groupCount) counts[cited] = citers.size;
    return counts;
  }

  private resolve(reference: string): number | undefined {
    // A title two groups share names neither; an ambiguous match still ends the search, so a
    // fuller reference is not credited to a shorter title it happens to end with.
    for (let start = 0; start <= reference.length - MIN_TITLE_LENGTH; start++) {
      const titled = this.titles.get(reference.slice(start));
      if (titled !== undefined) return titled === AMBIGUOUS ? undefined : titled;
    }
    if (reference.length < MIN_TITLE_LENGTH) return undefined;
    let owner: number | undefined;
    for (const title of this.titlesByEnding.get(reference.slice(-MIN_TITLE_LENGTH)) ?? []) {
      if (title.length <= reference.length || !title.endsWith(reference)) continue;
      const group = this.titles.get(title)!;
      if (group === AMBIGUOUS || (owner !== undefined && owner !== group)) return undefined;
      owner = group;
    }
    return owner;
  }
}

/** Shorter titles (条例, 规定) name too many things to be matched by their ending. */
export const MIN_TITLE_LENGTH = 3;

const AMBIGUOUS = Symbol('ambiguous');

/**
 * The contents of every pair of title marks in `text`, normalised like titles, nested ones
 * included: `《关于适用〈民法典〉的解释》` gives `关于适用《民法典》的解释` and `民法典`. An unclosed
 * mark, or one whose contents run past a line end or 100 characters, is not a title.
 */
export function titleReferences(text: string): string[] {
  const references: string[] = [];
  const opened: number[] = [];
  for (let position = 0; position < text.length; position++) {
    const character = text[position]!;
    if (character === '《' || character === '〈') {
      opened.push(position);
    } else if (character === '》' || character === '〉') {
      const start = opened.pop();
      if (start === undefined) continue;
      const reference = normalizeTitle(text.slice(start + 1, position));
      if (reference.length > 0 && position - start <= MAX_REFERENCE_LENGTH) references.push(reference);
    } else if (character === '\n') {
      opened.length = 0;
    }
  }
  return references;
}

const MAX_REFERENCE_LENGTH = 100;

/** NFKC, no whitespace, and 〈〉 as 《》, so a title is spelled one way wherever it is written. */
export function normalizeTitle(title: string): string {
  return title.normalize('NFKC').replace(/\s+/g, '').replace(/〈/g, '《').replace(/〉/g, '》');
}
