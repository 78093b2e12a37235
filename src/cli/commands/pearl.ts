import { defineCommand } from 'citty';

export default defineCommand({
  meta: { name: 'pearl', description: 'PEARL planning over long documents: mine the actions plans may use' },
  subCommands: { mine: () => import('./pearl-mine.js').then((module) => module.default) },
});
