import { defineCommand } from 'citty';

export default defineCommand({
  meta: { name: 'kb', description: 'Create, update and inspect knowledge bases' },
  subCommands: {
    create: () => import('./kb-create.js').then((module) => module.default),
    sync: () => import('./kb-sync.js').then((module) => module.default),
    list: () => import('./kb-list.js').then((module) => module.default),
    stats: () => import('./kb-stats.js').then((module) => module.default),
    reindex: () => import('./kb-reindex.js').then((module) => module.default),
    remove: () => import('./kb-remove.js').then((module) => module.default),
    export: () => import('./kb-export.js').then((module) => module.default),
    import: () => import('./kb-import.js').then((module) => module.default),
  },
});
