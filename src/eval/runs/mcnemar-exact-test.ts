/**
 * McNemar's test for two classifiers scored on the same items, exact (binomial) form.
 *
 * Only the discordant items carry information: `b` items the first run got right and the second
 * wrong, `c` the reverse. Under the null hypothesis (equal accuracy) each discordant item is a
 * fair coin, so b ~ Binomial(b + c, ½), and the two-sided p-value is
 *
 *     p = min(1, 2 · Σ_{i=0}^{min(b,c)} C(b+c, i) · 2^-(b+c))
 *
 * McNemar, Q. (1947) "Note on the sampling error of the difference between correlated proportions
 * or percentages", Psychometrika 12(2):153–157; the exact conditional form as in Fagerland,
 * Lydersen & Laake (2013) "The McNemar test for binary matched-pairs data", BMC Medical Research
 * Methodology 13:91. The exact form is the right one for the small discordant counts exam diffs
 * usually have (the χ² approximation needs b + c ≳ 25). It is conservative: p is never too small.
 *
 * Summed exactly in integers up to b + c = 1000, in log space beyond (where 2^n overflows a double).
 *
 * @example
 * mcnemarExactTest(1, 6); // 0.125 = 2 · (C(7,0) + C(7,1)) / 2^7
 * mcnemarExactTest(0, 0); // 1 (no discordant items: no evidence either way)
 */
export function mcnemarExactTest(onlyFirst: number, onlySecond: number): number {
  if (!Number.isInteger(onlyFirst) || !Number.isInteger(onlySecond) || onlyFirst < 0 || onlySecond < 0) {
    throw new RangeError(`McNemar's test takes two discordant counts (whole numbers ≥ 0); got ${onlyFirst} and ${onlySecond}.`);
  }
  const n = onlyFirst + onlySecond;
  if (n === 0) return 1;
  const smaller = Math.min(onlyFirst, onlySecond);
  if (n <= 1000) {
    // Exact integers while 2^n is still a finite double: p is then correctly rounded (p = 1 exactly when b = c).
    let binomial = 1n;
    let sum = 1n;
    for (let index = 1; index <= smaller; index += 1) {
      binomial = (binomial * BigInt(n - index + 1)) / BigInt(index);
      sum += binomial;
    }
    return Math.min(1, Number(2n * sum) / Number(2n ** BigInt(n)));
  }
  const logHalfPower = -n * Math.LN2;
  // log C(n, i), built up term by term: C(n, i) = C(n, i−1) · (n − i + 1) / i.
  let logBinomial = 0;
  let tail = 0;
  for (let index = 0; index <= smaller; index += 1) {
    if (index > 0) logBinomial += Math.log(n - index + 1) - Math.log(index);
    tail += Math.exp(logBinomial + logHalfPower);
  }
  return Math.min(1, 2 * tail);
}
