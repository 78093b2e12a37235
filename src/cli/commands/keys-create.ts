import { defineCommand } from 'citty';
import { API_KEY_ROLES, createApiKey, parseApiKeyExpiry, type ApiKeyRole } from '../../access/index.js';
import { HangjiaError } from '../../errors/index.js';
import { COMMON_ARGS, listFlag, openSession } from '../_session.js';

export default defineCommand({
  meta: { name: 'create', description: 'Create an API key and print its secret (shown once, never stored)' },
  args: {
    name: { type: 'string', description: 'A unique name for the key (who or what uses it)', required: true },
    kb: { type: 'string', description: 'Comma-separated knowledge bases the key reaches, or * for all (default *)' },
    role: { type: 'string', description: 'reader (search, ask), editor (also upload and sync) or admin (everything; sees every document) (default reader)' },
    groups: { type: 'string', description: 'Comma-separated access groups: the key reads documents with no groups or one of these (default none)' },
    expires: { type: 'string', description: 'Expiry: a duration (90m, 12h, 30d, 8w, 1y) or a date (2027-01-31) (default never)' },
    ...COMMON_ARGS,
  },
  run({ args, data }) {
    const { terminal, loaded } = openSession(data, args);
    const role = (args.role ?? 'reader') as ApiKeyRole;
    if (!API_KEY_ROLES.includes(role)) {
      throw new HangjiaError('E_USAGE', `--role must be one of ${API_KEY_ROLES.join(', ')}; got "${args.role}".`, { details: { flag: 'role', value: args.role } });
    }
    const knowledgeBases = args.kb === undefined || args.kb.trim() === '*' ? '*' : listFlag(args.kb);
    const { key, secret } = createApiKey(loaded.config.home, {
      name: args.name,
      role,
      knowledgeBases,
      groups: listFlag(args.groups),
      ...(args.expires === undefined ? {} : { expiresAt: parseApiKeyExpiry(args.expires) }),
    });
    if (terminal.json) return terminal.outJson({ ...key, secret });
    terminal.out(secret);
    terminal.info(`Created API key "${key.name}" (${key.id}): role ${key.role}, knowledge bases ${key.knowledgeBases === '*' ? 'all' : key.knowledgeBases.join(', ')}, groups ${key.groups.length ? key.groups.join(', ') : 'none'}, ${key.expiresAt ? `expires ${key.expiresAt}` : 'never expires'}.`);
    terminal.info('Store the secret now: it is not stored and will not be shown again. Send it as "Authorization: Bearer <secret>".');
  },
});
