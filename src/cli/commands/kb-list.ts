import { defineCommand } from 'citty';
import { listKnowledgeBaseNames, openKnowledgeBase } from '../../knowledge-base/index.js';
import { createDefaultComponents } from '../../presets/index.js';
import { COMMON_ARGS, openSession } from '../_session.js';

export default defineCommand({
  meta: { name: 'list', description: 'List knowledge bases' },
  args: { ...COMMON_ARGS },
  run({ args, data }) {
    const { terminal, loaded } = openSession(data, args);
    const home = loaded.config.home;
    const components = createDefaultComponents({ ...loaded.config, embedding: { provider: 'none' } });
    const rows = listKnowledgeBaseNames(home).map((name) => {
      const knowledgeBase = openKnowledgeBase({ home, name, readOnly: true }, components);
      try {
        const stats = knowledgeBase.stats();
        return { name, documents: stats.documents, chunks: stats.chunks, sourceFiles: stats.sourceFiles, failedFiles: stats.failedFiles.length, sources: stats.settings.sources };
      } finally {
        knowledgeBase.close();
      }
    });
    if (terminal.json) return terminal.outJson({ home, knowledgeBases: rows });
    if (rows.length === 0) return terminal.out(`No knowledge bases in ${home}. Create one with: hangjia kb create <name> <path…>`);
    for (const row of rows) {
      terminal.out(`${row.name}\t${row.documents} documents\t${row.chunks} chunks\t${row.sourceFiles} files${row.failedFiles ? ` (${row.failedFiles} failed)` : ''}\t${row.sources.join(', ')}`);
    }
  },
});
