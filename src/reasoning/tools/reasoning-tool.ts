import type { AccessFilter } from '../../access/index.js';
import type { LanguageModelTool } from '../../models/index.js';
import type { ReasoningKnowledgeBase } from './reasoning-knowledge-base.js';
import type { SourceList } from './source-list.js';

/** What a tool run can use: the knowledge base, the run's numbered sources, the caller's signal. */
export interface ToolContext {
  kb: ReasoningKnowledgeBase;
  sources: SourceList;
  /** The caller's access filter: searches and lookups see only documents it may read. */
  access?: AccessFilter;
  signal?: AbortSignal;
}

/**
 * A tool the agent offers the model: its definition (name, description, JSON schema of the
 * arguments) and how to run it. `run` gets arguments already validated against the schema and
 * returns the text the model reads; it throws `HangjiaError` for a call that cannot be answered
 * (unknown law, division by zero), which the agent returns to the model as the tool result.
 */
export interface ReasoningTool {
  definition: LanguageModelTool;
  run(args: Record<string, unknown>, context: ToolContext): Promise<string>;
}
