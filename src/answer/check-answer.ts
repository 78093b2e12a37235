import type { Analyzer } from '../analysis/index.js';
import { splitSentences } from '../chunking/index.js';
import type { Hit } from '../retrieval/index.js';
import type { Citation, RemovedMarker, SentenceCheck } from './answer.js';
import { citableLocation } from './citable-location.js';
import { defaultTermWeight, hitTerms, type TermWeight } from './evidence-score.js';

/**
 * Citation markers as models write them: `[1]`, `[1][2]`, `[1, 2]`, `[1，2]`, `[1、2]`, and the
 * full-width `［1］` some Chinese models produce.
 */
const MARKER = /[[［]\s*(\d{1,3}(?:\s*[,，、]\s*\d{1,3})*)\s*[\]］]/gu;
const LEADING_MARKERS = /^(?:\s*[[［]\s*\d{1,3}(?:\s*[,，、]\s*\d{1,3})*\s*[\]］])+/u;

/** Every marker in `text`: where it is and which numbers it names. */
export function findMarkers(text: string): Array<{ marker: string; offset: number; numbers: number[] }> {
  return [...text.matchAll(MARKER)].map((match) => ({
    marker: match[0],
    offset: match.index,
    numbers: match[1]!.split(/[,，、]/u).map((part) => Number(part.trim())),
  }));
}

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
  // Removing a marker can leave a space before punctuation ("months [9].") — tidy that one case.
  if (removedMarkers.length > 0) text = text.replace(/[ \t]+([.,;:!?。，；：！？])/gu, '$1');

  const termCache = new Map<number, Set<string>>();
  const termsOf = (n: number): Set<string> => {
    let terms = termCache.get(n);
    if (!terms) termCache.set(n, (terms = hitTerms(sources[n - 1]!, analyzer)));
    return terms;
  };

  // Sentences with the markers that belong to them.
  const spans = splitSentences(text).map((span) => ({ ...span, cited: [] as number[] }));
  spans.forEach((span, index) => {
    const leading = LEADING_MARKERS.exec(text.slice(span.start, span.end));
    if (leading && index > 0) {
      for (const found of findMarkers(leading[0])) spans[index - 1]!.cited.push(...found.numbers);
      span.start += leading[0].length;
    }
  });
  const sentences: CheckedSentence[] = [];
  for (const span of spans) {
    const sentence = text.slice(span.start, span.end).trim();
    for (const found of findMarkers(sentence)) span.cited.push(...found.numbers);
    const cited = [...new Set(span.cited)];
    const content = sentence.replace(MARKER, ' ');
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
