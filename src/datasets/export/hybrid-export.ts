/**
 * Single-stage hybrid tuning for LLaMA-Factory: pre-training text and instruction data in one
 * `stage: pt` dataset.
 *
 * LLaMA-Factory trains one stage per run, and a stage reads one kind of data: `pt` reads `{text}`,
 * `sft` reads alpaca/sharegpt. XuanYuan 2.0 ("hybrid tuning", arXiv:2305.12002) mixes both in one
 * stage so that domain instructions never displace general pre-training signal. We get the same
 * effect by rendering each instruction record through the chat template of the model to be tuned
 * into plain text, and writing it beside the pre-training text as one `{"text": …}` dataset.
 *
 * Trade-offs, stated so nobody is surprised:
 * - `pt` computes loss on every token, prompts included (SFT masks the prompt). Hybrid tuning
 *   accepts that; XuanYuan trains the same way.
 * - The template MUST be the one the tuned model is served with: the markers below are special
 *   tokens of that model's tokenizer (Hugging Face tokenizers split added tokens out of plain text,
 *   so `<|im_start|>` becomes Qwen's single special token). Rendering Qwen data with `llama3`
 *   teaches the model a format it will never see at inference.
 * - LLaMA-Factory appends the tokenizer's EOS after each text (`<|end_of_text|>` for `template:
 *   llama3`) and packs texts into `cutoff_len` blocks
 *   (src/llamafactory/data/processor/pretrain.py), so renders carry no trailing EOS of their own.
 */
import { HangjiaError } from '../../errors/index.js';
import type { DatasetRecord, DatasetTurn } from '../dataset-record.js';
import { exportDataset, formatRecord, type ExportResult } from './export-dataset.js';

/**
 * Chat templates an instruction record can be rendered with:
 * - `qwen`: ChatML as in Qwen2/2.5/3's tokenizer_config.json
 *   (`<|im_start|>{role}\n{content}<|im_end|>\n` per message). Also Yi, InternLM2 (ChatML models).
 * - `llama3`: Llama 3.x (`<|begin_of_text|>`, then `<|start_header_id|>{role}<|end_header_id|>\n\n{content}<|eot_id|>`;
 *   contents trimmed, as Meta's template does).
 * - `chatglm`: GLM-4 / GLM-4-chat (`[gMASK]<sop>`, then `<|{role}|>\n{content}`; the next `<|user|>`
 *   ends an answer, as the model's stop tokens say). ChatGLM3 writes `sop` without brackets; use a
 *   GLM-4 base for this template.
 * - `plain`: no special tokens, `System: …\nHuman: …\nAssistant: …\n`, the layout of
 *   LLaMA-Factory's `default` template; for base models that have no chat template.
 */
export type ChatTemplateName = 'qwen' | 'llama3' | 'chatglm' | 'plain';
export const CHAT_TEMPLATE_NAMES: readonly ChatTemplateName[] = ['qwen', 'llama3', 'chatglm', 'plain'];

/**
 * A dialogue (optional system turn, then user/assistant pairs) as the text the model sees.
 *
 * @example
 * renderChatTemplate([{ role: 'user', content: '试用期多久' }, { role: 'assistant', content: '不超过六个月' }], 'qwen');
 * // '<|im_start|>user\n试用期多久<|im_end|>\n<|im_start|>assistant\n不超过六个月<|im_end|>\n'
 */
export function renderChatTemplate(turns: readonly DatasetTurn[], template: ChatTemplateName): string {
  switch (template) {
    case 'qwen':
      return turns.map((turn) => `<|im_start|>${turn.role}\n${turn.content}<|im_end|>\n`).join('');
    case 'llama3':
      return `<|begin_of_text|>${turns.map((turn) => `<|start_header_id|>${turn.role}<|end_header_id|>\n\n${turn.content.trim()}<|eot_id|>`).join('')}`;
    case 'chatglm':
      return `[gMASK]<sop>${turns.map((turn) => `<|${turn.role}|>\n${turn.content}`).join('')}`;
    case 'plain':
      return turns.map((turn) => `${PLAIN_LABELS[turn.role]}: ${turn.content}\n`).join('');
  }
}

const PLAIN_LABELS: Record<DatasetTurn['role'], string> = { system: 'System', user: 'Human', assistant: 'Assistant' };

export interface HybridExportOptions {
  /** The chat template of the model to be tuned (see `ChatTemplateName`); no default, on purpose. */
  chatTemplate: ChatTemplateName;
  /** Directory to write into (LLaMA-Factory's `dataset_dir`). */
  directory: string;
  /** Dataset name in dataset_info.json; also the file name `<name>.jsonl`. */
  name: string;
  /** A system prompt for instruction records that have none (default: none, nothing is added). */
  systemPrompt?: string;
}

export interface HybridExportResult extends ExportResult {
  /** How many of the written lines were pre-training text and rendered instructions. */
  counts: { text: number; instruction: number };
}

/**
 * Writes pre-training text as is and instruction records rendered through `chatTemplate` as one
 * `{"text": …}` dataset `<directory>/<name>.jsonl`, registered in dataset_info.json with
 * `columns: { prompt: 'text' }` for LLaMA-Factory's `stage: pt`. Instruction records must be an
 * optional system turn then user/assistant pairs ending with the assistant (what SFT would accept);
 * others are skipped with their reason. Order is kept, so a mix planned by `planMix` stays shuffled.
 *
 * @example
 * exportHybridDataset(records, { chatTemplate: 'qwen', directory: 'lf-data', name: 'law_hybrid' });
 * // then: hangjia train plan lf-data --model Qwen/Qwen2.5-7B-Instruct --stage pt
 */
export function exportHybridDataset(records: readonly DatasetRecord[], options: HybridExportOptions): HybridExportResult {
  if (!CHAT_TEMPLATE_NAMES.includes(options.chatTemplate)) {
    throw new HangjiaError('E_USAGE', `Unknown chat template "${String(options.chatTemplate)}"; expected one of ${CHAT_TEMPLATE_NAMES.join(', ')} (the template of the model you will tune).`, {
      details: { setting: 'chatTemplate', value: options.chatTemplate },
    });
  }
  const rendered: DatasetRecord[] = [];
  const skipped: ExportResult['skipped'] = [];
  const counts = { text: 0, instruction: 0 };
  for (const record of records) {
    if (record.kind === 'text') {
      rendered.push(record);
      counts.text += 1;
      continue;
    }
    // The same shape check the SFT layouts apply, so hybrid and SFT exports accept the same records.
    const problem = formatRecord(record, 'openai');
    if (typeof problem === 'string') {
      skipped.push({ id: record.id, source: record.source, reason: problem });
      continue;
    }
    const turns = record.turns[0]?.role !== 'system' && options.systemPrompt !== undefined ? [{ role: 'system' as const, content: options.systemPrompt }, ...record.turns] : record.turns;
    rendered.push({ ...record, kind: 'text', turns: [], text: renderChatTemplate(turns, options.chatTemplate) });
    counts.instruction += 1;
  }
  const result = exportDataset(rendered, { layout: 'text', directory: options.directory, name: options.name });
  return { ...result, skipped: [...skipped, ...result.skipped], counts };
}
