import path from 'node:path';
import type { HangjiaConfig } from '../config/index.js';
import type { AnswerWithStrategyOptions } from './answer-with-strategy.js';
import { readActionsFile } from './pearl/actions-file.js';
import { BUILT_IN_TOOLS } from './tools/built-in-tools.js';
import { graphQueryTool } from './tools/graph-query-tool.js';
import { createHttpTools } from './tools/http-tool.js';

/**
 * The PEARL and agent settings of `config.reasoning` as `answerWithStrategy` options: the limits,
 * the user tools (checked: names, schemas, loopback or allow-listed hosts; `E_CONFIG` otherwise)
 * and the actions file (relative to `cwd`; `E_ACTIONS` when unreadable).
 */
export function reasoningOptionsFromConfig(settings: HangjiaConfig['reasoning'], cwd: string): Pick<AnswerWithStrategyOptions, 'limits' | 'tools' | 'actions' | 'planExamples'> {
  const { maxSteps, maxToolCalls, maxRepairs, tokenBudget, timeBudgetMs } = settings;
  const actionsFile = settings.actions === undefined || settings.actions === '' ? undefined : readActionsFile(path.resolve(cwd, settings.actions));
  const tools = createHttpTools(settings.tools ?? [], {
    ...(settings.allowedHosts ? { allowedHosts: settings.allowedHosts } : {}),
    reservedNames: [...BUILT_IN_TOOLS, graphQueryTool].map((tool) => tool.definition.name),
  });
  return {
    limits: { maxSteps, maxToolCalls, maxRepairs, tokenBudget, timeBudgetMs },
    ...(tools.length > 0 ? { tools } : {}),
    ...(actionsFile ? { actions: actionsFile.actions, planExamples: actionsFile.examples } : {}),
  };
}
