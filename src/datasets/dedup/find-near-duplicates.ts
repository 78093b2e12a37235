import { HangjiaError } from '../../errors/index.js';
import { normalizeForDedup } from '../_text.js';
import { DEFAULT_LSH_WEIGHTS, optimalLshParameters, type LshWeights } from './lsh-parameters.js';
import { createMinHasher, exactJaccard, shingleHashes } from './minhash.js';
import { UnionFind } from './union-find.js';

/** Which member of a near-duplicate cluster stays. */
export type KeepPolicy = 'first' | 'longest';

/**
 * Near-duplicate settings. Defaults: threshold 0.8, 5-character shingles, 128 permutations, bands
 * and rows derived from the threshold (see lsh-parameters.ts), keep the first, seed 1.
 */
export interface NearDuplicateOptions {
  /** Exact Jaccard similarity (of shingle sets) at or above which two texts are near-duplicates, 0–1 (default 0.8). */
  threshold?: number;
  /** Shingle size in characters of the normalised text (default 5, suited to Chinese; 3–9 are reasonable). */
  shingleSize?: number;
  /** MinHash permutations (default 128); more give a sharper LSH curve at linear cost. */
  numPermutations?: number;
  /** Force bands (default: derived from threshold and permutations). Needs `rows` too; bands × rows ≤ permutations. */
  bands?: number;
  rows?: number;
  /** Weights for deriving bands/rows (default false positive 0.02, false negative 0.98). */
  lshWeights?: LshWeights;
  /**
   * `first` (default) keeps the earliest item of each cluster, so input order is a priority order;
   * `longest` keeps the item with the longest normalised text (ties: the earliest), on the
   * reasoning that the longer variant carries more content.
   */
  keep?: KeepPolicy;
  /** Seed of the permutations (default 1). */
  seed?: number;
  /**
   * Buckets larger than this pair every member with the bucket's first member only, instead of
   * all pairs, so one hot bucket cannot make the candidate count quadratic (default 64).
   */
  maxBucketPairs?: number;
  /** Progress as items signed so far. */
  onProgress?: (done: number, total: number) => void;
  /** Precomputed signatures (e.g. from worker threads), one per text, from the same seed and permutations. */
  signatures?: Uint32Array[];
}

export interface NearDuplicatePair {
  left: number;
  right: number;
  jaccard: number;
}

export interface NearDuplicateResult {
  /** Candidate pairs verified at or above the threshold (left < right). */
  pairs: NearDuplicatePair[];
  /** Clusters of indices (union-find over `pairs`), ascending. */
  clusters: number[][];
  /** Index removed → index kept (the kept member of its cluster). */
  removed: Map<number, number>;
  stats: { items: number; candidatePairs: number; verifiedPairs: number; bands: number; rows: number; numPermutations: number; shingleSize: number; threshold: number };
}

/**
 * Finds near-duplicate texts with MinHash-LSH, then verifies every candidate pair with exact
 * Jaccard over the shingle sets, so reported pairs are never below the threshold (precision is
 * limited only by 32-bit shingle-hash collisions); recall is bounded by the LSH curve.
 *
 * Steps: normalise (normalizeForDedup) → shingle → signature → per band, sort items by the band's
 * hash and take runs of equal hashes as buckets → candidate pairs → exact Jaccard → union-find
 * clusters → keep one per cluster.
 *
 * @example
 * const { removed } = findNearDuplicates(['劳动合同的试用期最长六个月', '劳动合同的试用期最长六个月。', '年休假'], { threshold: 0.8 });
 * // removed: Map { 1 → 0 }
 */
export function findNearDuplicates(texts: readonly string[], options: NearDuplicateOptions = {}): NearDuplicateResult {
  const threshold = options.threshold ?? 0.8;
  const shingleSize = options.shingleSize ?? 5;
  const numPermutations = options.numPermutations ?? 128;
  if (!(threshold > 0 && threshold <= 1)) throw new HangjiaError('E_USAGE', `The near-duplicate threshold must be in (0, 1]; got ${threshold}.`, { details: { setting: 'threshold', value: threshold } });
  if (!Number.isInteger(shingleSize) || shingleSize < 1) throw new HangjiaError('E_USAGE', `The shingle size must be a positive integer; got ${shingleSize}.`, { details: { setting: 'shingleSize', value: shingleSize } });
  const derived = optimalLshParameters(threshold, numPermutations, options.lshWeights ?? DEFAULT_LSH_WEIGHTS);
  const bands = options.bands ?? derived.bands;
  const rows = options.rows ?? (options.bands === undefined ? derived.rows : Math.floor(numPermutations / bands));
  if (bands * rows > numPermutations || bands < 1 || rows < 1) {
    throw new HangjiaError('E_USAGE', `bands × rows must be at most the number of permutations (${numPermutations}); got ${bands} × ${rows}.`, { details: { setting: 'bands', value: bands, rows } });
  }
  const count = texts.length;
  const normalized = texts.map(normalizeForDedup);
  let signatures = options.signatures;
  if (!signatures) {
    const hasher = createMinHasher(numPermutations, options.seed ?? 1);
    signatures = new Array<Uint32Array>(count);
    for (let index = 0; index < count; index += 1) {
      signatures[index] = hasher.signature(shingleHashes(normalized[index]!, shingleSize));
      if (options.onProgress && (index % 1000 === 999 || index === count - 1)) options.onProgress(index + 1, count);
    }
  }
  const candidates = candidatePairs(signatures, bands, rows, options.maxBucketPairs ?? 64);
  const shingleCache = new Map<number, Uint32Array>();
  const shinglesOf = (index: number): Uint32Array => {
    let shingles = shingleCache.get(index);
    if (!shingles) shingleCache.set(index, (shingles = shingleHashes(normalized[index]!, shingleSize)));
    return shingles;
  };
  const pairs: NearDuplicatePair[] = [];
  for (const key of candidates) {
    const left = Math.floor(key / count);
    const right = key % count;
    const jaccard = exactJaccard(shinglesOf(left), shinglesOf(right));
    if (jaccard >= threshold) pairs.push({ left, right, jaccard });
  }
  pairs.sort((a, b) => a.left - b.left || a.right - b.right);
  const unionFind = new UnionFind(count);
  for (const pair of pairs) unionFind.union(pair.left, pair.right);
  const clusters = unionFind.clusters();
  const removed = new Map<number, number>();
  for (const cluster of clusters) {
    let kept = cluster[0]!;
    if (options.keep === 'longest') for (const member of cluster) if (normalized[member]!.length > normalized[kept]!.length) kept = member;
    for (const member of cluster) if (member !== kept) removed.set(member, kept);
  }
  return {
    pairs,
    clusters,
    removed,
    stats: { items: count, candidatePairs: candidates.size, verifiedPairs: pairs.length, bands, rows, numPermutations, shingleSize, threshold },
  };
}

/**
 * Candidate pairs as `left * count + right` keys (left < right). Per band: hash the band's rows to
 * a 52-bit key, sort item indices by key, and pair the members of each run of equal keys.
 * Sorting typed arrays keeps memory at a few bytes per item per band, where a Map of buckets would
 * hold an array per distinct key.
 */
export function candidatePairs(signatures: readonly Uint32Array[], bands: number, rows: number, maxBucketPairs = 64): Set<number> {
  const count = signatures.length;
  const pairs = new Set<number>();
  const keys = new Float64Array(count);
  const order = new Uint32Array(count);
  for (let band = 0; band < bands; band += 1) {
    const start = band * rows;
    for (let item = 0; item < count; item += 1) {
      const signature = signatures[item]!;
      let high = 0x811c9dc5;
      let low = 0x9747b28c;
      for (let row = start; row < start + rows; row += 1) {
        const value = signature[row]!;
        high = Math.imul(high ^ value, 0x01000193);
        low = Math.imul(low ^ value, 0x5bd1e995);
        low ^= low >>> 15;
      }
      // An empty text's signature is all 0xffffffff; it must not bucket with other empty texts here (exact dedup handles them).
      keys[item] = signature.length > 0 && signature[0] === 0xffffffff ? -1 - item : ((high >>> 0) & 0xfffff) * 0x100000000 + (low >>> 0);
      order[item] = item;
    }
    order.sort((left, right) => keys[left]! - keys[right]! || left - right);
    let runStart = 0;
    for (let position = 1; position <= count; position += 1) {
      if (position < count && keys[order[position]!] === keys[order[runStart]!]) continue;
      const runLength = position - runStart;
      if (runLength > 1) {
        if (runLength <= maxBucketPairs) {
          for (let first = runStart; first < position; first += 1) {
            for (let second = first + 1; second < position; second += 1) pairs.add(order[first]! * count + order[second]!);
          }
        } else {
          const leader = order[runStart]!;
          for (let other = runStart + 1; other < position; other += 1) pairs.add(leader * count + order[other]!);
        }
      }
      runStart = position;
    }
  }
  return pairs;
}
