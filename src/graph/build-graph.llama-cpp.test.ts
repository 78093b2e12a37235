import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config/index.js';
import { createKnowledgeBase } from '../knowledge-base/index.js';
import { createDefaultComponents } from '../presets/index.js';
import { createLlamaCppChatModel } from '../providers/index.js';
import { ensureTinyGguf } from '../../test/fixtures/make-tiny-gguf.js';
import { useTemporaryDirectories, writeFiles } from '../../test/support/temporary-directory.js';
import { buildGraph, GraphStore, parseGraphSchema, SCHEMA_PRESETS } from './index.js';
import { sqliteOnly } from '../../test/support/postgres.js';

const graphStore = sqliteOnly('the knowledge graph keeps its tables in SQLite; with store.url graph commands stop with E_STORE_UNSUPPORTED');

const temporaryDirectory = useTemporaryDirectories();

graphStore.describe('buildGraph with the in-process tiny GGUF', () => {
  it('extracts through the schema grammar; whatever random weights write is grounded or counted, never crashes the job', async () => {
    const root = temporaryDirectory();
    writeFiles(root, { 'law.md': '# 劳动合同法\n\n## 第十九条\n\n三年以上固定期限和无固定期限的劳动合同，试用期不得超过六个月。\n' });
    const kb = createKnowledgeBase(
      { home: temporaryDirectory(), name: 'tiny', settings: { sources: [root], include: [], exclude: [], maxFileBytes: DEFAULT_CONFIG.ingest.maxFileBytes, chunking: DEFAULT_CONFIG.chunking } },
      createDefaultComponents({ ...DEFAULT_CONFIG, embedding: { provider: 'none' } }),
    );
    const model = createLlamaCppChatModel({ modelPath: await ensureTinyGguf(), threads: 1, contextSize: 2048 });
    try {
      await kb.sync();
      const result = await buildGraph(kb, { model, schema: parseGraphSchema(SCHEMA_PRESETS.law), maxTokens: 120 });
      expect(result.status).toBe('completed');
      const modelRun = result.model!;
      expect(modelRun.failures).toEqual([]);
      // Each chunk either gave a reply in the schema's shape (its facts grounded or rejected) or ran
      // out of tokens inside the JSON (off-schema, counted, left for the next run).
      expect(modelRun.extracted + modelRun.invalidReplies).toBe(result.chunks);
      expect(modelRun.usage.outputTokens).toBeGreaterThan(0);
      // Whatever was kept quotes its chunk: grounding lets nothing else through.
      const stored = new GraphStore(kb.store).factsByTextHash();
      for (const chunk of kb.store.iterateChunks()) {
        for (const fact of (stored.get(chunk.textHash) ?? []).filter((candidate) => candidate.extractor === 'model')) {
          expect(chunk.chunk.text.slice(fact.evidence.start, fact.evidence.end).length).toBeGreaterThan(0);
        }
      }
      // The rules ran as well: the duration of article 19.
      expect(result.graph.attributes).toBeGreaterThanOrEqual(1);
    } finally {
      kb.close();
      await model.dispose();
    }
  });
});
