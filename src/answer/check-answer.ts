import type { Analyzer } from '../analysis/index.js';
import { splitSentences } from '../chunking/index.js';
import type { Hit } from '../retrieval/index.js';
import type { Citation, RemovedMarker, SentenceCheck } from './answer.js';
import { citableLocation } from './citable-location.js';
import { blankMarkers, citedSentenceSpans, findMarkers, tidyAfterMarkerRemoval } from './cited-sentences.js';
import { defaultTermWeight, hitTerms, type TermWeight } from './evidence-score.js';

/** Options for {@link checkAnswer}. */
export interface CheckAnswerOptions {
  analyzer: Analyzer;
  /** Default: the evidence weighting (`defaultTermWeight`), so both checks agree on what counts. */
  termWeight?: TermWeight;
  /** A cited sentence is unsupported below this weighted term coverage (0–1, default 0.5). */
  supportThreshold?: number;
}

/** A checked sentence; `reason` is null when its citations support it. */
export type CheckedSentence = Omit<SentenceCheck, 'reason'> & { reason: SentenceCheck['reason'] | null };

/** What {@link checkAnswer} found. */
export interface AnswerCheck {
  /** The text with markers that point at no source removed (valid numbers of a mixed marker kept). */
  text: string;
  citations: Citation[];
  removedMarkers: RemovedMarker[];
  unsupportedSentences: SentenceCheck[];
  /** Every checked sentence, supported or not. */
  sentences: CheckedSentence[];
}

/**
 * The post-check of a generated answer against its sources (`sources[n-1]` is source `[n]`):
 *
 * 1. Markers naming no source (`[9]` with 3 sources, `[0]`) are removed and reported.
 * 2. The cleaned text is split into sentences (`splitSentences`); markers at the very start of a
 *    sentence belong to the previous one (`…六个月。[1]` puts `[1]` after the full stop).
 * 3. Each sentence with content terms is scored: the weighted share of its analyzer terms (words
 *    and character bigrams — so it works for Chinese without an embedding model) found in the
 *    passages it cites. No citation → `no-citation`; below `supportThreshold` → `low-support`.
 *
 * Lexical support catches invented details (numbers, names, terms absent from the passage) and
 * citations of the wrong passage; it cannot catch a paraphrase that reverses the meaning.
 */
export function checkAnswer(rawText: string, sources: readonly Hit[], options: CheckAnswerOptions): AnswerCheck {
  const { analyzer } = options;
  const weigh = options.termWeight ?? defaultTermWeight;
  const supportThreshold = options.supportThreshold ?? 0.5;

  const removedMarkers: RemovedMarker[] = [];
  let text = '';
  let cursor = 0;
  for (const found of findMarkers(rawText)) {
    const valid = found.numbers.filter((n) => n >= 1 && n <= sources.length);
    for (const n of found.numbers) if (!valid.includes(n)) removedMarkers.push({ marker: found.marker, n, offset: found.offset });
    if (valid.length === found.numbers.length) continue;
    text += rawText.slice(cursor, found.offset) + valid.map((n) => `[${n}]`).join('');
    cursor = found.offset + found.marker.length;
  }
  text += rawText.slice(cursor);
  if (removedMarkers.length > 0) text = tidyAfterMarkerRemoval(text);

  const termCache = new Map<number, Set<string>>();
  const termsOf = (n: number): Set<string> => {
    let terms = termCache.get(n);
    if (!terms) termCache.set(n, (terms = hitTerms(sources[n - 1]!, analyzer)));
    return terms;
  };

  const sentences: CheckedSentence[] = [];
  for (const span of citedSentenceSpans(text)) {
    const sentence = text.slice(span.start, span.end).trim();
    const { cited } = span;
    const content = blankMarkers(sentence);
    const terms = [...new Set(analyzer.analyze(content))].filter((term) => weigh(term) > 0);
    if (terms.length === 0) continue;
    const total = terms.reduce((sum, term) => sum + weigh(term), 0);
    const covered = terms.filter((term) => cited.some((n) => termsOf(n).has(term))).reduce((sum, term) => sum + weigh(term), 0);
    const support = cited.length === 0 ? 0 : covered / total;
    const reason = cited.length === 0 ? 'no-citation' : support < supportThreshold ? 'low-support' : null;
    sentences.push({ sentence, start: span.start, end: span.end, cited, support, reason });
  }

  const citations: Citation[] = [];
  for (const found of findMarkers(text)) {
    for (const n of found.numbers) {
      if (citations.some((citation) => citation.n === n)) continue;
      const citing = sentences.filter((sentence) => sentence.cited.includes(n)).map((sentence) => sentence.sentence).join(' ');
      citations.push(citationFor(n, sources[n - 1]!, bestSentence(sources[n - 1]!.chunk.text, citing, analyzer, weigh)));
    }
  }
  return {
    text,
    citations,
    removedMarkers,
    unsupportedSentences: sentences.filter((sentence): sentence is SentenceCheck => sentence.reason !== null),
    sentences,
  };
}

/** A citation of source `n`. */
export function citationFor(n: number, hit: Hit, snippet: string): Citation {
  return { n, ...citableLocation(hit), snippet };
}

/** The sentence of `passage` sharing the most weighted terms with `text` (the passage's first sentence when none does). */
export function bestSentence(passage: string, text: string, analyzer: Analyzer, weigh: TermWeight = defaultTermWeight): string {
  const wanted = new Set(analyzer.analyze(text));
  let best = '';
  let bestScore = 0;
  for (const span of splitSentences(passage)) {
    const sentence = passage.slice(span.start, span.end);
    if (isHeadingLine(sentence) && best !== '') continue;
    const score = [...new Set(analyzer.analyze(sentence))].filter((term) => wanted.has(term)).reduce((sum, term) => sum + weigh(term), 0);
    if (best === '' || isHeadingLine(best) || score > bestScore) {
      best = sentence;
      bestScore = score;
    }
  }
  return best.replace(/\s+/g, ' ').trim();
}

/** A Markdown heading line (`### 第三条 试用期工资`): it repeats the question's words but states nothing. */
export function isHeadingLine(sentence: string): boolean {
  return /^\s*#{1,6}\s/u.test(sentence);
}
