/**
 * How exact `get_article` (and PEARL's GET_ARTICLE) is on whole laws: for every gold evidence
 * article of the long-document question set, look it up by law title and 第X条 in the knowledge base
 * built from the reassembled laws, and check the chunk holds the article's text.
 *
 *   npx tsx bench/build-long-document-set.ts --out runs/stard-long
 *   hangjia kb create stard-long runs/stard-long/laws
 *   npx tsx bench/long-document-lookup.ts [--kb stard-long] [--set runs/stard-long] [--dataset ../shared/datasets/stard-legal]
 *
 * Writes bench/results/long-document-lookup.json.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { splitStatuteArticleTitle } from '../src/chunking/index.js';
import { loadConfig } from '../src/config/index.js';
import { HangjiaError } from '../src/errors/index.js';
import { openKnowledgeBase } from '../src/knowledge-base/index.js';
import { createDefaultComponents } from '../src/presets/index.js';
import { lookupArticle } from '../src/reasoning/index.js';
import { describeCodeVersion, describeMachine } from './machine-info.js';
import { REPOSITORY_ROOT } from './retrieval-config.js';

const { values } = parseArgs({
  options: {
    kb: { type: 'string', default: 'stard-long' },
    set: { type: 'string', default: join(REPOSITORY_ROOT, 'runs', 'stard-long') },
    dataset: { type: 'string', default: join(REPOSITORY_ROOT, '..', 'shared', 'datasets', 'stard-legal') },
  },
});
const { config } = loadConfig();
const kb = openKnowledgeBase({ home: config.home, name: values.kb! }, createDefaultComponents(config));
const corpus = new Map(
  readFileSync(join(resolve(values.dataset!), 'corpus.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { title: string; text: string })
    .map((article) => [article.title, article.text.trim()]),
);
const names = new Set<string>();
for (const line of readFileSync(join(resolve(values.set!), 'questions.jsonl'), 'utf8').split('\n')) {
  if (line.trim() !== '') for (const name of (JSON.parse(line) as { evidence: string[] }).evidence) names.add(name);
}
const counts = { articles: names.size, found: 0, textMatches: 0, notFound: 0, errors: {} as Record<string, number> };
const misses: string[] = [];
const started = performance.now();
for (const name of names) {
  const split = splitStatuteArticleTitle(name)!;
  try {
    const hits = lookupArticle(kb, split.statute, split.article);
    counts.found++;
    const expected = (corpus.get(name) ?? '').replace(/\s+/gu, '');
    if (hits.map((hit) => hit.chunk.text).join('').replace(/\s+/gu, '').includes(expected.slice(0, 60))) counts.textMatches++;
    else misses.push(`${name}: text differs`);
  } catch (error) {
    if (!HangjiaError.is(error)) throw error;
    counts.notFound++;
    counts.errors[error.code] = (counts.errors[error.code] ?? 0) + 1;
    misses.push(`${name}: ${error.code}`);
  }
}
const result = {
  command: 'npx tsx bench/long-document-lookup.ts --kb stard-long --set runs/stard-long',
  ...counts,
  msPerLookup: (performance.now() - started) / names.size,
  misses: misses.slice(0, 20),
  machine: describeMachine(),
  code: describeCodeVersion(),
};
kb.close();
writeFileSync(join(REPOSITORY_ROOT, 'bench', 'results', 'long-document-lookup.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify({ ...result, machine: undefined }, null, 2));
