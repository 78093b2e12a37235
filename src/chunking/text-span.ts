/** A half-open range `[start, end)` of UTF-16 code-unit offsets into a string. */
export interface TextSpan {
  start: number;
  end: number;
}
