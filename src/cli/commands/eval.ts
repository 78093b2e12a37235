import { defineCommand } from 'citty';

export default defineCommand({
  meta: { name: 'eval', description: 'Evaluate on your own data: retrieval, exams, RAG answers, pairwise comparisons, and approaches side by side' },
  subCommands: {
    retrieval: () => import('./eval-retrieval.js').then((module) => module.default),
    exam: () => import('./eval-exam.js').then((module) => module.default),
    rag: () => import('./eval-rag.js').then((module) => module.default),
    pairwise: () => import('./eval-pairwise.js').then((module) => module.default),
    compare: () => import('./eval-compare.js').then((module) => module.default),
    show: () => import('./eval-show.js').then((module) => module.default),
    diff: () => import('./eval-diff.js').then((module) => module.default),
    make: () => import('./eval-make.js').then((module) => module.default),
    extraction: () => import('./eval-extraction.js').then((module) => module.default),
  },
});
