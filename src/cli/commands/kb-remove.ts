import { defineCommand } from 'citty';
import { removeKnowledgeBase } from '../../knowledge-base/index.js';
import { COMMON_ARGS, openSession } from '../_session.js';

export default defineCommand({
  meta: { name: 'remove', description: 'Delete a knowledge base (the source files are not touched)' },
  args: {
    name: { type: 'positional', description: 'Knowledge base name', required: true },
    ...COMMON_ARGS,
  },
  run({ args, data }) {
    const { terminal, loaded } = openSession(data, args);
    removeKnowledgeBase({ home: loaded.config.home, name: args.name });
    if (terminal.json) return terminal.outJson({ removed: args.name });
    terminal.out(`Removed knowledge base "${args.name}".`);
  },
});
