const GRAPH_ACTIONS = new Set(['schema', 'build', 'export', 'stats', 'show', 'neighbors', 'query']);

/**
 * `hangjia graph <kb> <action> …` → `hangjia graph <action> <kb> …`: both word orders work, the
 * first reading as the issue wrote it (`hangjia graph demo show 《劳动合同法》`), the second as
 * every other command group does. Anything else passes unchanged.
 */
export function graphArgumentsInOrder(rawArgs: string[]): string[] {
  const [command, first, second, ...rest] = rawArgs;
  if (command !== 'graph' || first === undefined || second === undefined) return rawArgs;
  if (GRAPH_ACTIONS.has(first) || first.startsWith('-') || !GRAPH_ACTIONS.has(second)) return rawArgs;
  return [command, second, first, ...rest];
}
