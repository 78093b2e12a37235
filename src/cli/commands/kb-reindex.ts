import { defineCommand } from 'citty';
import { openKnowledgeBase } from '../../knowledge-base/index.js';
import { createDefaultComponents } from '../../presets/index.js';
import { COMMON_ARGS, openSession } from '../_session.js';
import { resolveStoreUrl } from '../../knowledge-base/store/store-url.js';
import { whileHoldingWriteLock } from '../_write-lock.js';

export default defineCommand({
  meta: { name: 'reindex', description: 'Rebuild the search indexes from the stored documents (no files are read)' },
  args: {
    name: { type: 'positional', description: 'Knowledge base name', required: true },
    ...COMMON_ARGS,
  },
  async run({ args, data }) {
    const { terminal, loaded } = openSession(data, args);
    const knowledgeBase = openKnowledgeBase({ home: loaded.config.home, storeUrl: loaded.config.store.url, name: args.name }, createDefaultComponents(loaded.config));
    try {
      const manifest = await whileHoldingWriteLock(
        knowledgeBase.directory,
        args.name,
        'kb reindex',
        terminal,
        () => knowledgeBase.reindex({ onProgress: (progress) => terminal.progress(progress.phase, progress.done, progress.total) }),
        resolveStoreUrl(loaded.config.home, loaded.config.store.url),
      );
      terminal.endProgress();
      if (terminal.json) return terminal.outJson(manifest);
      terminal.out(`${args.name}: indexed ${manifest.lexical.chunks} chunks in ${manifest.lexical.buildMs} ms${manifest.vector ? `, ${manifest.vector.chunks} vectors (${manifest.vector.modelId})` : ''}`);
    } finally {
      knowledgeBase.close();
    }
  },
});
