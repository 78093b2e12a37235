import { HangjiaError } from '../../errors/index.js';
import { compareStrings, TopK } from '../top-k.js';

/**
 * Bumped whenever the byte layout written by {@link FlatVectorIndex.serialize} changes; an index
 * written by another version is refused with `E_INDEX_VERSION` rather than misread.
 */
export const FLAT_VECTOR_SERIALIZATION_VERSION = 1;

export interface FlatVectorIndexOptions {
  /** Vector length; every added and queried vector must have it. */
  dimensions: number;
  /** The embedding model that made the vectors (`provider:modelId`); recorded so a query is never embedded by another model. */
  embeddingModelId: string;
}

export interface VectorSearchOptions {
  /** How many matches to return, best first. */
  k: number;
  /** Keeps only ids for which this returns true (applied before the top k are chosen). */
  filter?: (id: string) => boolean;
}

export interface VectorMatch {
  id: string;
  /** Cosine similarity in [-1, 1]; 0 for a zero vector. */
  score: number;
}

/** Magic bytes "HJVF" (hangjia vector, flat), then version, header length, JSON header, padding, float32 rows. */
const MAGIC = 0x46564a48;
const PREFIX_BYTES = 12;

/**
 * Exact nearest-neighbour search by cosine similarity over one contiguous, growable `Float32Array`.
 *
 * Vectors are L2-normalised on insert, so a search is one dot product per stored vector plus a
 * bounded heap for the top k: O(n·d + n log k). Exact and simple beats approximate (HNSW, IVF) up
 * to roughly a few hundred thousand chunks on one machine: 100k × 1024 dims is 400 MB and one
 * query reads it once. Removal moves the last row into the freed slot, so storage stays dense.
 *
 * @example
 * const index = new FlatVectorIndex({ dimensions: 1024, embeddingModelId: 'openai-compatible:bge-m3' });
 * index.add('chunk-1', embedding);
 * const matches = index.search(queryEmbedding, { k: 10 });
 */
export class FlatVectorIndex {
  static readonly serializationVersion = FLAT_VECTOR_SERIALIZATION_VERSION;
  readonly dimensions: number;
  readonly embeddingModelId: string;
  private vectors: Float32Array;
  /** Row → id, and id → row. */
  private readonly ids: string[] = [];
  private readonly rows = new Map<string, number>();

  constructor(options: FlatVectorIndexOptions) {
    if (!Number.isInteger(options.dimensions) || options.dimensions < 1) {
      throw new HangjiaError('E_USAGE', `A vector index needs a positive integer dimension count, got ${options.dimensions}.`, {
        details: { setting: 'dimensions', value: options.dimensions },
      });
    }
    this.dimensions = options.dimensions;
    this.embeddingModelId = options.embeddingModelId;
    this.vectors = new Float32Array(this.dimensions * 16);
  }

  /** Number of stored vectors. */
  get size(): number {
    return this.ids.length;
  }

  has(id: string): boolean {
    return this.rows.has(id);
  }

  /** Stores `vector` (normalised) under `id`, replacing any vector already stored under it. */
  add(id: string, vector: ArrayLike<number>): void {
    this.checkLength(vector, id);
    let row = this.rows.get(id);
    if (row === undefined) {
      row = this.ids.length;
      this.ensureCapacity(row + 1);
      this.ids.push(id);
      this.rows.set(id, row);
    }
    writeNormalised(vector, this.vectors, row * this.dimensions);
  }

  /** Removes `id`; returns whether it was present. */
  remove(id: string): boolean {
    const row = this.rows.get(id);
    if (row === undefined) return false;
    const lastRow = this.ids.length - 1;
    const lastId = this.ids[lastRow] ?? id;
    if (row !== lastRow) {
      this.vectors.copyWithin(row * this.dimensions, lastRow * this.dimensions, (lastRow + 1) * this.dimensions);
      this.ids[row] = lastId;
      this.rows.set(lastId, row);
    }
    this.ids.pop();
    this.rows.delete(id);
    return true;
  }

  /** The k stored vectors most similar to `query`, best first; equal scores in id order. */
  search(query: ArrayLike<number>, options: VectorSearchOptions): VectorMatch[] {
    this.checkLength(query, undefined);
    const { dimensions, vectors, ids } = this;
    const normalised = new Float32Array(dimensions);
    writeNormalised(query, normalised, 0);
    const topK = new TopK(Math.max(0, Math.floor(options.k)), (left, right) => compareStrings(ids[left] ?? '', ids[right] ?? ''));
    for (let row = 0; row < ids.length; row++) {
      if (options.filter !== undefined && !options.filter(ids[row] ?? '')) continue;
      let dot = 0;
      const offset = row * dimensions;
      for (let index = 0; index < dimensions; index++) dot += (normalised[index] ?? 0) * (vectors[offset + index] ?? 0);
      topK.offer(row, dot);
    }
    return topK.sorted().map(({ slot, score }) => ({ id: ids[slot] ?? '', score }));
  }

  /**
   * The index as bytes: magic, version, a JSON header (serialization version, dimensions, embedding
   * model id, ids) and the float32 rows in little-endian order (the order of every platform Node runs on).
   */
  serialize(): Uint8Array {
    const header = new TextEncoder().encode(
      JSON.stringify({ serializationVersion: FLAT_VECTOR_SERIALIZATION_VERSION, dimensions: this.dimensions, embeddingModelId: this.embeddingModelId, ids: this.ids }),
    );
    const dataOffset = alignTo4(PREFIX_BYTES + header.length);
    const rowBytes = this.ids.length * this.dimensions * 4;
    const bytes = new Uint8Array(dataOffset + rowBytes);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, MAGIC, true);
    view.setUint32(4, FLAT_VECTOR_SERIALIZATION_VERSION, true);
    view.setUint32(8, header.length, true);
    bytes.set(header, PREFIX_BYTES);
    bytes.set(new Uint8Array(this.vectors.buffer, 0, rowBytes), dataOffset);
    return bytes;
  }

  /**
   * Reads an index written by {@link serialize}. A different serialization version, or an
   * `expected` dimension count or embedding model that differs from the recorded one, throws
   * `E_INDEX_VERSION` (the vectors would be meaningless for the caller's queries); bytes that are
   * not a vector index throw `E_INDEX_CORRUPT`.
   */
  static deserialize(bytes: Uint8Array, expected: Partial<FlatVectorIndexOptions> = {}): FlatVectorIndex {
    const corrupt = (problem: string): HangjiaError =>
      new HangjiaError('E_INDEX_CORRUPT', `The vector index data is unreadable: ${problem}. Rebuild the index (hangjia kb rebuild).`, {
        details: { problem, byteLength: bytes.length },
      });
    if (bytes.length < PREFIX_BYTES) throw corrupt('it is shorter than the header');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (view.getUint32(0, true) !== MAGIC) throw corrupt('it does not start with the vector index magic bytes');
    const version = view.getUint32(4, true);
    if (version !== FLAT_VECTOR_SERIALIZATION_VERSION) {
      throw new HangjiaError(
        'E_INDEX_VERSION',
        `The vector index uses serialization version ${version}, but this hangjia reads version ${FLAT_VECTOR_SERIALIZATION_VERSION}. Rebuild the index (hangjia kb rebuild) with this version.`,
        { details: { expected: FLAT_VECTOR_SERIALIZATION_VERSION, found: version } },
      );
    }
    const headerLength = view.getUint32(8, true);
    if (PREFIX_BYTES + headerLength > bytes.length) throw corrupt('the header is truncated');
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + headerLength))) as FlatVectorIndexOptions & {
      ids: string[];
    };
    for (const setting of ['dimensions', 'embeddingModelId'] as const) {
      const wanted = expected[setting];
      if (wanted !== undefined && wanted !== header[setting]) {
        throw new HangjiaError(
          'E_INDEX_VERSION',
          `The vector index was built with ${setting} ${JSON.stringify(header[setting])}, but ${JSON.stringify(wanted)} was expected. ` +
            'Vectors from different embedding models are not comparable: rebuild the index (hangjia kb rebuild) or configure the original model.',
          { details: { setting, expected: wanted, found: header[setting] } },
        );
      }
    }
    const dataOffset = alignTo4(PREFIX_BYTES + headerLength);
    const valueCount = header.ids.length * header.dimensions;
    if (dataOffset + valueCount * 4 !== bytes.length) throw corrupt(`expected ${valueCount} float32 values after the header`);
    const index = new FlatVectorIndex(header);
    index.ensureCapacity(header.ids.length);
    // Copy through bytes: the source may sit at an offset that is not a multiple of 4.
    new Uint8Array(index.vectors.buffer).set(bytes.subarray(dataOffset, dataOffset + valueCount * 4));
    for (const [row, id] of header.ids.entries()) {
      index.ids.push(id);
      index.rows.set(id, row);
    }
    return index;
  }

  private ensureCapacity(rows: number): void {
    if (rows * this.dimensions <= this.vectors.length) return;
    const grown = new Float32Array(Math.max(rows, (this.vectors.length / this.dimensions) * 2) * this.dimensions);
    grown.set(this.vectors);
    this.vectors = grown;
  }

  private checkLength(vector: ArrayLike<number>, id: string | undefined): void {
    if (vector.length === this.dimensions) return;
    throw new HangjiaError(
      'E_EMBEDDING_DIMENSIONS',
      `${id === undefined ? 'The query vector' : `The vector for "${id}"`} has ${vector.length} dimensions, but this index (${this.embeddingModelId}) holds ${this.dimensions}. ` +
        'Embed with the model the index was built with, or rebuild the index.',
      { details: { id, expected: this.dimensions, got: vector.length, embeddingModelId: this.embeddingModelId } },
    );
  }
}

const alignTo4 = (value: number): number => Math.ceil(value / 4) * 4;

/** Copies `vector` scaled to length 1 into `target` at `offset`; a zero vector stays zero (scores 0 against everything). */
function writeNormalised(vector: ArrayLike<number>, target: Float32Array, offset: number): void {
  let squares = 0;
  for (let index = 0; index < vector.length; index++) squares += (vector[index] ?? 0) ** 2;
  const scale = squares === 0 ? 0 : 1 / Math.sqrt(squares);
  for (let index = 0; index < vector.length; index++) target[offset + index] = (vector[index] ?? 0) * scale;
}
