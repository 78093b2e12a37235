import path from 'node:path';
import Database from 'better-sqlite3';
import { runKnowledgeBaseStoreConformance } from '../../../test/conformance/knowledge-base-store.case.js';
import { useTemporaryDirectories } from '../../../test/support/temporary-directory.js';
import { SqliteKnowledgeBaseStore, STORE_SCHEMA_VERSION } from './sqlite-store.js';

const temporaryDirectory = useTemporaryDirectories();

runKnowledgeBaseStoreConformance('sqlite', () => {
  const directory = temporaryDirectory();
  const file = (name: string): string => path.join(directory, `${name}.sqlite`);
  return {
    open: (name) => SqliteKnowledgeBaseStore.open(file(name), { create: true }),
    locate: (name) => ({ kind: 'sqlite', file: file(name) }),
    seedOlderVersion: (name) => {
      const store = SqliteKnowledgeBaseStore.open(file(name), { create: true });
      store.replaceSourceFile({ path: '/old/a.txt', root: '/old', relativePath: 'a.txt', format: 'txt', size: 12, mtimeMs: 1, fileHash: 'old' }, [
        {
          document: { id: 'old-1', sourcePath: '/old/a.txt', format: 'txt', title: 'a', text: '旧的文本', contentHash: 'old', metadata: {} },
          chunks: [{ chunk: { id: 'old-1#0', documentId: 'old-1', index: 0, text: '旧的文本', headingPath: [], start: 0, end: 4, tokenCount: 4 }, textHash: 'old' }],
        },
      ]);
      store.close();
      // Schema 1 had no access groups: the columns and table that version 2 added go.
      const database = new Database(file(name));
      database.exec(`ALTER TABLE documents DROP COLUMN access_groups; ALTER TABLE source_files DROP COLUMN access_groups;
        DROP TABLE access_overrides; UPDATE meta SET value = '1' WHERE key = 'schemaVersion';`);
      database.close();
    },
    seedNewerVersion: (name) => {
      const store = SqliteKnowledgeBaseStore.open(file(name), { create: true });
      store.setMeta('schemaVersion', String(STORE_SCHEMA_VERSION + 1));
      store.close();
    },
    newerVersionCode: 'E_KB_VERSION',
    temporaryDirectory,
  };
});
