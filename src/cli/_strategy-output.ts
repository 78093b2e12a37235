import type { StrategyAnswer } from '../reasoning/index.js';
import type { Terminal } from './_terminal.js';

/** The strategy's part of `--json`: strategy, fallback, plan, and with `--trace` the trace. */
export function strategyToJson(result: StrategyAnswer, withTrace: boolean): Record<string, unknown> {
  return {
    strategy: result.strategy,
    fallback: result.fallback ?? null,
    ...(result.plan ? { plan: result.plan } : {}),
    ...(withTrace && result.trace ? { trace: result.trace } : {}),
  };
}

/** The fallback label, and with `--trace` the plan and every model call, tool call and step, for the terminal. */
export function printStrategyDetails(result: StrategyAnswer, terminal: Terminal, withTrace: boolean): void {
  if (result.fallback) terminal.out(`\n(Fallback to RAG: ${result.fallback.message})`);
  const trace = result.trace;
  if (trace?.stopped) terminal.out(`\n(Stopped: ${trace.stopped.reason} — ${trace.stopped.detail}; answered from what was read.)`);
  if (!withTrace || trace === undefined) return;
  terminal.out(`\nTrace (${trace.strategy}):`);
  for (const event of trace.events) {
    if (event.kind === 'plan') {
      terminal.out(`  plan ${event.round === 0 ? '' : `(repair ${event.round}) `}${event.errors.length === 0 ? 'valid' : `${event.errors.length} errors`}:`);
      for (const line of event.text.trim().split('\n')) terminal.out(`    ${line}`);
      for (const error of event.errors) terminal.out(`    ! line ${error.line}, column ${error.column}: ${error.message}`);
    } else if (event.kind === 'step') {
      terminal.out(`  step ${event.step}: ${event.variable} = ${event.action}(${event.input.map((value) => JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)).join(', ')})  ${event.ms.toFixed(0)} ms${event.sources.length ? `  sources [${event.sources.join(', ')}]` : ''}${event.error ? `  error ${event.error.code}` : ''}`);
      terminal.out(`    → ${oneLine(event.output, 120)}`);
    } else if (event.kind === 'tool') {
      terminal.out(`  tool ${event.name}(${event.arguments})  ${event.repeated ? 'repeated, not run' : `${event.resultCharacters} chars, ${event.ms.toFixed(0)} ms`}${event.sources.length ? `  sources [${event.sources.join(', ')}]` : ''}${event.error ? `  error ${event.error.code}` : ''}`);
    } else {
      terminal.out(`  model ${event.purpose}  ${event.usage.inputTokens ?? '?'} in / ${event.usage.outputTokens ?? '?'} out tokens, ${event.ms.toFixed(0)} ms${event.toolCalls ? `  → ${event.toolCalls.join(', ')}` : ''}`);
    }
  }
  const totals = trace.totals;
  terminal.out(`  totals: ${totals.modelCalls} model calls, ${totals.toolCalls} tool calls, ${totals.steps} steps, ${totals.inputTokens} + ${totals.outputTokens} tokens, ${totals.ms.toFixed(0)} ms`);
}

function oneLine(text: string, length: number): string {
  const flat = text.replace(/\s+/gu, ' ').trim();
  return flat.length > length ? `${flat.slice(0, length)}…` : flat;
}
