import path from 'node:path';
import { defineCommand } from 'citty';
import { exportKnowledgeBase, openKnowledgeBase } from '../../knowledge-base/index.js';
import { createDefaultComponents } from '../../presets/index.js';
import { formatBytes } from '../_format.js';
import { COMMON_ARGS, openSession } from '../_session.js';
import { printTransferDigest } from './_transfer-digest.js';

export default defineCommand({
  meta: { name: 'export', description: 'Write a knowledge base to one file (JSON Lines, streamed), with counts and content hashes to verify its import' },
  args: {
    name: { type: 'positional', description: 'Knowledge base name', required: true },
    file: { type: 'positional', description: 'The file to write (e.g. law.hangjia.jsonl)', required: true },
    ...COMMON_ARGS,
  },
  run({ args, data }) {
    const { session, terminal, loaded } = openSession(data, args);
    const file = path.resolve(session.cwd, args.file);
    const knowledgeBase = openKnowledgeBase({ home: loaded.config.home, storeUrl: loaded.config.store.url, name: args.name, readOnly: true }, createDefaultComponents({ ...loaded.config, embedding: { provider: 'none' } }));
    const total = knowledgeBase.store.counts().documents;
    // One snapshot for the whole export: a sync running meanwhile is neither half in nor half out.
    knowledgeBase.store.pinSnapshot();
    try {
      const result = exportKnowledgeBase(knowledgeBase.store, {
        name: args.name,
        file,
        onProgress: ({ documents, embeddings, bytes }) => terminal.progress('export', documents, total, `${embeddings} embeddings, ${formatBytes(bytes)}`),
      });
      terminal.endProgress();
      if (terminal.json) return terminal.outJson(result);
      terminal.out(`exported ${args.name} to ${result.file} (${result.records} records, ${formatBytes(result.bytes)}; export ${result.exportId})`);
      printTransferDigest(terminal, result.digest);
    } finally {
      knowledgeBase.store.releaseSnapshot();
      knowledgeBase.close();
    }
  },
});
