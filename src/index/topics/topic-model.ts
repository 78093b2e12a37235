import { HangjiaError } from '../../errors/index.js';
import { GrowableUint32Array } from '../_growable-array.js';

/** How a {@link TopicModel} is trained; defaults in {@link DEFAULT_TOPIC_MODEL_OPTIONS}. */
export interface TopicModelOptions {
  /** Length of the word and text vectors. */
  dimensions: number;
  /** Words at most this many places apart count as co-occurring. */
  window: number;
  /** Words seen fewer times than this get no vector (their statistics are noise). */
  minCount: number;
  /** The most frequent words kept, at most 65,535 (pairs of word numbers must fit 32 bits). */
  maxVocabulary: number;
  /**
   * Fewer words of `minCount` or more than this, and no model is learned: the collection is too
   * small for co-occurrence statistics to say more than its words do.
   */
  minVocabulary: number;
  /** Word occurrences read for co-occurrence counts; a larger collection is read every n-th text. */
  maxTrainingTokens: number;
}

/**
 * Measured on stard-legal (docs/design.md, "Fifth round"): 64 and 128 dimensions, windows of 2
 * to 30 and minimum counts of 2 to 10 all land within 0.003 nDCG@10 of each other. 10,000 words:
 * stard-legal's 58k articles have 15,000 words seen 5 times or more and gain 0.013 nDCG@10;
 * cmrc2018 (1,104 passages, 7,900 such words) and pubmedqa (1,000 abstracts, 4,400) lose 0.001
 * and 0.003, so they get no model.
 */
export const DEFAULT_TOPIC_MODEL_OPTIONS: Readonly<TopicModelOptions> = Object.freeze({
  dimensions: 64,
  window: 4,
  minCount: 5,
  maxVocabulary: 65_535,
  minVocabulary: 10_000,
  maxTrainingTokens: 20_000_000,
});

/**
 * Word vectors learned from a collection's own text, with no model to download: the positive
 * pointwise mutual information of words within a small window, factorised by a truncated SVD
 * (Levy & Goldberg 2014 show this matches word2vec's skip-gram on similarity tasks). Words used
 * in the same contexts get close vectors — 工资 lies near 劳动报酬, 离婚 near 夫妻 and 共同财产 —
 * so a text's idf-weighted mean vector says what it is about even where it shares few words
 * with a question. The lexical engine adds that similarity to its first-pass scores
 * (`Bm25SearchOptions.topics`).
 *
 * Training is deterministic (a fixed-seed random start), so an index rebuilt from the same store
 * ranks the same. It costs a few seconds for 58k statute articles (docs/design.md).
 */
export class TopicModel {
  readonly dimensions: number;
  /** Word → row of `vectors`. */
  private readonly wordIds: Map<string, number>;

  private constructor(
    readonly vocabulary: readonly string[],
    /** Unit-length word vectors, row-major, `vocabulary.length × dimensions`. */
    readonly vectors: Float32Array,
    /** Per word, the number of sequences it occurs in; with `sequences` gives its idf. */
    readonly documentFrequencies: Uint32Array,
    readonly sequences: number,
  ) {
    this.dimensions = vocabulary.length === 0 ? 0 : vectors.length / vocabulary.length;
    this.wordIds = new Map(vocabulary.map((word, index) => [word, index]));
  }

  /**
   * Trains on word sequences (one per text, in order). Returns undefined when the collection has
   * fewer frequent words than `minVocabulary` (or than it takes to span `dimensions`
   * directions): a small collection gives no usable statistics, and its search needs none.
   */
  static train(input: WordSequences | ReadonlyArray<readonly string[]>, options: Partial<TopicModelOptions> = {}): TopicModel | undefined {
    const settings = resolveOptions(options);
    const sequences = input instanceof WordSequences ? input : WordSequences.from(input);
    const { vocabulary, modelNumbers, documentFrequencies } = buildVocabulary(sequences, settings);
    const rank = settings.dimensions + OVERSAMPLING;
    if (vocabulary.length < Math.max(settings.minVocabulary, 2 * rank)) return undefined;
    const matrix = ppmiMatrix(cooccurrences(sequences, modelNumbers, vocabulary.length, settings), vocabulary.length);
    const vectors = truncatedEigenvectors(matrix, settings.dimensions, rank);
    return new TopicModel(vocabulary, vectors, documentFrequencies, sequences.count);
  }

  /**
   * The vector of every sequence (`dimensions` floats each, in order; zeros where no word is
   * known), as {@link embed} gives them, without turning numbers back into words.
   */
  embedAll(sequences: WordSequences): Float32Array {
    const toModel = Int32Array.from(sequences.words, (word) => this.wordIds.get(word) ?? -1);
    const out = new Float32Array(sequences.count * this.dimensions);
    const sum = new Float64Array(this.dimensions);
    for (let index = 0; index < sequences.count; index++) {
      sum.fill(0);
      let known = 0;
      for (const number of sequences.sequence(index)) {
        const id = toModel[number]!;
        if (id < 0) continue;
        known++;
        this.addWord(sum, id);
      }
      if (known > 0) out.set(unitLength(sum), index * this.dimensions);
    }
    return out;
  }

  /** Rebuilds a model from the parts a serialized index stores. */
  static fromParts(parts: { vocabulary: readonly string[]; vectors: Float32Array; documentFrequencies: Uint32Array; sequences: number }): TopicModel {
    const { vocabulary, vectors, documentFrequencies, sequences } = parts;
    if (vocabulary.length === 0 || vectors.length % vocabulary.length !== 0 || documentFrequencies.length !== vocabulary.length) {
      throw new HangjiaError('E_INDEX_CORRUPT', `Topic model parts do not fit together (${vocabulary.length} words, ${vectors.length} vector values, ${documentFrequencies.length} frequencies).`);
    }
    return new TopicModel(vocabulary, vectors, documentFrequencies, sequences);
  }

  /** The vector of `word`, or undefined for a word the model has none for. */
  wordVector(word: string): Float32Array | undefined {
    const id = this.wordIds.get(word);
    return id === undefined ? undefined : this.vectors.subarray(id * this.dimensions, (id + 1) * this.dimensions);
  }

  /**
   * A text's vector: the idf-weighted sum of its known words' vectors, scaled to unit length
   * (so a dot product of two is their cosine). A repeated word counts each time. Undefined when
   * no word is known.
   */
  embed(words: readonly string[]): Float32Array | undefined {
    const sum = new Float64Array(this.dimensions);
    let known = 0;
    for (const word of words) {
      const id = this.wordIds.get(word);
      if (id === undefined) continue;
      known++;
      this.addWord(sum, id);
    }
    if (known === 0) return undefined;
    return unitLength(sum);
  }

  /** sum += idf(word) · vector(word). */
  private addWord(sum: Float64Array, id: number): void {
    const weight = Math.log(this.sequences / this.documentFrequencies[id]!);
    const offset = id * this.dimensions;
    for (let k = 0; k < this.dimensions; k++) sum[k]! += weight * this.vectors[offset + k]!;
  }
}

/**
 * Word sequences as numbers: each distinct word is stored once and each occurrence as its number,
 * so collecting the words of a million chunks costs 4 bytes an occurrence, not a string each.
 */
export class WordSequences {
  readonly words: string[] = [];
  private readonly numbers = new Map<string, number>();
  private readonly tokens = new GrowableUint32Array(1 << 16);
  private readonly offsets = new GrowableUint32Array(1 << 10);

  constructor() {
    this.offsets.push(0);
  }

  static from(sequences: ReadonlyArray<readonly string[]>): WordSequences {
    const collected = new WordSequences();
    for (const sequence of sequences) collected.add(sequence);
    return collected;
  }

  /** Appends one text's words, in order. */
  add(sequence: readonly string[]): void {
    for (const word of sequence) {
      let number = this.numbers.get(word);
      if (number === undefined) {
        number = this.words.length;
        this.numbers.set(word, number);
        this.words.push(word);
      }
      this.tokens.push(number);
    }
    this.offsets.push(this.tokens.length);
  }

  /**
   * Appends texts whose words were numbered elsewhere (`vocabulary[token]`, text i spanning
   * `tokens[offsets[i]] … tokens[offsets[i+1]]`): the result is as if each text were `add`ed.
   */
  addNumbered(vocabulary: readonly string[], tokens: Uint32Array, offsets: Uint32Array): void {
    const numbers = Uint32Array.from(vocabulary, (word) => {
      let number = this.numbers.get(word);
      if (number === undefined) {
        number = this.words.length;
        this.numbers.set(word, number);
        this.words.push(word);
      }
      return number;
    });
    for (let text = 0; text + 1 < offsets.length; text++) {
      for (let at = offsets[text]!; at < offsets[text + 1]!; at++) this.tokens.push(numbers[tokens[at]!]!);
      this.offsets.push(this.tokens.length);
    }
  }

  get count(): number {
    return this.offsets.length - 1;
  }

  get tokenCount(): number {
    return this.tokens.length;
  }

  /** The word numbers of sequence `index`; a view, valid until the next `add`. */
  sequence(index: number): Uint32Array {
    return this.tokens.view().subarray(this.offsets.get(index), this.offsets.get(index + 1));
  }
}

/** Extra directions sampled beyond `dimensions`, so the leading ones come out accurate (Halko et al. 2011). */
const OVERSAMPLING = 16;
/** Passes of the matrix over the sampled directions; more sharpen the leading eigenvectors. */
const POWER_ITERATIONS = 2;

function resolveOptions(options: Partial<TopicModelOptions>): TopicModelOptions {
  const settings = { ...DEFAULT_TOPIC_MODEL_OPTIONS, ...options };
  const check = (name: keyof TopicModelOptions, min: number, max: number): void => {
    const value = settings[name];
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new HangjiaError('E_CONFIG', `Topic model option ${name} must be an integer from ${min} to ${max}; got ${value}.`, { details: { option: name, value } });
    }
  };
  check('dimensions', 2, 1024);
  check('window', 1, 100);
  check('minCount', 1, 1_000_000);
  check('maxVocabulary', 2, 65_535);
  check('minVocabulary', 0, 65_535);
  check('maxTrainingTokens', 1, Number.MAX_SAFE_INTEGER);
  return settings;
}

/**
 * The model's words (seen `minCount` times or more, the `maxVocabulary` most frequent), numbered
 * most frequent first with ties by code point, so the numbering does not depend on input order;
 * `modelNumbers` maps a sequence's word number to the model's, or -1.
 */
function buildVocabulary(sequences: WordSequences, settings: TopicModelOptions) {
  const counts = new Uint32Array(sequences.words.length);
  const documentCounts = new Uint32Array(sequences.words.length);
  const lastSeen = new Int32Array(sequences.words.length).fill(-1);
  for (let index = 0; index < sequences.count; index++) {
    for (const number of sequences.sequence(index)) {
      counts[number]!++;
      if (lastSeen[number] !== index) {
        lastSeen[number] = index;
        documentCounts[number]!++;
      }
    }
  }
  const kept = [...counts.keys()]
    .filter((number) => counts[number]! >= settings.minCount)
    .sort((a, b) => counts[b]! - counts[a]! || compareCodePoints(sequences.words[a]!, sequences.words[b]!))
    .slice(0, settings.maxVocabulary);
  const modelNumbers = new Int32Array(sequences.words.length).fill(-1);
  kept.forEach((number, id) => (modelNumbers[number] = id));
  return {
    vocabulary: kept.map((number) => sequences.words[number]!),
    modelNumbers,
    documentFrequencies: Uint32Array.from(kept, (number) => documentCounts[number]!),
  };
}

function compareCodePoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorted distinct (smaller · V + larger word number) pair codes with their counts. */
interface PairCounts {
  codes: Uint32Array;
  counts: Float64Array;
}

/**
 * Counts co-occurring pairs. Codes are collected in batches, each sorted, run-length counted and
 * merged into the running total, so memory follows the number of distinct pairs, not of tokens.
 * Past `maxTrainingTokens`, every n-th sequence is read (co-occurrence statistics settle long
 * before a million chunks, and the merges would grow with each batch).
 */
function cooccurrences(sequences: WordSequences, modelNumbers: Int32Array, size: number, settings: TopicModelOptions): PairCounts {
  let total: PairCounts = { codes: new Uint32Array(0), counts: new Float64Array(0) };
  const batch = new Uint32Array(1 << 24);
  let filled = 0;
  const flush = (): void => {
    total = mergePairs(total, countRuns(batch.subarray(0, filled).sort()));
    filled = 0;
  };
  const stride = Math.max(1, Math.ceil(sequences.tokenCount / settings.maxTrainingTokens));
  for (let index = 0; index < sequences.count; index += stride) {
    const numbers = sequences.sequence(index);
    for (let a = 0; a < numbers.length; a++) {
      const left = modelNumbers[numbers[a]!]!;
      if (left < 0) continue;
      for (let b = a + 1; b <= a + settings.window && b < numbers.length; b++) {
        const right = modelNumbers[numbers[b]!]!;
        if (right < 0 || right === left) continue;
        if (filled === batch.length) flush();
        batch[filled++] = left < right ? left * size + right : right * size + left;
      }
    }
  }
  flush();
  return total;
}

function countRuns(sorted: Uint32Array): PairCounts {
  const codes: number[] = [];
  const counts: number[] = [];
  for (let start = 0; start < sorted.length; ) {
    let end = start + 1;
    while (end < sorted.length && sorted[end] === sorted[start]) end++;
    codes.push(sorted[start]!);
    counts.push(end - start);
    start = end;
  }
  return { codes: Uint32Array.from(codes), counts: Float64Array.from(counts) };
}

function mergePairs(a: PairCounts, b: PairCounts): PairCounts {
  const codes = new Uint32Array(a.codes.length + b.codes.length);
  const counts = new Float64Array(codes.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.codes.length || j < b.codes.length) {
    const fromA = j >= b.codes.length || (i < a.codes.length && a.codes[i]! <= b.codes[j]!);
    const code = fromA ? a.codes[i]! : b.codes[j]!;
    const count = fromA ? a.counts[i++]! : b.counts[j++]!;
    if (n > 0 && codes[n - 1] === code) counts[n - 1]! += count;
    else {
      codes[n] = code;
      counts[n++] = count;
    }
  }
  return { codes: codes.slice(0, n), counts: counts.slice(0, n) };
}

/** A symmetric sparse matrix in compressed rows. */
interface SparseMatrix {
  size: number;
  rowOffsets: Uint32Array;
  columns: Uint32Array;
  values: Float64Array;
}

/**
 * Positive PMI with context-distribution smoothing (context counts to the power 0.75, Levy,
 * Goldberg & Dagan 2015), which keeps rare contexts from dominating.
 */
function ppmiMatrix(pairs: PairCounts, size: number): SparseMatrix {
  // Each counted pair is an entry in both its words' rows; order within a row does not matter.
  const rowOffsets = new Uint32Array(size + 1);
  const rowSums = new Float64Array(size);
  let total = 0;
  const rowOf = (code: number): number => Math.floor(code / size);
  for (let p = 0; p < pairs.codes.length; p++) {
    const row = rowOf(pairs.codes[p]!);
    const column = pairs.codes[p]! - row * size;
    rowOffsets[row + 1]!++;
    rowOffsets[column + 1]!++;
    rowSums[row]! += pairs.counts[p]!;
    rowSums[column]! += pairs.counts[p]!;
    total += 2 * pairs.counts[p]!;
  }
  for (let row = 0; row < size; row++) rowOffsets[row + 1]! += rowOffsets[row]!;
  // The matrix is symmetric, so column sums equal row sums.
  let smoothedTotal = 0;
  const smoothed = rowSums.map((sum) => Math.pow(sum, 0.75));
  for (const value of smoothed) smoothedTotal += value;
  const columns = new Uint32Array(rowOffsets[size]!);
  const values = new Float64Array(columns.length);
  const cursor = rowOffsets.slice(0, size);
  const place = (row: number, column: number, count: number): void => {
    const pmi = Math.log((count / total) / ((rowSums[row]! / total) * (smoothed[column]! / smoothedTotal)));
    const slot = cursor[row]!++;
    columns[slot] = column;
    values[slot] = pmi > 0 ? pmi : 0;
  };
  for (let p = 0; p < pairs.codes.length; p++) {
    const row = rowOf(pairs.codes[p]!);
    const column = pairs.codes[p]! - row * size;
    place(row, column, pairs.counts[p]!);
    place(column, row, pairs.counts[p]!);
  }
  return { size, rowOffsets, columns, values };
}

/**
 * The leading `dimensions` eigenvectors of a symmetric matrix, each row scaled by the square root
 * of its eigenvalue and to unit length: a randomized range finder with power iterations (Halko,
 * Martinsson & Tropp 2011), then an exact eigen-decomposition of the small projected matrix.
 */
function truncatedEigenvectors(matrix: SparseMatrix, dimensions: number, rank: number): Float32Array {
  const { size } = matrix;
  let basis = new Float64Array(size * rank);
  let seed = 0x2545f491;
  for (let index = 0; index < basis.length; index++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    basis[index] = seed / 0x1_0000_0000 - 0.5;
  }
  let product = new Float64Array(size * rank);
  for (let pass = 0; pass < POWER_ITERATIONS; pass++) {
    multiply(matrix, basis, rank, product);
    [basis, product] = [product, basis];
    orthonormalizeColumns(basis, size, rank);
  }
  multiply(matrix, basis, rank, product);
  const projected = new Float64Array(rank * rank);
  for (let row = 0; row < size; row++) {
    for (let a = 0; a < rank; a++) {
      const value = basis[row * rank + a]!;
      if (value === 0) continue;
      for (let b = 0; b < rank; b++) projected[a * rank + b]! += value * product[row * rank + b]!;
    }
  }
  const { values, vectors } = symmetricEigen(projected, rank);
  const order = [...values.keys()].sort((a, b) => values[b]! - values[a]!).slice(0, dimensions);
  const words = new Float32Array(size * dimensions);
  const row64 = new Float64Array(dimensions);
  for (let row = 0; row < size; row++) {
    for (let d = 0; d < dimensions; d++) {
      const column = order[d]!;
      let value = 0;
      for (let k = 0; k < rank; k++) value += basis[row * rank + k]! * vectors[k * rank + column]!;
      row64[d] = value * Math.sqrt(Math.max(values[column]!, 0));
    }
    words.set(unitLength(row64), row * dimensions);
  }
  return words;
}

function multiply(matrix: SparseMatrix, dense: Float64Array, width: number, out: Float64Array): void {
  out.fill(0);
  const { rowOffsets, columns, values } = matrix;
  for (let row = 0; row < matrix.size; row++) {
    const target = row * width;
    for (let p = rowOffsets[row]!; p < rowOffsets[row + 1]!; p++) {
      const value = values[p]!;
      if (value === 0) continue;
      const source = columns[p]! * width;
      for (let k = 0; k < width; k++) out[target + k]! += value * dense[source + k]!;
    }
  }
}

/**
 * Orthonormalizes the columns of a row-major `rows × width` matrix by Cholesky QR, twice
 * (CholeskyQR2; Fukaya et al. 2014): the Gram matrix XᵀX and the triangular solve each take one
 * sequential pass over the rows, where Gram–Schmidt strides down columns; the second round
 * restores the orthogonality the first loses to rounding.
 */
function orthonormalizeColumns(matrix: Float64Array, rows: number, width: number): void {
  for (let round = 0; round < 2; round++) {
    const gram = new Float64Array(width * width);
    for (let row = 0; row < rows; row++) {
      const offset = row * width;
      for (let a = 0; a < width; a++) {
        const value = matrix[offset + a]!;
        if (value === 0) continue;
        for (let b = a; b < width; b++) gram[a * width + b]! += value * matrix[offset + b]!;
      }
    }
    // Upper-triangular R with RᵀR = gram; a direction with no length left gets a unit pivot.
    const r = new Float64Array(width * width);
    for (let i = 0; i < width; i++) {
      let diagonal = gram[i * width + i]!;
      for (let k = 0; k < i; k++) diagonal -= r[k * width + i]! ** 2;
      const pivot = diagonal > 1e-12 * (gram[i * width + i]! || 1) ? Math.sqrt(diagonal) : 1;
      r[i * width + i] = pivot;
      for (let j = i + 1; j < width; j++) {
        let value = gram[i * width + j]!;
        for (let k = 0; k < i; k++) value -= r[k * width + i]! * r[k * width + j]!;
        r[i * width + j] = value / pivot;
      }
    }
    // X ← X R⁻¹, row by row (forward substitution).
    for (let row = 0; row < rows; row++) {
      const offset = row * width;
      for (let j = 0; j < width; j++) {
        let value = matrix[offset + j]!;
        for (let k = 0; k < j; k++) value -= matrix[offset + k]! * r[k * width + j]!;
        matrix[offset + j] = value / r[j * width + j]!;
      }
    }
  }
}

/** Cyclic Jacobi rotations: eigenvalues and column eigenvectors of a small symmetric matrix. */
function symmetricEigen(input: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = input.slice();
  const vectors = new Float64Array(n * n);
  for (let i = 0; i < n; i++) vectors[i * n + i] = 1;
  for (let sweep = 0; sweep < 50; sweep++) {
    let offDiagonal = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) offDiagonal += a[p * n + q]! ** 2;
    if (offDiagonal < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = vectors[k * n + p]!;
          const vkq = vectors[k * n + q]!;
          vectors[k * n + p] = c * vkp - s * vkq;
          vectors[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i]!;
  return { values, vectors };
}

function unitLength(vector: Float64Array): Float32Array {
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm);
  const out = new Float32Array(vector.length);
  if (norm === 0) return out;
  for (let k = 0; k < vector.length; k++) out[k] = vector[k]! / norm;
  return out;
}
