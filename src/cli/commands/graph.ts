import { defineCommand } from 'citty';

/**
 * `hangjia graph …`: the knowledge graph of a knowledge base. Reading actions also take the
 * knowledge base first (`hangjia graph demo show 《…》`), see `graphArgumentsInOrder`.
 */
export default defineCommand({
  meta: { name: 'graph', description: 'Knowledge graph of a knowledge base: schema, build (rules always, a model when configured), export, and stats | show | neighbors | query' },
  subCommands: {
    schema: () => import('./graph-schema.js').then((module) => module.default),
    build: () => import('./graph-build.js').then((module) => module.default),
    export: () => import('./graph-export.js').then((module) => module.default),
    stats: () => import('./graph-stats.js').then((module) => module.default),
    show: () => import('./graph-show.js').then((module) => module.default),
    neighbors: () => import('./graph-neighbors.js').then((module) => module.default),
    query: () => import('./graph-query.js').then((module) => module.default),
  },
});
