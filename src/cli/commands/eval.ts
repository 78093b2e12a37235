import { defineCommand } from 'citty';

export default defineCommand({
  meta: { name: 'eval', description: 'Evaluate retrieval (and, later, answers) on your own data' },
  subCommands: {
    retrieval: () => import('./eval-retrieval.js').then((module) => module.default),
    exam: () => import('./eval-exam.js').then((module) => module.default),
  },
});
