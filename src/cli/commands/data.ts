import { defineCommand } from 'citty';

export default defineCommand({
  meta: { name: 'data', description: 'Build fine-tuning data: clean, mix by token ratios, export for LLaMA-Factory, validate' },
  subCommands: {
    clean: () => import('./data-clean.js').then((module) => module.default),
    mix: () => import('./data-mix.js').then((module) => module.default),
    export: () => import('./data-export.js').then((module) => module.default),
    validate: () => import('./data-validate.js').then((module) => module.default),
    generate: () => import('./data-generate.js').then((module) => module.default),
    review: () => import('./data-review.js').then((module) => module.default),
  },
});
