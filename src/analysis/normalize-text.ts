/**
 * Folds text into the one form that both indexing and querying see.
 *
 * NFKC maps compatibility characters onto their canonical letters: full-width Latin and digits
 * (`ＸＲ－５４００` → `XR-5400`), ideographic-space and half-width katakana variants, ligatures and
 * circled numbers. Lower-casing afterwards makes `iPhone` and `IPHONE` one term. Both steps are
 * locale-independent on purpose: a Turkish dotted-I rule would make an index depend on the machine
 * that built it.
 *
 * @example
 * normalizeText('ＸＲ－５４００路由器') // 'xr-5400路由器'
 */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}
