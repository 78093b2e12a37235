/**
 * A sync in its own process, for the resume-after-kill case of the store conformance suite
 * (`test/conformance/knowledge-base-store.case.ts`), which kills it mid-way. Prints progress as
 * `<phase> <done>/<total>` lines.
 *
 * Usage: node --import tsx test/support/sync-store-child.ts '{"location":{…},"root":"/folder"}'
 */
import { openKnowledgeBaseStore, type StoreLocation } from '../../src/knowledge-base/store/open-store.js';
import { syncSourceFiles } from '../../src/knowledge-base/sync-knowledge-base.js';
import { storeSyncOptions } from './store-sync-options.js';

const { location, root } = JSON.parse(process.argv[2]!) as { location: StoreLocation; root: string };
const store = openKnowledgeBaseStore(location, { create: true });
await syncSourceFiles(store, { ...storeSyncOptions(root), onProgress: (progress) => process.stdout.write(`${progress.phase} ${progress.done}/${progress.total}\n`) });
store.close();
