import { defineCommand } from 'citty';

export default defineCommand({
  meta: { name: 'model', description: 'Get a local chat model' },
  subCommands: {
    pull: () => import('./model-pull.js').then((module) => module.default),
  },
});
