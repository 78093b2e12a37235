import { describe, expect, it } from 'vitest';
import { normalizeForDedup } from '../_text.js';
import { createSeededRandom } from '../../support/index.js';
import { findNearDuplicates } from './find-near-duplicates.js';
import { candidateProbability, optimalLshParameters } from './lsh-parameters.js';
import { createMinHasher, estimatedJaccard, exactJaccard, shingleHashes } from './minhash.js';
import { UnionFind } from './union-find.js';

const ALPHABET = '的一是了我不人在他有这个上们来到时大地为子中你说生国年着就那和要她出也得里后自以会家可下而过天去能对小多然于心学么之都好看起发当没成只如事把还用第样道想作种开美总从无情己面最女但现前些所同日手又行意动方期它头经长儿回位分爱老因很给名法间斯知世什两次使身者被高已亲其进此话常与活正感';

/** A random Chinese text of `length` characters (seeded). */
function randomText(random: () => number, length: number): string {
  let text = '';
  for (let index = 0; index < length; index += 1) text += ALPHABET[Math.floor(random() * ALPHABET.length)];
  return text;
}

/** `text` with `edits` random single-character substitutions (known edits). */
function edit(text: string, edits: number, random: () => number): string {
  const characters = [...text];
  for (let index = 0; index < edits; index += 1) characters[Math.floor(random() * characters.length)] = ALPHABET[Math.floor(random() * ALPHABET.length)]!;
  return characters.join('');
}

describe('MinHash', () => {
  it('shingles normalised text into distinct sorted hashes; short texts are one shingle', () => {
    expect(shingleHashes('aaaaaaa', 5).length).toBe(1);
    expect(shingleHashes('abcdefg', 5).length).toBe(3);
    expect(shingleHashes('abc', 5).length).toBe(1);
    expect(exactJaccard(shingleHashes('abcdefg', 5), shingleHashes('abcdefh', 5))).toBe(2 / 4);
  });

  it('estimates Jaccard within 3 standard errors of the exact value', () => {
    const random = createSeededRandom(7);
    const hasher = createMinHasher(256, 3);
    for (const edits of [2, 6, 15, 40]) {
      const base = randomText(random, 400);
      const left = shingleHashes(base, 5);
      const right = shingleHashes(edit(base, edits, random), 5);
      const exact = exactJaccard(left, right);
      const estimate = estimatedJaccard(hasher.signature(left), hasher.signature(right));
      expect(Math.abs(estimate - exact)).toBeLessThan(3 * Math.sqrt((exact * (1 - exact)) / 256) + 0.01);
    }
  });
});

describe('LSH parameters', () => {
  it('derives bands × rows from the threshold, favouring recall', () => {
    expect(optimalLshParameters(0.8, 128)).toMatchObject({ bands: 17, rows: 7 });
    expect(candidateProbability(0.8, 17, 7)).toBeGreaterThan(0.98);
    expect(candidateProbability(0.3, 17, 7)).toBeLessThan(0.004);
  });
});

describe('UnionFind', () => {
  it('clusters transitively and leaves singletons out', () => {
    const unionFind = new UnionFind(6);
    unionFind.union(4, 1);
    unionFind.union(1, 0);
    unionFind.union(2, 5);
    expect(unionFind.union(0, 4)).toBe(false);
    expect(unionFind.clusters()).toEqual([[0, 1, 4], [2, 5]]);
  });
});

describe('findNearDuplicates', () => {
  it('matches exact Jaccard on generated near-duplicates: precision 1 and recall ≥ 0.95 at 0.8', () => {
    const random = createSeededRandom(11);
    const texts: string[] = [];
    for (let index = 0; index < 150; index += 1) texts.push(randomText(random, 200 + Math.floor(random() * 300)));
    // Each planted copy edits its original by 0–4 % of characters, so its Jaccard spans both sides of 0.8.
    for (let index = 0; index < 150; index += 1) {
      const original = texts[index]!;
      texts.push(edit(original, Math.floor(random() * 0.04 * original.length), random));
    }
    const shingles = texts.map((text) => shingleHashes(normalizeForDedup(text), 5));
    const truth = new Set<string>();
    for (let left = 0; left < texts.length; left += 1) {
      for (let right = left + 1; right < texts.length; right += 1) if (exactJaccard(shingles[left]!, shingles[right]!) >= 0.8) truth.add(`${left}:${right}`);
    }
    const result = findNearDuplicates(texts, { threshold: 0.8 });
    const found = new Set(result.pairs.map((pair) => `${pair.left}:${pair.right}`));
    const truePositives = [...found].filter((pair) => truth.has(pair)).length;
    expect(truth.size).toBeGreaterThan(50);
    expect(truth.size).toBeLessThan(140); // some copies fall below 0.8: the threshold is exercised from both sides
    expect(truePositives / found.size).toBe(1);
    expect(truePositives / truth.size).toBeGreaterThanOrEqual(0.95);
    // One kept per cluster: the first (the original).
    for (const [removed, kept] of result.removed) expect(kept).toBeLessThan(removed);
  });

  it('keeps the longest member when asked', () => {
    const base = '劳动者享有平等就业和选择职业的权利、取得劳动报酬的权利、休息休假的权利、获得劳动安全卫生保护的权利';
    const result = findNearDuplicates([base, `${base}、接受职业技能培训的权利`, '完全不同的一段文字，讲的是民法典侵权责任编的内容'], { threshold: 0.7, keep: 'longest' });
    expect([...result.removed]).toEqual([[0, 1]]);
    expect(result.clusters).toEqual([[0, 1]]);
  });
});
