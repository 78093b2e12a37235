import { HangjiaError } from '../../errors/index.js';
import type { Bm25Params } from './bm25-params.js';

/** What identifies how an index was built; checked before any posting is read. */
export interface IndexHeader {
  serializationVersion: number;
  analyzer: { name: string; version: number };
  params: Bm25Params;
}

/** The stored columns of a BM25 index (everything else is derived on load). */
export interface IndexColumns {
  documentIds: string[];
  terms: string[];
  termOffsets: Uint32Array;
  postingDocuments: Uint32Array;
  postingFrequencies: Uint16Array;
  fieldLengths: Uint32Array;
  /** Group number of each document, dense from 0; a record without a group has one alone. */
  documentGroups: Uint32Array;
  /** Word vectors learned from the records' text, and each record's text vector; absent for small indexes. */
  topics?: IndexTopics;
  /** Per group number, how many other groups name it by title (`TitleCitations`); absent when none is named. */
  groupCitations?: Uint32Array;
}

/** A topic model's parts (see `TopicModel`) and the records' text vectors (`dimensions` each; zeros for a text with no known word). */
export interface IndexTopics {
  vocabulary: string[];
  sequences: number;
  documentFrequencies: Uint32Array;
  wordVectors: Float32Array;
  textVectors: Float32Array;
}

/**
 * Byte layout:
 *
 *   0  "HJBM" magic            4  uint32 serialization version    8  uint32 JSON length n
 *   12 JSON (UTF-8): header, documentIds, terms
 *   then, each padded to 4 bytes: fieldLengths u32[3N], documentGroups u32[N],
 *   termOffsets u32[T+1], postingDocuments u32[P], postingFrequencies u16[3P], and with topics
 *   (JSON: vocabulary, sequences, dimensions D): documentFrequencies u32[V], wordVectors
 *   f32[V·D], textVectors f32[N·D], and with citations (JSON: groups G): groupCitations u32[G]
 *
 * The version sits in the fixed prefix so an incompatible file is rejected before its JSON is
 * parsed. Numbers are little-endian (the byte order of every platform Node supports), so typed
 * arrays are copied in and out as raw memory instead of value by value.
 */
const MAGIC = 'HJBM';
const PREFIX_BYTES = 12;

export function encodeIndex(header: IndexHeader, columns: IndexColumns): Uint8Array {
  const parts = encodeIndexParts(header, columns);
  const bytes = new Uint8Array(parts.reduce((length, part) => length + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.byteLength;
  }
  return bytes;
}

/**
 * The bytes of {@link encodeIndex} as consecutive pieces, the typed arrays as views of themselves:
 * written one after another, a large index reaches disk without a second copy of it in memory.
 */
export function encodeIndexParts(header: IndexHeader, columns: IndexColumns): Uint8Array[] {
  const { topics } = columns;
  const json = new TextEncoder().encode(
    JSON.stringify({
      ...header,
      documentIds: columns.documentIds,
      terms: columns.terms,
      topics: topics ? { vocabulary: topics.vocabulary, sequences: topics.sequences, dimensions: topics.wordVectors.length / topics.vocabulary.length } : null,
      citations: columns.groupCitations ? { groups: columns.groupCitations.length } : null,
    }),
  );
  const arrays = [
    columns.fieldLengths,
    columns.documentGroups,
    columns.termOffsets,
    columns.postingDocuments,
    columns.postingFrequencies,
    ...(topics ? [topics.documentFrequencies, topics.wordVectors, topics.textVectors] : []),
    ...(columns.groupCitations ? [columns.groupCitations] : []),
  ];
  const prefix = new Uint8Array(align(PREFIX_BYTES + json.length));
  const view = new DataView(prefix.buffer);
  prefix.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint32(4, header.serializationVersion, true);
  view.setUint32(8, json.length, true);
  prefix.set(json, PREFIX_BYTES);
  const parts: Uint8Array[] = [prefix];
  for (const array of arrays) {
    parts.push(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    const padding = align(array.byteLength) - array.byteLength;
    if (padding > 0) parts.push(new Uint8Array(padding));
  }
  return parts;
}

export function decodeIndex(bytes: Uint8Array, expectedVersion: number): { header: IndexHeader; columns: IndexColumns } {
  const corrupt = (reason: string): HangjiaError =>
    new HangjiaError('E_INDEX_CORRUPT', `These bytes are not a readable hangjia BM25 index: ${reason}. Rebuild the index.`, {
      details: { reason, byteLength: bytes.length },
    });
  if (bytes.length < PREFIX_BYTES || new TextDecoder().decode(bytes.subarray(0, 4)) !== MAGIC) {
    throw corrupt('missing the HJBM signature');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== expectedVersion) {
    throw new HangjiaError(
      'E_INDEX_VERSION',
      `The index uses serialization version ${version}, but this hangjia reads version ${expectedVersion}. Rebuild the index (hangjia kb rebuild) with this version.`,
      { details: { expected: expectedVersion, found: version } },
    );
  }
  const jsonLength = view.getUint32(8, true);
  if (PREFIX_BYTES + jsonLength > bytes.length) throw corrupt('the header is truncated');
  const parsed = JSON.parse(new TextDecoder().decode(bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + jsonLength))) as IndexHeader & {
    documentIds: string[];
    terms: string[];
    topics: { vocabulary: string[]; sequences: number; dimensions: number } | null;
    citations: { groups: number } | null;
  };
  let offset = align(PREFIX_BYTES + jsonLength);
  const take = (byteLength: number): ArrayBuffer => {
    if (offset + byteLength > bytes.length) throw corrupt('the postings are truncated');
    // Copy into a fresh, aligned buffer the typed arrays can own. Not `bytes.slice`: on a Node
    // Buffer (what readFileSync returns) slice is a view into a shared pool, not a copy.
    const buffer = Uint8Array.prototype.slice.call(bytes, offset, offset + byteLength).buffer;
    offset += align(byteLength);
    return buffer;
  };
  const documents = parsed.documentIds.length;
  const fieldLengths = new Uint32Array(take(documents * 3 * 4));
  const documentGroups = new Uint32Array(take(documents * 4));
  const termOffsets = new Uint32Array(take((parsed.terms.length + 1) * 4));
  const postings = termOffsets[parsed.terms.length] ?? 0;
  const postingDocuments = new Uint32Array(take(postings * 4));
  const postingFrequencies = new Uint16Array(take(postings * 3 * 2));
  let topics: IndexTopics | undefined;
  if (parsed.topics) {
    const { vocabulary, sequences, dimensions } = parsed.topics;
    topics = {
      vocabulary,
      sequences,
      documentFrequencies: new Uint32Array(take(vocabulary.length * 4)),
      wordVectors: new Float32Array(take(vocabulary.length * dimensions * 4)),
      textVectors: new Float32Array(take(documents * dimensions * 4)),
    };
  }
  const groupCitations = parsed.citations ? new Uint32Array(take(parsed.citations.groups * 4)) : undefined;
  return {
    header: { serializationVersion: version, analyzer: parsed.analyzer, params: parsed.params },
    columns: {
      documentIds: parsed.documentIds,
      terms: parsed.terms,
      termOffsets,
      postingDocuments,
      postingFrequencies,
      fieldLengths,
      documentGroups,
      ...(topics ? { topics } : {}),
      ...(groupCitations ? { groupCitations } : {}),
    },
  };
}

function align(byteLength: number): number {
  return (byteLength + 3) & ~3;
}
