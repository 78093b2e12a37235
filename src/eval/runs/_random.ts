/**
 * mulberry32 (Tommy Ettinger's 32-bit generator), the same stream `eval/exam/bootstrap.ts` uses,
 * so a paired interval over outcomes that differ in one direction only equals the (negated)
 * accuracy interval of the discordant items under the same seed. Private to `eval/runs/`.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}
