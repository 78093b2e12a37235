import fs from 'node:fs';
import path from 'node:path';
import { defineCommand } from 'citty';
import { normalizeAccessGroups } from '../../access/index.js';
import { HangjiaError } from '../../errors/index.js';
import { assertWritable, createKnowledgeBase, knowledgeBaseDirectory, type KnowledgeBaseSettings } from '../../knowledge-base/index.js';
import { createDefaultComponents } from '../../presets/index.js';
import { syncWithReport } from '../_report-sync.js';
import { COMMON_ARGS, listFlag, numberFlag, openSession } from '../_session.js';
import { resolveStoreUrl } from '../../knowledge-base/store/store-url.js';
import { whileHoldingWriteLock } from '../_write-lock.js';

export default defineCommand({
  meta: { name: 'create', description: 'Create a knowledge base from files and folders, and ingest them' },
  args: {
    name: { type: 'positional', description: 'Knowledge base name', required: true },
    paths: { type: 'positional', description: 'Files or folders to ingest (one or more)', required: true },
    include: { type: 'string', description: 'Comma-separated globs a file must match, relative to each path' },
    exclude: { type: 'string', description: 'Comma-separated globs to leave out' },
    'max-file-bytes': { type: 'string', description: 'Skip files larger than this (default 52428800)' },
    'id-field': { type: 'string', description: 'csv/jsonl: the field holding each row\'s id (default id; rows without one are keyed by line/row number)' },
    'title-field': { type: 'string', description: 'csv/jsonl: the field holding each row\'s title (default title)' },
    'text-fields': { type: 'string', description: 'csv/jsonl: comma-separated fields that make up the text (default: every field but the id and title)' },
    'user-dictionary': { type: 'string', description: 'A UTF-8 file of domain terms, one per line, that segmentation keeps whole' },
    groups: { type: 'string', description: 'Comma-separated access groups every file carries (besides .hangjia-access.yaml rules); only keys sharing one read them' },
    force: { type: 'boolean', description: 'Replace an existing knowledge base of the same name' },
    ...COMMON_ARGS,
  },
  async run({ args, data }) {
    const { session, terminal, loaded } = openSession(data, args, {
      'ingest.maxFileBytes': numberFlag('max-file-bytes', args['max-file-bytes'], { min: 1, max: Number.MAX_SAFE_INTEGER }),
    });
    const config = loaded.config;
    const paths = args._.slice(1).map((item) => path.resolve(session.cwd, item));
    const userDictionary = args['user-dictionary'] ? readUserDictionary(path.resolve(session.cwd, args['user-dictionary'])) : undefined;
    const accessGroups = normalizeAccessGroups(listFlag(args.groups), '--groups');
    const directory = knowledgeBaseDirectory(config.home, args.name);
    // Before the lock, whose files live beside the knowledge bases: a read-only home gets its one clear line.
    assertWritable(directory, 'create a knowledge base in');
    await whileHoldingWriteLock(directory, args.name, 'kb create', terminal, async () => {
      const knowledgeBase = createKnowledgeBase(
        {
          home: config.home,
          storeUrl: config.store.url,
          name: args.name,
          overwrite: Boolean(args.force),
          settings: {
            sources: paths,
            include: args.include ? listFlag(args.include) : config.ingest.include,
            exclude: args.exclude ? listFlag(args.exclude) : config.ingest.exclude,
            maxFileBytes: config.ingest.maxFileBytes,
            chunking: config.chunking,
            ...rowFieldsFromFlags(args),
            ...(userDictionary ? { userDictionary } : {}),
            ...(accessGroups.length > 0 ? { accessGroups } : {}),
          },
        },
        createDefaultComponents(config),
      );
      try {
        await syncWithReport(knowledgeBase, terminal, session);
      } finally {
        knowledgeBase.close();
      }
    }, resolveStoreUrl(loaded.config.home, loaded.config.store.url));
  },
});

/** The csv/jsonl field names given on the command line; the knowledge base keeps them for every sync. */
function rowFieldsFromFlags(args: { 'id-field'?: string; 'title-field'?: string; 'text-fields'?: string }): Pick<KnowledgeBaseSettings, 'rows'> {
  const field = (flag: 'id-field' | 'title-field'): string | undefined => {
    const value = args[flag]?.trim();
    if (value === '') throw new HangjiaError('E_USAGE', `--${flag} needs a field name.`, { details: { flag } });
    return value;
  };
  const idField = field('id-field');
  const titleField = field('title-field');
  const textFields = args['text-fields'] === undefined ? undefined : listFlag(args['text-fields']);
  if (textFields?.length === 0) throw new HangjiaError('E_USAGE', '--text-fields needs one or more field names, comma-separated.', { details: { flag: 'text-fields' } });
  if (idField === undefined && titleField === undefined && textFields === undefined) return {};
  return { rows: { ...(idField ? { idField } : {}), ...(titleField ? { titleField } : {}), ...(textFields ? { textFields } : {}) } };
}

/** One term per line; blank lines and lines starting with # are ignored. */
function readUserDictionary(file: string): string[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new HangjiaError('E_PATH_NOT_FOUND', `Cannot read the user dictionary ${file}: ${(error as Error).message}`, { details: { path: file }, cause: error });
  }
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}
