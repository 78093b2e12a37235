/**
 * Builds the long-document question set for PEARL / agent / RAG comparisons (docs/design.md,
 * "Reasoning"): every law of STARD's corpus (one article per line of corpus.jsonl) reassembled into
 * one long document, articles in order, and the train-split questions of qa_pool.jsonl whose
 * evidence articles lie in one or two laws, with the lawyer's answer as reference and the evidence
 * article names as gold evidence. The data is not committed; this script is.
 *
 *   npx tsx bench/build-long-document-set.ts [--dataset ../shared/datasets/stard-legal] [--out runs/stard-long]
 *   hangjia kb create stard-long runs/stard-long/laws
 *   hangjia eval rag runs/stard-long/questions.jsonl --kb stard-long --strategy pearl   (or rag, agent)
 *
 * Writes <out>/laws/<law>.txt (title line, then `第X条　text` per article), <out>/questions.jsonl
 * ({ id, question, reference, evidence, laws }) and <out>/manifest.json (counts, questions skipped
 * by reason).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { splitStatuteArticleTitle } from '../src/chunking/index.js';
import { articleNumber } from '../src/reasoning/index.js';
import { REPOSITORY_ROOT } from './retrieval-config.js';

interface CorpusArticle {
  id: string;
  title: string;
  text: string;
}

interface PoolQuestion {
  id: string;
  split: string;
  question: string;
  answer: string;
  evidence: Array<{ doc_id: string; name: string }>;
}

export interface LongDocumentQuestion {
  id: string;
  question: string;
  reference: string;
  /** Article names, e.g. 中华人民共和国民法典第五十四条 (what `eval rag` scores evidence recall against). */
  evidence: string[];
  laws: string[];
}

export interface LongDocumentSet {
  /** Law title → document text, articles in order. */
  laws: Map<string, string>;
  questions: LongDocumentQuestion[];
  articles: number;
  skipped: Record<'not-train' | 'no-evidence' | 'unknown-article' | 'more-than-two-laws', number>;
}

/** Sort key of an article label: its number, then `之一`, `之二` after it. */
function articleOrder(label: string): number {
  const suffix = /之([一二三四五六七八九十]+)$/u.exec(label)?.[1];
  return (articleNumber(label) ?? Number.MAX_SAFE_INTEGER) + (suffix === undefined ? 0 : (articleNumber(`第${suffix}条`) ?? 0) / 100);
}

/** Reassembles laws and selects questions (see the module comment); pure, so it is testable on a tiny corpus. */
export function buildLongDocumentSet(corpusLines: readonly string[], poolLines: readonly string[]): LongDocumentSet {
  const byLaw = new Map<string, Array<{ label: string; text: string }>>();
  const lawOf = new Map<string, string>();
  let articles = 0;
  for (const line of corpusLines) {
    if (line.trim() === '') continue;
    const article = JSON.parse(line) as CorpusArticle;
    const split = splitStatuteArticleTitle(article.title);
    if (split === undefined) continue;
    const list = byLaw.get(split.statute) ?? [];
    list.push({ label: split.article, text: article.text.trim() });
    byLaw.set(split.statute, list);
    lawOf.set(article.id, split.statute);
    articles++;
  }
  const laws = new Map<string, string>();
  for (const [law, list] of [...byLaw].sort(([a], [b]) => a.localeCompare(b, 'zh'))) {
    list.sort((a, b) => articleOrder(a.label) - articleOrder(b.label));
    // Article text keeps its own paragraphs; a blank line separates articles so each stays a 第X条 unit.
    laws.set(law, `${law}\n\n${list.map((article) => `${article.label}　${article.text}`).join('\n\n')}\n`);
  }
  const skipped: LongDocumentSet['skipped'] = { 'not-train': 0, 'no-evidence': 0, 'unknown-article': 0, 'more-than-two-laws': 0 };
  const questions: LongDocumentQuestion[] = [];
  for (const line of poolLines) {
    if (line.trim() === '') continue;
    // qa_pool.jsonl was written by pandas, which writes a missing value as a bare NaN (not JSON).
    const item = JSON.parse(line.replace(/:\s*NaN\b/gu, ': null')) as PoolQuestion;
    if (item.split !== 'train') {
      skipped['not-train']++;
      continue;
    }
    if (!Array.isArray(item.evidence) || item.evidence.length === 0) {
      skipped['no-evidence']++;
      continue;
    }
    const itemLaws = item.evidence.map((evidence) => lawOf.get(evidence.doc_id));
    if (itemLaws.some((law) => law === undefined)) {
      skipped['unknown-article']++;
      continue;
    }
    const distinct = [...new Set(itemLaws as string[])];
    if (distinct.length > 2) {
      skipped['more-than-two-laws']++;
      continue;
    }
    questions.push({ id: item.id, question: item.question, reference: item.answer, evidence: item.evidence.map((evidence) => evidence.name), laws: distinct });
  }
  return { laws, questions, articles, skipped };
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname);
if (isMain) {
  const { values } = parseArgs({
    options: {
      dataset: { type: 'string', default: join(REPOSITORY_ROOT, '..', 'shared', 'datasets', 'stard-legal') },
      out: { type: 'string', default: join(REPOSITORY_ROOT, 'runs', 'stard-long') },
    },
  });
  const dataset = resolve(values.dataset!);
  const out = resolve(values.out!);
  const read = (name: string): string[] => readFileSync(join(dataset, name), 'utf8').split('\n');
  const set = buildLongDocumentSet(read('corpus.jsonl'), read('qa_pool.jsonl'));
  mkdirSync(join(out, 'laws'), { recursive: true });
  for (const [law, text] of set.laws) writeFileSync(join(out, 'laws', `${law.replace(/[\\/:*?"<>|]/gu, '_')}.txt`), text);
  writeFileSync(join(out, 'questions.jsonl'), set.questions.map((question) => JSON.stringify(question)).join('\n') + '\n');
  const lengths = [...set.laws.values()].map((text) => text.length).sort((a, b) => a - b);
  const manifest = {
    command: `npx tsx bench/build-long-document-set.ts --dataset ${values.dataset} --out ${values.out}`,
    laws: set.laws.size,
    articles: set.articles,
    lawCharacters: { median: lengths[Math.floor(lengths.length / 2)] ?? 0, max: lengths.at(-1) ?? 0 },
    questions: set.questions.length,
    questionsByLawCount: { one: set.questions.filter((question) => question.laws.length === 1).length, two: set.questions.filter((question) => question.laws.length === 2).length },
    skipped: set.skipped,
  };
  writeFileSync(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(JSON.stringify(manifest, null, 2));
}
