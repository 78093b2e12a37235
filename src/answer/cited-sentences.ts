import { splitSentences } from '../chunking/index.js';

/**
 * Citation markers as models write them: `[1]`, `[1][2]`, `[1, 2]`, `[1，2]`, `[1、2]`, and the
 * full-width `［1］` some Chinese models produce.
 */
const MARKER = /[[［]\s*(\d{1,3}(?:\s*[,，、]\s*\d{1,3})*)\s*[\]］]/gu;
const LEADING_MARKERS = /^(?:\s*[[［]\s*\d{1,3}(?:\s*[,，、]\s*\d{1,3})*\s*[\]］])+/u;
/** Taking a marker out can leave a space before punctuation ("months [9]." → "months ."). */
const SPACE_BEFORE_PUNCTUATION = /[ \t]+([.,;:!?。，；：！？])/gu;

/** Every marker in `text`: where it is and which numbers it names. */
export function findMarkers(text: string): Array<{ marker: string; offset: number; numbers: number[] }> {
  return [...text.matchAll(MARKER)].map((match) => ({
    marker: match[0],
    offset: match.index,
    numbers: match[1]!.split(/[,，、]/u).map((part) => Number(part.trim())),
  }));
}

/** `text` with the space a removed marker left before punctuation taken out. */
export function tidyAfterMarkerRemoval(text: string): string {
  return text.replace(SPACE_BEFORE_PUNCTUATION, '$1');
}

/** `text` with each marker replaced by a space, so that the words either side stay apart for analysis. */
export function blankMarkers(text: string): string {
  return text.replace(MARKER, ' ');
}

/** Text without its `[n]` markers. */
export function stripMarkers(text: string): string {
  return tidyAfterMarkerRemoval(text.replace(MARKER, '')).trim();
}

/** A sentence of an answer (offsets into the text, markers included) and the marker numbers it cites. */
export interface CitedSentenceSpan {
  start: number;
  end: number;
  cited: number[];
}

/**
 * The sentences of an answer (`splitSentences`) with the markers that belong to each: markers
 * opening a sentence belong to the previous one, since models put `[1]` after the full stop
 * (`…六个月。[1]`), and the span then starts after them. `cited` lists each number once, those
 * moved from the next sentence first. The citation check (`checkAnswer`) and the RAG evaluators
 * read answers through this one parser, so they agree on what a sentence cites.
 */
export function citedSentenceSpans(text: string): CitedSentenceSpan[] {
  const spans = splitSentences(text).map((span) => ({ start: span.start, end: span.end, cited: [] as number[] }));
  spans.forEach((span, index) => {
    const leading = LEADING_MARKERS.exec(text.slice(span.start, span.end));
    if (leading && index > 0) {
      for (const found of findMarkers(leading[0])) spans[index - 1]!.cited.push(...found.numbers);
      span.start += leading[0].length;
    }
  });
  for (const span of spans) {
    for (const found of findMarkers(text.slice(span.start, span.end))) span.cited.push(...found.numbers);
    span.cited = [...new Set(span.cited)];
  }
  return spans;
}
