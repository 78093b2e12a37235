/** NFKC (full-width digits and letters to half-width) and lower case, so 六个月/６个月 and Reset/reset compare equal. */
export function normalizeForGrounding(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}
