/**
 * A seeded pseudo-random generator returning numbers in [0, 1): mulberry32 (Tommy Ettinger, public
 * domain) — 32 bits of state, fast, and well mixed enough for sampling, shuffling, bootstrap
 * resampling and generated test data. Everything in hangjia that draws random numbers takes a seed
 * and uses this one stream, so runs, reports and failing tests can be replayed exactly.
 *
 * @example
 * const random = createSeededRandom(42);
 * random(); // 0.6011037519201636, on every run
 */
export function createSeededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}
