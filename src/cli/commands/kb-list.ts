import { defineCommand } from 'citty';
import { describeKnowledgeBaseStore, listKnowledgeBaseNames, openKnowledgeBase } from '../../knowledge-base/index.js';
import { createDefaultComponents } from '../../presets/index.js';
import { COMMON_ARGS, openSession } from '../_session.js';

export default defineCommand({
  meta: { name: 'list', description: 'List knowledge bases' },
  args: { ...COMMON_ARGS },
  run({ args, data }) {
    const { terminal, loaded } = openSession(data, args);
    const home = loaded.config.home;
    const storeUrl = loaded.config.store.url;
    const store = describeKnowledgeBaseStore({ home, storeUrl });
    const components = createDefaultComponents({ ...loaded.config, embedding: { provider: 'none' } });
    const rows = listKnowledgeBaseNames(home, { storeUrl }).map((name) => {
      const knowledgeBase = openKnowledgeBase({ home, storeUrl, name, readOnly: true }, components);
      try {
        const stats = knowledgeBase.stats();
        return { name, documents: stats.documents, chunks: stats.chunks, sourceFiles: stats.sourceFiles, failedFiles: stats.failedFiles.length, sources: stats.settings.sources };
      } finally {
        knowledgeBase.close();
      }
    });
    if (terminal.json) return terminal.outJson({ home, store, knowledgeBases: rows });
    if (rows.length === 0) return terminal.out(`No knowledge bases in ${home} (${store}). Create one with: hangjia kb create <name> <path…>`);
    terminal.info(`store: ${store}`);
    for (const row of rows) {
      terminal.out(`${row.name}\t${row.documents} documents\t${row.chunks} chunks\t${row.sourceFiles} files${row.failedFiles ? ` (${row.failedFiles} failed)` : ''}\t${row.sources.join(', ')}`);
    }
  },
});
