/**
 * MinHash signatures over character shingles (Broder 1997, "On the resemblance and containment of
 * documents"). For two shingle sets A and B and a random permutation π of the hash space,
 * P[min π(A) = min π(B)] = |A ∩ B| / |A ∪ B| (the Jaccard similarity), so the share of equal
 * positions in two signatures of k permutations estimates Jaccard with standard error √(J(1−J)/k).
 *
 * Shingles: Chinese has no spaces, so documents are compared as sets of overlapping character
 * n-grams of the dedup-normalised text (NFKC, lower case, no whitespace or punctuation; see
 * normalizeForDedup). Each n-gram is hashed to 32 bits with a polynomial rolling hash finalised by
 * MurmurHash3's fmix32; two different n-grams collide with probability about 2⁻³², which is
 * negligible against the 5-gram counts of real documents.
 *
 * Permutations: `π_i(x) = fmix32((x ⊕ a_i) · b_i)` with seeded random a_i and odd b_i: a bijection
 * of the 32-bit space per i (xor, multiplication by an odd number and the finaliser are each
 * invertible), cheaper than the textbook (a·x + b) mod p in 64-bit arithmetic JavaScript lacks.
 * test/minhash.test.ts checks the estimate against exact Jaccard.
 */
import { fmix32 } from '../_text.js';
import { createSeededRandom } from '../../support/index.js';

/** The hash base for rolling n-gram hashes (an odd 32-bit constant). */
const BASE = 0x01000193;

/**
 * Distinct 32-bit hashes of the character n-grams of `normalized`, sorted ascending.
 * A text shorter than `size` yields one shingle: the whole text (so short items still compare).
 * Characters are UTF-16 code units; the CJK characters of training text are all in the BMP.
 */
export function shingleHashes(normalized: string, size: number): Uint32Array {
  const length = normalized.length;
  if (length === 0) return new Uint32Array(0);
  if (length <= size) return Uint32Array.of(fmix32(rollingHash(normalized, 0, length)));
  const count = length - size + 1;
  const hashes = new Uint32Array(count);
  // BASE^(size-1), for removing the character that leaves the window.
  let power = 1;
  for (let index = 1; index < size; index += 1) power = Math.imul(power, BASE);
  let hash = rollingHash(normalized, 0, size);
  hashes[0] = fmix32(hash);
  for (let start = 1; start < count; start += 1) {
    hash = (Math.imul(hash - Math.imul(normalized.charCodeAt(start - 1), power), BASE) + normalized.charCodeAt(start + size - 1)) | 0;
    hashes[start] = fmix32(hash);
  }
  hashes.sort();
  let unique = 1;
  for (let index = 1; index < count; index += 1) if (hashes[index] !== hashes[unique - 1]) hashes[unique++] = hashes[index]!;
  return hashes.subarray(0, unique);
}

function rollingHash(text: string, start: number, end: number): number {
  let hash = 0;
  for (let index = start; index < end; index += 1) hash = (Math.imul(hash, BASE) + text.charCodeAt(index)) | 0;
  return hash;
}

/** Exact Jaccard similarity of two sorted, distinct hash arrays (as from {@link shingleHashes}). */
export function exactJaccard(left: Uint32Array, right: Uint32Array): number {
  if (left.length === 0 && right.length === 0) return 1;
  let shared = 0;
  let leftIndex = 0;
  let rightIndex = 0;
  while (leftIndex < left.length && rightIndex < right.length) {
    const leftValue = left[leftIndex]!;
    const rightValue = right[rightIndex]!;
    if (leftValue === rightValue) {
      shared += 1;
      leftIndex += 1;
      rightIndex += 1;
    } else if (leftValue < rightValue) leftIndex += 1;
    else rightIndex += 1;
  }
  return shared / (left.length + right.length - shared);
}

/** Computes MinHash signatures with fixed, seeded permutations. */
export interface MinHasher {
  readonly numPermutations: number;
  /** The signature of a shingle set: the minimum of each permutation over the set (all 0xffffffff for an empty set). */
  signature(shingles: Uint32Array): Uint32Array;
}

export function createMinHasher(numPermutations: number, seed = 1): MinHasher {
  const random = createSeededRandom(seed);
  const xors = new Int32Array(numPermutations);
  const multipliers = new Int32Array(numPermutations);
  for (let index = 0; index < numPermutations; index += 1) {
    xors[index] = Math.floor(random() * 0x100000000) | 0;
    multipliers[index] = (Math.floor(random() * 0x100000000) | 1) | 0;
  }
  return {
    numPermutations,
    signature(shingles) {
      const minimums = new Uint32Array(numPermutations).fill(0xffffffff);
      for (let shingleIndex = 0; shingleIndex < shingles.length; shingleIndex += 1) {
        const shingle = shingles[shingleIndex]! | 0;
        for (let index = 0; index < numPermutations; index += 1) {
          let value = Math.imul(shingle ^ xors[index]!, multipliers[index]!);
          value ^= value >>> 16;
          value = Math.imul(value, 0x85ebca6b);
          value = (value ^ (value >>> 13)) >>> 0;
          if (value < minimums[index]!) minimums[index] = value;
        }
      }
      return minimums;
    },
  };
}

/** Share of equal positions: the MinHash estimate of Jaccard similarity. */
export function estimatedJaccard(left: Uint32Array, right: Uint32Array): number {
  let equal = 0;
  for (let index = 0; index < left.length; index += 1) if (left[index] === right[index]) equal += 1;
  return equal / left.length;
}
