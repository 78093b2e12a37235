import { findMarkers } from '../../answer/index.js';
import { splitSentences } from '../../chunking/index.js';
import type { RagSample } from './rag-sample.js';

/** Private to `eval/rag/`. */
const MARKER = /[[［]\s*\d{1,3}(?:\s*[,，、]\s*\d{1,3})*\s*[\]］]/gu;
const LEADING_MARKERS = /^(?:\s*[[［]\s*\d{1,3}(?:\s*[,，、]\s*\d{1,3})*\s*[\]］])+/u;
const CONTENT = /[\p{L}\p{N}]/u;

/** Text without its `[n]` markers. */
export function stripMarkers(text: string): string {
  return text.replace(MARKER, '').replace(/[ \t]+([.,;:!?。，；：！？])/gu, '$1').trim();
}

/**
 * The sentences of `text` that have content (a letter or digit), with the marker numbers each
 * cites, as `checkAnswer` reads them: markers opening a sentence belong to the previous one
 * (`…六个月。[1]`). Sentences are returned without markers.
 */
export function citedSentences(text: string): Array<{ sentence: string; cited: number[] }> {
  const spans = splitSentences(text).map((span) => ({ ...span, cited: [] as number[] }));
  spans.forEach((span, index) => {
    const leading = LEADING_MARKERS.exec(text.slice(span.start, span.end));
    if (leading && index > 0) {
      for (const found of findMarkers(leading[0])) spans[index - 1]!.cited.push(...found.numbers);
      span.start += leading[0].length;
    }
  });
  const sentences: Array<{ sentence: string; cited: number[] }> = [];
  for (const span of spans) {
    const raw = text.slice(span.start, span.end);
    for (const found of findMarkers(raw)) span.cited.push(...found.numbers);
    const sentence = stripMarkers(raw);
    if (!CONTENT.test(sentence)) continue;
    sentences.push({ sentence, cited: [...new Set(span.cited)] });
  }
  return sentences;
}

/** The passage `[n]` points at: the sample's citation override, else `contexts[n - 1]`; undefined for none. */
export function citedPassage(sample: RagSample, n: number): string | undefined {
  const override = sample.citations?.find((citation) => citation.n === n);
  if (override !== undefined) return override.text;
  return n >= 1 && n <= sample.contexts.length ? sample.contexts[n - 1] : undefined;
}
