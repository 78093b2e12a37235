import type { ComponentChildren } from 'preact';

/**
 * The matched terms worth showing a reader: the analyzer's internal n-gram features (marked with
 * a leading ^ or ~) are left out.
 */
export function readableTerms(terms: string[]): string[] {
  return [...new Set(terms.filter((term) => term.trim() !== '' && !/^[\^~]/.test(term)))];
}

/** `text` with every occurrence of `terms` wrapped in <mark> (longest term first, so 试用期 wins over 试用). */
export function Highlighted({ text, terms }: { text: string; terms: string[] }): ComponentChildren {
  const wanted = readableTerms(terms).sort((a, b) => b.length - a.length);
  if (wanted.length === 0) return text;
  const pattern = new RegExp(`(${wanted.map((term) => term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`, 'gi');
  return text.split(pattern).map((part, index) => (index % 2 === 1 ? <mark key={index}>{part}</mark> : part));
}
