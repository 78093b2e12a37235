import { defineCommand } from 'citty';
import { openKnowledgeBase } from '../../knowledge-base/index.js';
import { createDefaultComponents } from '../../presets/index.js';
import { syncWithReport } from '../_report-sync.js';
import { resolveStoreUrl } from '../../knowledge-base/store/store-url.js';
import { whileHoldingWriteLock } from '../_write-lock.js';
import { COMMON_ARGS, listFlag, openSession } from '../_session.js';

export default defineCommand({
  meta: { name: 'sync', description: 'Re-ingest changed files, remove deleted ones, embed changed chunks (resumes an interrupted ingest)' },
  args: {
    name: { type: 'positional', description: 'Knowledge base name', required: true },
    groups: { type: 'string', description: 'Replace the access groups every file carries (comma-separated; "" for none); changed groups are applied without re-reading files' },
    'allow-mass-removal': { type: 'boolean', description: 'Remove documents even when most sources are gone and nothing is added (otherwise asks at a terminal, or stops)' },
    ...COMMON_ARGS,
  },
  async run({ args, data }) {
    const { session, terminal, loaded } = openSession(data, args);
    const knowledgeBase = openKnowledgeBase({ home: loaded.config.home, storeUrl: loaded.config.store.url, name: args.name }, createDefaultComponents(loaded.config));
    try {
      await whileHoldingWriteLock(knowledgeBase.directory, args.name, 'kb sync', terminal, () => {
        if (args.groups !== undefined) knowledgeBase.setAccessGroups(listFlag(args.groups));
        return syncWithReport(knowledgeBase, terminal, session, { maxRemovalShare: loaded.config.ingest.maxRemovalShare, allowMassRemoval: Boolean(args['allow-mass-removal']) });
      }, resolveStoreUrl(loaded.config.home, loaded.config.store.url));
    } finally {
      knowledgeBase.close();
    }
  },
});
