import path from 'node:path';
import { defineCommand } from 'citty';
import {
  assertKnowledgeBaseName,
  createKnowledgeBase,
  describeKnowledgeBaseStore,
  importKnowledgeBase,
  knowledgeBaseExists,
  knowledgeBaseDirectory,
  openKnowledgeBase,
  readExportHeader,
  type KnowledgeBaseSettings,
} from '../../knowledge-base/index.js';
import { createDefaultComponents } from '../../presets/index.js';
import { COMMON_ARGS, numberFlag, openSession } from '../_session.js';
import { resolveStoreUrl } from '../../knowledge-base/store/store-url.js';
import { whileHoldingWriteLock } from '../_write-lock.js';
import { printTransferDigest } from './_transfer-digest.js';

export default defineCommand({
  meta: { name: 'import', description: 'Load a knowledge base from a kb export file into this store (resumes an interrupted import; verifies counts and hashes)' },
  args: {
    file: { type: 'positional', description: 'A file written by hangjia kb export', required: true },
    name: { type: 'string', description: 'The name to import under (default: the exported knowledge base\'s name)' },
    'batch-size': { type: 'string', description: 'Documents per transaction (default 200): what an interrupted import redoes at most' },
    ...COMMON_ARGS,
  },
  async run({ args, data }) {
    const { session, terminal, loaded } = openSession(data, args);
    const batchSize = numberFlag('batch-size', args['batch-size'], { min: 1, max: 100_000 });
    const file = path.resolve(session.cwd, args.file);
    const header = await readExportHeader(file);
    const name = args.name ?? header.name;
    assertKnowledgeBaseName(name);
    const home = loaded.config.home;
    // With the configured embedding model, so the index built at the end includes the imported vectors (nothing is embedded).
    const components = createDefaultComponents(loaded.config);
    await whileHoldingWriteLock(knowledgeBaseDirectory(home, name), name, 'kb import', terminal, async () => {
      // An existing knowledge base is either an interrupted import of this export (continued) or refused by the import.
      const exported = JSON.parse(header.meta['settings'] ?? 'null') as KnowledgeBaseSettings | null;
      const storeUrl = loaded.config.store.url;
      const knowledgeBase = knowledgeBaseExists({ home, storeUrl, name })
        ? openKnowledgeBase({ home, storeUrl, name }, components)
        : // The sources named in the export may not exist here; the import records the exported settings itself.
          createKnowledgeBase({ home, storeUrl, name, settings: { ...(exported ?? emptySettings(loaded.config)), sources: [] } }, components);
      try {
        terminal.info(`importing ${file} (export ${header.exportId} of "${header.name}", ${header.exportedAt}) into "${name}" (${describeKnowledgeBaseStore({ home, storeUrl })})`);
        const result = await importKnowledgeBase(knowledgeBase.store, {
          file,
          ...(batchSize === undefined ? {} : { batchSize }),
          onProgress: ({ documents, documentsSkipped }) => terminal.progress('import', documents + documentsSkipped, header.documents, 'documents'),
        });
        terminal.endProgress();
        // The derived indexes are built from what was imported, as after a sync.
        await knowledgeBase.reindex();
        if (terminal.json) return terminal.outJson({ name, ...result });
        terminal.out(
          `imported "${header.name}" as "${name}": ${result.documentsWritten} documents written${result.resumed ? `, ${result.documentsSkipped} kept from the interrupted import` : ''}, ${result.embeddingsWritten} embeddings; verified against the export:`,
        );
        printTransferDigest(terminal, result.digest);
      } finally {
        knowledgeBase.close();
      }
    }, resolveStoreUrl(home, loaded.config.store.url));
  },
});

function emptySettings(config: { ingest: { maxFileBytes: number }; chunking: KnowledgeBaseSettings['chunking'] }): KnowledgeBaseSettings {
  return { sources: [], include: [], exclude: [], maxFileBytes: config.ingest.maxFileBytes, chunking: config.chunking };
}
