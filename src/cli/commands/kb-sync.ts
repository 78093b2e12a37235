import { defineCommand } from 'citty';
import { openKnowledgeBase } from '../../knowledge-base/index.js';
import { createDefaultComponents } from '../../presets/index.js';
import { syncWithReport } from '../_report-sync.js';
import { COMMON_ARGS, openSession } from '../_session.js';

export default defineCommand({
  meta: { name: 'sync', description: 'Re-ingest changed files, remove deleted ones, embed changed chunks (resumes an interrupted ingest)' },
  args: {
    name: { type: 'positional', description: 'Knowledge base name', required: true },
    ...COMMON_ARGS,
  },
  async run({ args, data }) {
    const { session, terminal, loaded } = openSession(data, args);
    const knowledgeBase = openKnowledgeBase({ home: loaded.config.home, name: args.name }, createDefaultComponents(loaded.config));
    try {
      await syncWithReport(knowledgeBase, terminal, session);
    } finally {
      knowledgeBase.close();
    }
  },
});
