import type { AccessFilter } from '../../access/index.js';
import { HangjiaError } from '../../errors/index.js';
import { normalizeLawTitle } from './article-number.js';
import { splitStatuteArticleTitle } from '../../chunking/index.js';
import type { ReasoningKnowledgeBase } from './reasoning-knowledge-base.js';

/** The documents a name refers to. */
export interface DocumentMatch {
  /** Documents whose normalised title (or statute part of an article title) is the name, or ends with it. */
  documentIds: string[];
  /** The titles, for messages. */
  titles: string[];
}

/**
 * Finds the documents `name` names, comparing normalised titles (see `normalizeLawTitle`): an exact
 * match wins over a suffix match (`民法典` → `中华人民共和国民法典`). A corpus stored one article per
 * document (`消费者权益保护法第四十七条`) is matched by the statute part of each title, so a law
 * is all of its articles. Throws `E_DOCUMENT_NOT_FOUND` naming the closest titles when nothing matches.
 */
export function findDocuments(kb: ReasoningKnowledgeBase, name: string, access?: AccessFilter): DocumentMatch {
  const wanted = normalizeLawTitle(name);
  if (wanted === '') throw new HangjiaError('E_DOCUMENT_NOT_FOUND', 'The document name is empty.', { details: { document: name } });
  // Only documents the caller may read: a title it may not read is "not found", not a leak.
  const documents = kb.store.documents(access === undefined ? {} : { access }).map((document) => {
    const title = normalizeLawTitle(document.title);
    const statute = splitStatuteArticleTitle(document.title);
    const fileName = normalizeLawTitle(document.path.split(/[\\/]/u).pop() ?? '');
    return { ...document, keys: [title, statute ? normalizeLawTitle(statute.statute) : undefined, fileName].filter((key): key is string => key !== undefined && key !== '') };
  });
  const exact = documents.filter((document) => document.keys.includes(wanted));
  const suffix = exact.length > 0 ? exact : documents.filter((document) => document.keys.some((key) => key.endsWith(wanted) || wanted.endsWith(key)));
  if (suffix.length === 0) {
    const close = documents
      .filter((document) => [...wanted].some((character) => document.keys[0]?.includes(character)))
      .slice(0, 5)
      .map((document) => document.title);
    throw new HangjiaError('E_DOCUMENT_NOT_FOUND', `No document of the knowledge base is titled "${name}".${close.length > 0 ? ` Titles that share characters: ${close.join('、')}.` : ''}`, {
      details: { document: name },
    });
  }
  return { documentIds: suffix.map((document) => document.id), titles: [...new Set(suffix.map((document) => document.title))] };
}
