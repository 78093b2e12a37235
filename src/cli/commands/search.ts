import { defineCommand } from 'citty';
import { openKnowledgeBase } from '../../knowledge-base/index.js';
import { createDefaultComponents } from '../../presets/index.js';
import type { Hit } from '../../retrieval/index.js';
import { hitToJson, readableMatchedTerms, snippetAround, sourceLocation } from '../_format.js';
import { COMMON_ARGS, numberFlag, openSession } from '../_session.js';
import { openReranking, RERANK_ARGS } from '../_rerank.js';

export default defineCommand({
  meta: { name: 'search', description: 'Search a knowledge base' },
  args: {
    kb: { type: 'positional', description: 'Knowledge base name', required: true },
    query: { type: 'positional', description: 'What to look for (quote it)', required: true },
    k: { type: 'string', alias: 'k', description: 'Number of hits (default 5)' },
    mode: { type: 'enum', options: ['auto', 'lexical', 'vector', 'hybrid'], description: 'Retrievers to use (default auto: hybrid when the knowledge base has embeddings)' },
    explain: { type: 'boolean', description: 'Show what each retriever and each lexical rescoring stage (bm25f, topic, citation, group) gave every hit' },
    ...RERANK_ARGS,
    ...COMMON_ARGS,
  },
  async run({ args, data }) {
    const { terminal, loaded } = openSession(data, args, {
      'search.k': numberFlag('k', args.k, { min: 1, max: 1000 }),
      'search.mode': args.mode,
    });
    const config = loaded.config;
    const reranking = openReranking(config, args.rerank, terminal);
    const knowledgeBase = openKnowledgeBase({ home: config.home, storeUrl: config.store.url, name: args.kb, readOnly: true }, createDefaultComponents(config));
    try {
      // k, mode and the weights are the knowledge base's own settings (config.search, flags included).
      const result = await knowledgeBase.search(args.query, {
        ...reranking.search,
        onRebuild: (reason) => terminal.info(`Rebuilding the search index (${reason})…`),
        onStale: (reason) => terminal.info(`Note: ${reason}.`),
      });
      if (terminal.json) {
        return terminal.outJson({ query: args.query, knowledgeBase: args.kb, mode: result.mode, reranker: reranking.reranker?.name ?? null, timings: result.timings, hits: result.hits.map((hit, index) => hitToJson(hit, index + 1)) });
      }
      if (result.mode === 'lexical' && !config.search.mode.startsWith('lex')) {
        terminal.info('Lexical search (no embedding model configured; set embedding.provider for hybrid search).');
      }
      if (result.hits.length === 0) return terminal.out(`No results for "${args.query}" in ${args.kb}.`);
      result.hits.forEach((hit, index) => {
        const where = hit.chunk.headingPath.length ? hit.chunk.headingPath.join(' › ') : hit.documentTitle;
        terminal.out(`[${index + 1}] ${hit.score.toFixed(3)}  ${sourceLocation(hit)}  (${hit.chunk.start}–${hit.chunk.end})`);
        terminal.out(`    ${where}`);
        const matched = readableMatchedTerms(hit.matchedTerms);
        terminal.out(`    ${snippetAround(hit.chunk.text, matched)}`);
        if (matched.length > 0) terminal.out(`    matched: ${matched.join(' · ')}`);
        if (hit.citedBy !== undefined) terminal.out(`    named by ${hit.citedBy} other document${hit.citedBy === 1 ? '' : 's'} (《…》)`);
        if (args.explain) terminal.out(`    scores: ${explainScores(hit.scores)}`);
      });
      terminal.debug(`${result.mode} search in ${result.timings.totalMs.toFixed(1)} ms`);
    } finally {
      knowledgeBase.close();
      await reranking.dispose();
    }
  },
});

/** `lexical 3.912 (bm25f 3.100 + topic 0.190 + group 0.622) · vector 0.016 #2`: each retriever's score and rank, and what each lexical stage added. */
function explainScores(scores: Hit['scores']): string {
  return scores
    .map((entry) => {
      const stages = entry.stages?.length ? ` (${entry.stages.map(({ stage, score }) => `${stage} ${score.toFixed(3)}`).join(' + ')})` : '';
      return `${entry.retriever} ${entry.score.toFixed(3)}${stages} #${entry.rank}`;
    })
    .join(' · ');
}
