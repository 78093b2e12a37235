import { defineCommand } from 'citty';

export default defineCommand({
  meta: { name: 'keys', description: 'Create, list and revoke API keys for hangjia serve' },
  subCommands: {
    create: () => import('./keys-create.js').then((module) => module.default),
    list: () => import('./keys-list.js').then((module) => module.default),
    revoke: () => import('./keys-revoke.js').then((module) => module.default),
  },
});
