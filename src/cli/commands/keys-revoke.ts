import { defineCommand } from 'citty';
import { revokeApiKey } from '../../access/index.js';
import { COMMON_ARGS, openSession } from '../_session.js';

export default defineCommand({
  meta: { name: 'revoke', description: 'Revoke an API key by id or name; it stops working at once, also for a running server' },
  args: {
    key: { type: 'positional', description: 'The key\'s id (key_…) or name', required: true },
    ...COMMON_ARGS,
  },
  run({ args, data }) {
    const { terminal, loaded } = openSession(data, args);
    const key = revokeApiKey(loaded.config.home, args.key);
    if (terminal.json) return terminal.outJson({ revoked: key });
    terminal.out(`Revoked API key "${key.name}" (${key.id}).`);
  },
});
