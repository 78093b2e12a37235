import { citedSentenceSpans, stripMarkers } from '../../answer/index.js';
import type { RagSample } from './rag-sample.js';

/** Private to `eval/rag/`. */
const CONTENT = /[\p{L}\p{N}]/u;

/**
 * The sentences of `text` that have content (a letter or digit), with the marker numbers each
 * cites, as `checkAnswer` reads them (`citedSentenceSpans`). Sentences are returned without markers.
 */
export function citedSentences(text: string): Array<{ sentence: string; cited: number[] }> {
  return citedSentenceSpans(text)
    .map((span) => ({ sentence: stripMarkers(text.slice(span.start, span.end)), cited: span.cited }))
    .filter((entry) => CONTENT.test(entry.sentence));
}

/** The passage `[n]` points at: the sample's citation override, else `contexts[n - 1]`; undefined for none. */
export function citedPassage(sample: RagSample, n: number): string | undefined {
  const override = sample.citations?.find((citation) => citation.n === n);
  if (override !== undefined) return override.text;
  return n >= 1 && n <= sample.contexts.length ? sample.contexts[n - 1] : undefined;
}
