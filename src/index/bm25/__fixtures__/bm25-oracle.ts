import type { Analyzer } from '../../../analysis/index.js';
import { LEXICAL_FIELDS, type Bm25Params } from '../bm25-params.js';
import type { LexicalRecord } from '../lexical-record.js';

/** Splits on spaces: tests control terms exactly, independent of jieba. */
export const whitespaceAnalyzer: Analyzer = {
  name: 'whitespace',
  version: 1,
  analyze: (text) => text.split(' ').filter((term) => term.length > 0),
};


/**
 * The oracle: BM25F written as directly as the formula in bm25-params.ts, over plain arrays,
 * scoring every document. No shared code with the index.
 */
export function oracleScores(records: LexicalRecord[], query: string, params: Bm25Params): number[] {
  const fields = records.map((record) => LEXICAL_FIELDS.map((field) => whitespaceAnalyzer.analyze(record[field])));
  const averages = LEXICAL_FIELDS.map((_, field) => fields.reduce((sum, document) => sum + document[field]!.length, 0) / records.length);
  // Each distinct query term counts once, however often the query repeats it.
  const queryCounts = new Map<string, number>();
  for (const term of whitespaceAnalyzer.analyze(query)) queryCounts.set(term, 1);
  const documentFrequencies = new Map(
    [...queryCounts.keys()].map((term) => [term, fields.filter((other) => other.some((field) => field.includes(term))).length]),
  );
  return fields.map((document) => {
    let score = 0;
    for (const [term, count] of queryCounts) {
      const documentFrequency = documentFrequencies.get(term)!;
      if (documentFrequency === 0) continue;
      const idf = Math.log(1 + (records.length - documentFrequency + 0.5) / (documentFrequency + 0.5));
      let frequency = 0;
      LEXICAL_FIELDS.forEach((name, field) => {
        const termFrequency = document[field]!.filter((candidate) => candidate === term).length;
        if (termFrequency === 0 || averages[field] === 0) return;
        const b = params.b[name];
        frequency += (params.weights[name] * termFrequency) / (1 - b + (b * document[field]!.length) / averages[field]!);
      });
      if (frequency > 0) score += (count * idf * frequency * (params.k1 + 1)) / (params.k1 + frequency);
    }
    return score;
  });
}

export function generateRecords(random: () => number, count: number, vocabulary: number): LexicalRecord[] {
  const words = (length: number) =>
    Array.from({ length }, () => `w${Math.floor(random() ** 2 * vocabulary)}`).join(' ');
  return Array.from({ length: count }, (_, index) => ({
    id: `d${index}`,
    title: words(Math.floor(random() * 4)),
    headings: random() < 0.5 ? '' : words(1 + Math.floor(random() * 3)),
    text: words(Math.floor(random() * 30)),
  }));
}
