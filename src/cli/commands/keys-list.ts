import { defineCommand } from 'citty';
import { listApiKeys } from '../../access/index.js';
import { COMMON_ARGS, openSession } from '../_session.js';

export default defineCommand({
  meta: { name: 'list', description: 'List API keys (never their secrets)' },
  args: { ...COMMON_ARGS },
  run({ args, data }) {
    const { terminal, loaded } = openSession(data, args);
    const keys = listApiKeys(loaded.config.home);
    if (terminal.json) return terminal.outJson({ keys });
    if (keys.length === 0) return terminal.out(`No API keys in ${loaded.config.home}. Create one with: hangjia keys create --name <name>`);
    for (const key of keys) {
      terminal.out(
        [
          key.id,
          key.name,
          `${key.prefix}…`,
          key.role,
          `kb: ${key.knowledgeBases === '*' ? '*' : key.knowledgeBases.join(',')}`,
          `groups: ${key.groups.length ? key.groups.join(',') : '-'}`,
          key.status === 'revoked' ? `revoked ${key.revokedAt}` : key.expiresAt ? `${key.status === 'expired' ? 'expired' : 'expires'} ${key.expiresAt}` : key.status,
        ].join('\t'),
      );
    }
  },
});
