import { defineCommand } from 'citty';
import { openKnowledgeBase } from '../../knowledge-base/index.js';
import { createDefaultComponents } from '../../presets/index.js';
import { syncWithReport } from '../_report-sync.js';
import { whileHoldingWriteLock } from '../_write-lock.js';
import { COMMON_ARGS, openSession } from '../_session.js';

export default defineCommand({
  meta: { name: 'sync', description: 'Re-ingest changed files, remove deleted ones, embed changed chunks (resumes an interrupted ingest)' },
  args: {
    name: { type: 'positional', description: 'Knowledge base name', required: true },
    'allow-mass-removal': { type: 'boolean', description: 'Remove documents even when most sources are gone and nothing is added (otherwise asks at a terminal, or stops)' },
    ...COMMON_ARGS,
  },
  async run({ args, data }) {
    const { session, terminal, loaded } = openSession(data, args);
    const knowledgeBase = openKnowledgeBase({ home: loaded.config.home, name: args.name }, createDefaultComponents(loaded.config));
    try {
      await whileHoldingWriteLock(knowledgeBase.directory, args.name, 'kb sync', terminal, () =>
        syncWithReport(knowledgeBase, terminal, session, { maxRemovalShare: loaded.config.ingest.maxRemovalShare, allowMassRemoval: Boolean(args['allow-mass-removal']) }),
      );
    } finally {
      knowledgeBase.close();
    }
  },
});
