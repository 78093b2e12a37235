import { defineCommand } from 'citty';

export default defineCommand({
  meta: { name: 'examples', description: 'Pick few-shot examples from a pool of solved examples' },
  subCommands: { select: () => import('./examples-select.js').then((module) => module.default) },
});
