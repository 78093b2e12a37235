import { defineCommand } from 'citty';

export default defineCommand({
  meta: { name: 'train', description: 'Hand datasets to LLaMA-Factory: write a LoRA/QLoRA recipe, launch and follow it, serve the adapter' },
  subCommands: {
    plan: () => import('./train-plan.js').then((module) => module.default),
    launch: () => import('./train-launch.js').then((module) => module.default),
    'serve-config': () => import('./train-serve-config.js').then((module) => module.default),
  },
});
