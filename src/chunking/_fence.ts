/** An open fenced code block: its marker character and run length (CommonMark). */
export interface Fence {
  marker: '`' | '~';
  length: number;
}

const OPENING_FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** The fence a line opens, if any. Headings and tables inside fences are code, not structure. */
export function openingFence(line: string): Fence | undefined {
  const match = OPENING_FENCE.exec(line);
  const run = match?.[1];
  if (run === undefined) return undefined;
  return { marker: run[0] === '~' ? '~' : '`', length: run.length };
}

/** Whether a line closes `fence`: the same marker, at least as long, and nothing after it. */
export function closesFence(line: string, fence: Fence): boolean {
  const match = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line);
  const run = match?.[1];
  return run !== undefined && run[0] === fence.marker && run.length >= fence.length;
}
