import { defineCommand } from 'citty';

export default defineCommand({
  meta: { name: 'config', description: 'Inspect configuration' },
  subCommands: { show: () => import('./config-show.js').then((module) => module.default) },
});
