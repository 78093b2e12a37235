import type { Analyzer } from '../analysis/index.js';
import { HangjiaError } from '../errors/index.js';
import { Bm25Index, FlatVectorIndex, type Bm25ParamsInput } from '../index/index.js';
import { embedMany, type EmbeddingModel } from '../models/index.js';
import { characterNgrams } from './character-ngrams.js';
import type { Example } from './example.js';
import { TermSetIndex } from './term-set-index.js';

/** Character n-gram sizes used when none are given: bigrams and trigrams suit Chinese words. */
export const DEFAULT_NGRAM_SIZES: readonly number[] = [2, 3];

/** Progress of {@link createExamplePool}, per phase: examples processed so far out of all. */
export interface ExamplePoolProgress {
  phase: 'analyze' | 'bm25' | 'embed';
  done: number;
  total: number;
}

/** Options for {@link createExamplePool}. */
export interface ExamplePoolOptions {
  /** Turns inputs into terms for the Jaccard, BM25 and MMR selectors; the default analyzer suits Chinese. */
  analyzer: Analyzer;
  /** When given, every example input is embedded once here, enabling the `embedding` selector and cosine MMR. Default: none. */
  embeddingModel?: EmbeddingModel;
  /** Character n-gram sizes for the `ngram` selector, whole numbers from 1 to 8. Default [2, 3]. */
  ngramSizes?: readonly number[];
  /** BM25 parameters for the `bm25` selector, merged over the index defaults. */
  bm25?: Bm25ParamsInput;
  /** Called as each phase advances. */
  onProgress?: (progress: ExamplePoolProgress) => void;
  /** Stops embedding between batches. */
  abortSignal?: AbortSignal;
}

/**
 * A pool of examples with everything the selectors need computed once: analyzer term sets with
 * their inverted index, character n-gram sets, a BM25 index over the inputs, and (with a model)
 * unit-length input embeddings. Only example inputs are indexed: selection compares the new input
 * with the inputs the examples answered, never with their outputs.
 */
export interface ExamplePool {
  readonly examples: readonly Example[];
  readonly analyzer: Analyzer;
  /** Analyzer terms of each example's input, in pool order (see {@link ExamplePool.analyzeInput}). */
  readonly terms: TermSetIndex;
  readonly ngramSizes: readonly number[];
  /** Character n-grams of each example's input, in pool order. */
  readonly ngrams: TermSetIndex;
  /** BM25 over the inputs; record ids are example ids. */
  readonly bm25Index: Bm25Index;
  readonly embeddingModel?: EmbeddingModel;
  /** Unit-length input embeddings in pool order; present when an embedding model was given. */
  readonly embeddings?: readonly Float32Array[];
  /** Cosine search over {@link ExamplePool.embeddings}; ids are example ids. */
  readonly vectorIndex?: FlatVectorIndex;
  /**
   * The analyzer terms of a text, as the pool computes them for example inputs: `analyzeQuery`
   * when the analyzer has one. Examples and the new input are the same kind of text (usually
   * questions), so both sides drop question framing (`请问`, `怎么办`) that would otherwise make
   * unrelated questions look alike.
   */
  analyzeInput(text: string): string[];
  /** The example's position in {@link ExamplePool.examples}, or undefined for an unknown id. */
  positionOf(id: string): number | undefined;
}

/**
 * Indexes `examples` for selection. Throws `E_DATASET` when two examples share an id and
 * `E_USAGE` for n-gram sizes out of range; embedding errors are the model's (`E_PROVIDER_*`).
 *
 * @example
 * const { examples } = readExamplePool('pool.jsonl');
 * const pool = await createExamplePool(examples, { analyzer: createAnalyzer() });
 * const selected = await createJaccardSelector(pool).select('试用期最长多久？', { k: 3 });
 */
export async function createExamplePool(examples: readonly Example[], options: ExamplePoolOptions): Promise<ExamplePool> {
  const { analyzer, embeddingModel, onProgress } = options;
  const ngramSizes = [...(options.ngramSizes ?? DEFAULT_NGRAM_SIZES)];
  const badSize = ngramSizes.find((size) => !Number.isInteger(size) || size < 1 || size > 8);
  if (ngramSizes.length === 0 || badSize !== undefined) {
    throw new HangjiaError('E_USAGE', `ngramSizes must be whole numbers from 1 to 8, such as [2, 3]; got ${JSON.stringify(ngramSizes)}.`, {
      details: { setting: 'ngramSizes', value: ngramSizes },
    });
  }
  const positions = new Map<string, number>();
  for (const [position, example] of examples.entries()) {
    if (positions.has(example.id)) {
      throw new HangjiaError('E_DATASET', `Two examples share the id "${example.id}" (positions ${positions.get(example.id)} and ${position}); ids must be unique within a pool.`, {
        details: { id: example.id },
      });
    }
    positions.set(example.id, position);
  }
  const analyze = analyzer.analyzeQuery ?? analyzer.analyze;
  const analyzeInput = (text: string): string[] => analyze.call(analyzer, text);
  const total = examples.length;

  const termLists: string[][] = [];
  const ngramLists: string[][] = [];
  for (const example of examples) {
    termLists.push(analyzeInput(example.input));
    ngramLists.push(characterNgrams(example.input, ngramSizes));
    if (termLists.length % 1000 === 0) onProgress?.({ phase: 'analyze', done: termLists.length, total });
  }
  onProgress?.({ phase: 'analyze', done: total, total });
  const terms = TermSetIndex.build(termLists);
  const ngrams = TermSetIndex.build(ngramLists);

  const bm25Index = Bm25Index.build(
    examples.map((example) => ({ id: example.id, title: '', headings: '', text: example.input })),
    {
      analyzer,
      ...(options.bm25 ? { params: options.bm25 } : {}),
      // Topic evidence re-scores at least 100 candidates, which would multiply the time of a
      // 3-shot selection, and its hit rates for example selection were never measured.
      topics: false,
      // Examples have no titles for one another to name.
      citations: false,
      onProgress: (progress) => {
        if (progress.phase === 'analyze') onProgress?.({ phase: 'bm25', done: progress.done, total });
      },
    },
  );

  const pool: ExamplePool = {
    examples,
    analyzer,
    terms,
    ngramSizes,
    ngrams,
    bm25Index,
    analyzeInput,
    positionOf: (id) => positions.get(id),
  };
  if (embeddingModel === undefined) return pool;
  if (total === 0) return { ...pool, embeddingModel, embeddings: [] };

  const { embeddings } = await embedMany(
    embeddingModel,
    examples.map((example) => example.input),
    {
      ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
      onProgress: ({ completed }) => onProgress?.({ phase: 'embed', done: completed, total }),
    },
  );
  const unitEmbeddings = embeddings.map(toUnitLength);
  const vectorIndex = new FlatVectorIndex({
    dimensions: unitEmbeddings[0]!.length,
    embeddingModelId: `${embeddingModel.provider}:${embeddingModel.modelId}`,
  });
  for (const [position, example] of examples.entries()) vectorIndex.add(example.id, unitEmbeddings[position]!);
  return { ...pool, embeddingModel, embeddings: unitEmbeddings, vectorIndex };
}

/** Scales `vector` to length 1 in place (a zero vector stays zero) and returns it. */
function toUnitLength(vector: Float32Array): Float32Array {
  let squares = 0;
  for (const value of vector) squares += value * value;
  if (squares === 0) return vector;
  const scale = 1 / Math.sqrt(squares);
  for (let index = 0; index < vector.length; index += 1) vector[index]! *= scale;
  return vector;
}
