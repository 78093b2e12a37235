import { defineCommand } from 'citty';

export default defineCommand({
  meta: { name: 'models', description: 'Check the configured chat and embedding models' },
  subCommands: { test: () => import('./models-test.js').then((module) => module.default) },
});
