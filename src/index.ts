/**
 * hangjia (行家) — the library API. Everything the CLI does is available here; the CLI is a thin
 * shell over these functions.
 *
 * The pipeline runs one way: sources → documents → chunking → index → retrieval, with the
 * knowledge base storing it all and evaluation drawing from the same stages.
 *
 * @example
 * import { createKnowledgeBase, createDefaultComponents, loadConfig } from 'hangjia';
 * const { config } = loadConfig();
 * const kb = createKnowledgeBase({ home: config.home, name: 'law', settings: { sources: ['/data/statutes'], include: [], exclude: [], maxFileBytes: config.ingest.maxFileBytes, chunking: config.chunking } }, createDefaultComponents(config));
 * await kb.sync();
 * const { hits } = await kb.search('试用期最长多久');
 */
export * from './errors/index.js';
export * from './config/index.js';
export * from './documents/index.js';
export * from './sources/index.js';
export * from './analysis/index.js';
export * from './chunking/index.js';
export * from './index/index.js';
export * from './models/index.js';
export * from './providers/index.js';
export * from './retrieval/index.js';
export * from './knowledge-base/index.js';
export * from './access/index.js';
export * from './eval/index.js';
export * from './prompt/index.js';
export * from './answer/index.js';
export * from './examples/index.js';
export * from './datasets/index.js';
export * from './presets/index.js';
// Both stages name a normalizeText; the documents one (display-preserving) is the public one.
export { normalizeText } from './documents/index.js';
export { runCli } from './cli/main.js';
// The server's request and response types are imported from 'src/server/api-types.ts' (their names, e.g. Citation, are the wire forms).
export { HangjiaService, startServer, createApp, createMcpServer, type RunningServer } from './server/index.js';
