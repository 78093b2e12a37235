import { defineCommand } from 'citty';
import { describeKnowledgeBaseStore, openKnowledgeBase } from '../../knowledge-base/index.js';
import { createDefaultComponents } from '../../presets/index.js';
import { formatBytes } from '../_format.js';
import { COMMON_ARGS, openSession } from '../_session.js';

export default defineCommand({
  meta: { name: 'stats', description: 'Show what a knowledge base holds and how it was built' },
  args: {
    name: { type: 'positional', description: 'Knowledge base name', required: true },
    ...COMMON_ARGS,
  },
  run({ args, data }) {
    const { terminal, loaded } = openSession(data, args);
    // With the configured embedding model, as search opens it: without it, a hybrid knowledge base's
    // vector index would look stale ("embedding model changed"). Nothing is embedded here.
    const knowledgeBase = openKnowledgeBase({ home: loaded.config.home, storeUrl: loaded.config.store.url, name: args.name, readOnly: true }, createDefaultComponents(loaded.config));
    try {
      const stats = knowledgeBase.stats();
      const store = describeKnowledgeBaseStore({ home: loaded.config.home, storeUrl: loaded.config.store.url });
      if (terminal.json) return terminal.outJson({ ...stats, store });
      terminal.out(`knowledge base  ${stats.name}  (${stats.directory})`);
      terminal.out(`store           ${store}`);
      terminal.out(`sources         ${stats.settings.sources.join(', ')}`);
      terminal.out(`files           ${stats.sourceFiles}${stats.failedFiles.length ? ` (${stats.failedFiles.length} failed)` : ''}`);
      terminal.out(`documents       ${stats.documents}`);
      terminal.out(`chunks          ${stats.chunks}`);
      terminal.out(`characters      ${stats.characters}`);
      const byGroup = Object.entries(stats.access.documentsByGroup).map(([group, count]) => `${group} ${count}`).join(', ');
      terminal.out(`access          ${stats.access.restrictedDocuments === 0 ? 'no access groups: every document is readable by every key' : `${stats.access.restrictedDocuments} of ${stats.documents} documents restricted to groups (${byGroup})`}`);
      terminal.out(`embeddings      ${stats.embeddings}${stats.embeddingModelId ? ` (${stats.embeddingModelId})` : ' (no embedding model: lexical search)'}`);
      terminal.out(`index           ${stats.index ? `${stats.index.analyzer.name} v${stats.index.analyzer.version}, built ${stats.index.builtAt}${stats.indexCurrent ? '' : ` — stale (${stats.indexStaleReason}), rebuilt on next search or kb reindex`}` : 'not built'}`);
      const params = stats.index?.lexical.params;
      if (params) terminal.out(`lexical         k1 ${params.k1}; field weights title ${params.weights.title}, headings ${params.weights.headings}, text ${params.weights.text}`);
      const topicWords = stats.index?.lexical.topicWords;
      if (topicWords !== undefined) terminal.out(`topic vectors   ${topicWords > 0 ? `${topicWords} words, learned from this knowledge base` : 'none (too few frequent words to learn them)'}`);
      const citedGroups = stats.index?.lexical.citedGroups;
      if (citedGroups !== undefined) terminal.out(`cited           ${citedGroups > 0 ? `${citedGroups} documents named by title (《…》) in other documents` : 'no document is named by title in another'}`);
      const mostCited = stats.index?.lexical.mostCited ?? [];
      if (mostCited.length > 0) terminal.out(`most named      ${mostCited.map(({ title, citedBy }) => `${title} (${citedBy})`).join(', ')}`);
      terminal.out(`size            database ${formatBytes(stats.databaseBytes)}, indexes ${formatBytes(stats.indexBytes)}`);
      for (const failed of stats.failedFiles) terminal.out(`  ✗ ${failed.path}: ${failed.message ?? ''} [${failed.code ?? ''}]`);
      const last = stats.lastRuns[0];
      if (last) terminal.out(`last ingest     ${last.status} at ${last.finishedAt ?? last.startedAt}${last.status === 'running' ? ' (interrupted: run kb sync to finish)' : ''}`);
    } finally {
      knowledgeBase.close();
    }
  },
});
