/**
 * Evidence-threshold calibration (system S2, the knowledge plug-in against hallucination).
 *
 *   npx tsx bench/evidence-threshold.ts [--sample 300] [--k 3] [--max-false-refusals 0.05]
 *
 * On STARD legal (58k statute articles, layperson questions with judged articles) it builds one
 * BM25 index (`buildLexicalIndex` and its rescoring cascade, default analyzer, one record per article), then for an evenly spaced
 * sample of judged questions computes the evidence score (`scoreEvidence`, src/answer/) twice:
 * (a) over the normal top-k hits, and (b) over the top-k hits with the question's relevant
 * articles filtered out of the index, i.e. a question the knowledge base does not cover but whose
 * vocabulary still matches neighbouring articles (the hard case for a refusal rule). For each
 * threshold it reports how often each kind would be refused. The default threshold is the highest
 * one that refuses at most `--max-false-refusals` (default 5%) of the questions whose relevant article was retrieved.
 *
 * Writes bench/results/evidence-threshold.json and the generated bench/results/evidence-threshold.md.
 */
import { writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BIGRAM_PREFIX, UNIGRAM_PREFIX, createAnalyzer } from '../src/analysis/index.js';
import { defaultTermWeight, scoreEvidence, type TermWeight } from '../src/answer/index.js';
import { readCorpus, readQrels, readQueries } from '../src/eval/index.js';
import type { LexicalMatch } from '../src/index/index.js';
import { buildLexicalIndex, createLexicalSearch, type Hit } from '../src/retrieval/index.js';
import { describeCodeVersion, describeMachine } from './machine-info.js';
import { REPOSITORY_ROOT } from './retrieval-config.js';

const { values: flags } = parseArgs({
  options: {
    dataset: { type: 'string', default: join(REPOSITORY_ROOT, '..', 'shared', 'datasets', 'stard-legal') },
    sample: { type: 'string', default: '300' },
    k: { type: 'string', default: '3' },
    'max-false-refusals': { type: 'string', default: '0.05' },
    'out-of-domain': { type: 'string', default: join(REPOSITORY_ROOT, '..', 'shared', 'datasets', 'cmrc2018') },
  },
});
const sampleSize = Number(flags.sample);
const k = Number(flags.k);
const maxFalseRefusals = Number(flags['max-false-refusals']);
const datasetPath = resolve(flags.dataset!);
const command = `npx tsx bench/evidence-threshold.ts --sample ${sampleSize} --k ${k} --max-false-refusals ${maxFalseRefusals}`;
const outOfDomainPath = resolve(flags['out-of-domain']!);
const THRESHOLDS = Array.from({ length: 19 }, (_, index) => Math.round(index * 5) / 100);

/** Weightings compared; the first is the shipped default. */
const WEIGHTINGS: Record<string, TermWeight> = {
  'general-idf (default)': defaultTermWeight,
  'general-idf, words only': (term) => (term.startsWith(UNIGRAM_PREFIX) || term.startsWith(BIGRAM_PREFIX) ? 0 : defaultTermWeight(term)),
  'general-idf squared': (term) => defaultTermWeight(term) ** 2,
  'uniform, all terms': () => 1,
};

const analyzer = createAnalyzer();
const started = performance.now();
const corpus = readCorpus(join(datasetPath, 'corpus.jsonl'));
const queries = readQueries(join(datasetPath, 'queries.jsonl'));
const qrels = readQrels(join(datasetPath, 'qrels.tsv'));
console.error(`[evidence] ${command}: ${corpus.length} articles, ${queries.length} questions`);
const index = buildLexicalIndex(
  corpus.map((document) => ({ id: document.id, title: document.title, headings: '', text: document.text })),
  { analyzer, onProgress: ({ phase, done, total }) => done === total && console.error(`[evidence] ${phase} ${done}/${total}`) },
);
const buildSeconds = (performance.now() - started) / 1000;
const lexical = createLexicalSearch(index);
const byId = new Map(corpus.map((document) => [document.id, document]));

const judged = queries.filter((query) => [...(qrels.get(query.id)?.values() ?? [])].some((grade) => grade > 0));
const step = judged.length / Math.min(sampleSize, judged.length);
const sample = Array.from({ length: Math.min(sampleSize, judged.length) }, (_, position) => judged[Math.floor(position * step)]!);

function toHits(matches: LexicalMatch[]): Hit[] {
  return matches.map((match) => {
    const document = byId.get(match.id)!;
    return {
      chunk: { id: match.id, documentId: match.id, index: 0, text: document.text, headingPath: [], start: 0, end: document.text.length, tokenCount: 0 },
      score: match.score,
      documentPath: match.id,
      documentTitle: document.title,
      matchedTerms: match.matchedTerms,
      scores: [{ retriever: 'lexical', score: match.score, rank: 1 }],
    };
  });
}

// (c) Out-of-domain: general-knowledge questions (CMRC 2018, Chinese Wikipedia) asked of the legal index.
const foreign = readQueries(join(outOfDomainPath, 'queries.jsonl'));
const foreignSample = Array.from({ length: Math.min(sampleSize, foreign.length) }, (_, position) => foreign[Math.floor((position * foreign.length) / Math.min(sampleSize, foreign.length))]!);

const scores: Record<string, { normal: number[]; retrieved: number[]; removed: number[]; outOfDomain: number[] }> = {};
for (const name of Object.keys(WEIGHTINGS)) scores[name] = { normal: [], retrieved: [], removed: [], outOfDomain: [] };
let relevantInTopK = 0;
for (const query of sample) {
  const relevant = new Set([...qrels.get(query.id)!].filter(([, grade]) => grade > 0).map(([id]) => id));
  const normal = toHits(lexical.search(query.text, { k }));
  const retrieved = normal.some((hit) => relevant.has(hit.chunk.id));
  if (retrieved) relevantInTopK += 1;
  const removed = toHits(lexical.search(query.text, { k, filter: (id) => !relevant.has(id) }));
  for (const [name, termWeight] of Object.entries(WEIGHTINGS)) {
    const score = scoreEvidence(query.text, normal, { analyzer, termWeight, topHits: k }).score;
    scores[name]!.normal.push(score);
    if (retrieved) scores[name]!.retrieved.push(score);
    scores[name]!.removed.push(scoreEvidence(query.text, removed, { analyzer, termWeight, topHits: k }).score);
  }
}
for (const query of foreignSample) {
  const hits = toHits(lexical.search(query.text, { k }));
  for (const [name, termWeight] of Object.entries(WEIGHTINGS)) scores[name]!.outOfDomain.push(scoreEvidence(query.text, hits, { analyzer, termWeight, topHits: k }).score);
}

const refusalRate = (values: number[], threshold: number): number => values.filter((value) => value < threshold).length / values.length;
/** Probability that a normal question scores above a removed-evidence one (ties count half). */
function auc(normal: number[], removed: number[]): number {
  let wins = 0;
  for (const a of normal) for (const b of removed) wins += a > b ? 1 : a === b ? 0.5 : 0;
  return wins / (normal.length * removed.length);
}
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const weightings = Object.entries(scores).map(([name, { normal, retrieved, removed, outOfDomain }]) => {
  const rows = THRESHOLDS.map((threshold) => ({
    threshold,
    normalRefused: refusalRate(normal, threshold),
    retrievedRefused: refusalRate(retrieved, threshold),
    removedRefused: refusalRate(removed, threshold),
    outOfDomainRefused: refusalRate(outOfDomain, threshold),
  }));
  // False refusals that hurt are those of questions whose answer was actually retrieved.
  const chosen = [...rows].reverse().find((row) => row.retrievedRefused <= maxFalseRefusals) ?? rows[0]!;
  return {
    name,
    aucRemoved: auc(normal, removed),
    aucOutOfDomain: auc(normal, outOfDomain),
    medianNormal: median(normal),
    medianRemoved: median(removed),
    medianOutOfDomain: median(outOfDomain),
    chosen,
    rows,
  };
});

const result = {
  benchmark: 'evidence-threshold',
  command,
  dataset: relative(REPOSITORY_ROOT, datasetPath),
  articles: corpus.length,
  questions: sample.length,
  outOfDomain: { dataset: relative(REPOSITORY_ROOT, outOfDomainPath), questions: foreignSample.length },
  k,
  maxFalseRefusals,
  relevantInTopK: relevantInTopK / sample.length,
  buildSeconds,
  totalSeconds: (performance.now() - started) / 1000,
  machine: describeMachine(),
  code: describeCodeVersion(),
  generatedAt: new Date().toISOString(),
  weightings,
};
const results = join(REPOSITORY_ROOT, 'bench', 'results');
writeFileSync(join(results, 'evidence-threshold.json'), `${JSON.stringify(result, null, 2)}\n`);
writeFileSync(join(results, 'evidence-threshold.md'), render());
console.error(`[evidence] wrote bench/results/evidence-threshold.json and .md in ${result.totalSeconds.toFixed(1)} s`);

function render(): string {
  const percent = (value: number): string => `${(value * 100).toFixed(1)}%`;
  const main = weightings[0]!;
  const lines = [
    '<!-- Generated by bench/evidence-threshold.ts; do not edit. -->',
    '# Evidence threshold on STARD legal',
    '',
    `Command: \`${command}\``,
    '',
    `Machine: ${result.machine.cpuModel}, ${result.machine.cores} cores, Node ${result.machine.node}, ${result.machine.platform}; commit ${result.code.commit.slice(0, 12)}${result.code.dirty ? ' (uncommitted changes)' : ''}; ${result.generatedAt}.`,
    '',
    `${result.questions} judged questions (evenly spaced) over ${result.articles} articles, top ${k} BM25 hits; a relevant article is in the top ${k} for ${percent(result.relevantInTopK)} of them.`,
    '"Retrieved" = the normal questions whose relevant article is in the top k. "Removed" = the same questions with their relevant articles filtered out of the index (the knowledge base does not cover them, but neighbouring articles share their words). "Out of domain" = ' +
      `${result.outOfDomain.questions} general-knowledge questions from ${result.outOfDomain.dataset} asked of the legal index.`,
    '',
    '| weighting | AUC normal > removed | AUC normal > out-of-domain | median normal / removed / out-of-domain | chosen threshold | refused normal | refused retrieved | refused removed | refused out-of-domain |',
    '|---|---|---|---|---|---|---|---|---|',
    ...weightings.map(
      (w) =>
        `| ${w.name} | ${w.aucRemoved.toFixed(3)} | ${w.aucOutOfDomain.toFixed(3)} | ${w.medianNormal.toFixed(2)} / ${w.medianRemoved.toFixed(2)} / ${w.medianOutOfDomain.toFixed(2)} | ${w.chosen.threshold.toFixed(2)} | ${percent(w.chosen.normalRefused)} | ${percent(w.chosen.retrievedRefused)} | ${percent(w.chosen.removedRefused)} | ${percent(w.chosen.outOfDomainRefused)} |`,
    ),
    '',
    `Chosen threshold: the highest that refuses at most ${percent(maxFalseRefusals)} of the questions whose relevant article was retrieved.`,
    '',
    `## Refusal rate per threshold — ${main.name}`,
    '',
    '| threshold | refused, normal | refused, retrieved | refused, evidence removed | refused, out of domain |',
    '|---|---|---|---|---|',
    ...main.rows.map((row) => `| ${row.threshold.toFixed(2)} | ${percent(row.normalRefused)} | ${percent(row.retrievedRefused)} | ${percent(row.removedRefused)} | ${percent(row.outOfDomainRefused)} |`),
    '',
  ];
  return lines.join('\n');
}
