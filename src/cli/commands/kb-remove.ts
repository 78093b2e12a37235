import path from 'node:path';
import { defineCommand } from 'citty';
import { assertWritable, knowledgeBaseDirectory, removeKnowledgeBase } from '../../knowledge-base/index.js';
import { COMMON_ARGS, openSession } from '../_session.js';
import { resolveStoreUrl } from '../../knowledge-base/store/store-url.js';
import { whileHoldingWriteLock } from '../_write-lock.js';

export default defineCommand({
  meta: { name: 'remove', description: 'Delete a knowledge base (the source files are not touched)' },
  args: {
    name: { type: 'positional', description: 'Knowledge base name', required: true },
    ...COMMON_ARGS,
  },
  async run({ args, data }) {
    const { terminal, loaded } = openSession(data, args);
    const home = loaded.config.home;
    const directory = knowledgeBaseDirectory(home, args.name);
    // Before the lock, whose files live beside the knowledge bases: a read-only home gets its one clear line.
    assertWritable(path.dirname(directory), 'remove a knowledge base from');
    await whileHoldingWriteLock(directory, args.name, 'kb remove', terminal, () => removeKnowledgeBase({ home, storeUrl: loaded.config.store.url, name: args.name }), resolveStoreUrl(loaded.config.home, loaded.config.store.url));
    if (terminal.json) return terminal.outJson({ removed: args.name });
    terminal.out(`Removed knowledge base "${args.name}".`);
  },
});
