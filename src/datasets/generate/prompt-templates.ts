import fs from 'node:fs';
import path from 'node:path';
import { HangjiaError } from '../../errors/index.js';
import type { Language } from '../../prompt/index.js';
import { writeFileAtomic } from '../_atomic-write.js';
import { GENERATION_METHODS, type GenerationMethod } from './generation-method.js';

/** One template per method and language, keyed `<method>.<language>` (also the file name, plus `.md`). */
export type PromptTemplates = Record<`${GenerationMethod}.${Language}`, string>;

/** System messages: short, language-matched, and insisting on the text as the only source of facts. */
export const GENERATION_SYSTEM_PROMPTS: Record<Language, string> = {
  zh: '你是严谨的领域训练数据编写者。所有事实只能来自给定资料，不得编造；只输出符合要求的 JSON。',
  en: 'You write careful domain training data. Every fact must come from the given material; never invent any. Output only the requested JSON.',
};

/**
 * The default prompts. Placeholders in `{{double braces}}`: `{{chunk}}` (the chunk text), `{{heading}}`
 * (its heading path), `{{count}}` (items wanted), `{{seeds}}` (self-instruct examples), `{{instruction}}`
 * and `{{operations}}` (evol), `{{avoid}}` (items already made for this chunk, so retries add new ones).
 *
 * Self-QA questions must stand alone: a fine-tuned model is later asked without the passage, so a
 * question like "根据上文，…" teaches it nothing (the job also rejects such questions; see
 * `findPassageReference`).
 */
export const DEFAULT_PROMPT_TEMPLATES: PromptTemplates = {
  'self-qa.zh': `下面是一段领域资料（出处：{{heading}}）。

<资料>
{{chunk}}
</资料>

请根据这段资料编写 {{count}} 个问答对，要求：
1. 问题必须独立成立：读者没有看到资料也能理解问题。不要出现“根据上文”“本文”“文中”“上述”“这段资料”等指代资料的说法，要写出具体的对象名称。
2. 答案只能使用资料中的事实，完整、准确，用中文作答。
3. 问题之间不要重复，覆盖资料中不同的知识点。
{{avoid}}
以 JSON 输出：{"items": [{"question": "…", "answer": "…"}]}`,
  'self-qa.en': `Below is a passage of domain material (from: {{heading}}).

<material>
{{chunk}}
</material>

Write {{count}} question-answer pairs from it:
1. Each question must stand on its own: a reader who has not seen the material must understand it. Never write "according to the passage", "the text", "the document", "mentioned above" or similar; name the subject explicitly.
2. Answers use only facts from the material, completely and accurately, in English.
3. Questions must not repeat each other; cover different points of the material.
{{avoid}}
Output JSON: {"items": [{"question": "…", "answer": "…"}]}`,
  'self-instruct.zh': `以下是若干示例任务，展示任务的形式：

{{seeds}}

下面是一段领域资料（出处：{{heading}}）：

<资料>
{{chunk}}
</资料>

请仿照示例任务的形式（不要照抄内容），编写 {{count}} 个新的指令任务，任务所需的知识来自这段资料，要求：
1. 指令独立成立，不要出现“根据上文”“本文”“文中”等指代资料的说法；需要材料时放进 input 字段，否则 input 为空字符串。
2. output 只能使用资料中的事实，用中文作答。
3. 任务类型多样（解释、比较、判断、改写、列举、计算等）。
{{avoid}}
以 JSON 输出：{"items": [{"instruction": "…", "input": "…", "output": "…"}]}`,
  'self-instruct.en': `Here are some example tasks showing the form tasks take:

{{seeds}}

Below is a passage of domain material (from: {{heading}}):

<material>
{{chunk}}
</material>

Following the form of the examples (not their content), write {{count}} new instruction tasks whose knowledge comes from the material:
1. Instructions stand on their own; never refer to "the passage", "the text" or "the above". Put any material a task needs into "input", otherwise leave "input" as "".
2. "output" uses only facts from the material, in English.
3. Vary the task types (explain, compare, judge, rewrite, list, calculate).
{{avoid}}
Output JSON: {"items": [{"instruction": "…", "input": "…", "output": "…"}]}`,
  'evol.zh': `你要改写一条已有的指令，让它更有训练价值。已有指令：

{{instruction}}

改写所依据的领域资料（出处：{{heading}}）：

<资料>
{{chunk}}
</资料>

请给出 {{count}} 条改写，依次使用这些操作：{{operations}}。
- deepen（加深）：增加推理步骤或约束，要求更深入的理解；
- broaden（拓宽）：换到资料中相关但不同的知识点，扩大覆盖面；
- concretise（具体化）：把笼统的说法换成资料中的具体对象、数字和条件。
改写后的指令必须独立成立（不要出现“根据上文”“本文”等），output 只能使用资料中的事实，用中文作答。
{{avoid}}
以 JSON 输出：{"items": [{"operation": "deepen", "instruction": "…", "output": "…"}]}`,
  'evol.en': `Rewrite an existing instruction so it makes better training data. The instruction:

{{instruction}}

The domain material the rewrite must rely on (from: {{heading}}):

<material>
{{chunk}}
</material>

Give {{count}} rewrites, using these operations in order: {{operations}}.
- deepen: add reasoning steps or constraints that need deeper understanding;
- broaden: move to a related but different point of the material, widening coverage;
- concretise: replace general wording with the material's specific objects, numbers and conditions.
Each rewritten instruction stands on its own (never "according to the passage"); "output" uses only facts from the material, in English.
{{avoid}}
Output JSON: {"items": [{"operation": "deepen", "instruction": "…", "output": "…"}]}`,
  'dialogue.zh': `下面是一段领域资料（出处：{{heading}}）：

<资料>
{{chunk}}
</资料>

请编写 {{count}} 段用户与助手之间的多轮对话（每段 2 到 4 轮），要求：
1. 用户像真实用户一样提问和追问，第一句必须独立成立，不要出现“根据上文”“本文”“这段资料”等说法。
2. 助手的回答只能使用资料中的事实；资料没有的内容要如实说明不知道。
3. 用中文。
{{avoid}}
以 JSON 输出：{"items": [{"turns": [{"user": "…", "assistant": "…"}, {"user": "…", "assistant": "…"}]}]}`,
  'dialogue.en': `Below is a passage of domain material (from: {{heading}}):

<material>
{{chunk}}
</material>

Write {{count}} multi-turn conversations between a user and an assistant (2 to 4 turns each):
1. The user asks and follows up like a real user; the first message stands on its own and never mentions "the passage" or "the text".
2. The assistant uses only facts from the material and says plainly when the material does not cover something.
3. In English.
{{avoid}}
Output JSON: {"items": [{"turns": [{"user": "…", "assistant": "…"}, {"user": "…", "assistant": "…"}]}]}`,
};

/** Template keys in a stable order, e.g. for writing the defaults out. */
export const PROMPT_TEMPLATE_KEYS = GENERATION_METHODS.flatMap((method) => (['zh', 'en'] as const).map((language) => `${method}.${language}` as const));

/**
 * The default templates with any overrides from `directory`: a file `<method>.<language>.md`
 * (`self-qa.zh.md`, `dialogue.en.md`, …) replaces that template; other files are ignored. Start
 * from `writePromptTemplates(directory)`, edit, then pass the folder (`--prompts <dir>`).
 * Throws `E_PATH_NOT_FOUND` when the folder does not exist, and `E_USAGE` when an override drops
 * the `{{chunk}}` placeholder (the item could then not be grounded in the chunk).
 */
export function loadPromptTemplates(directory?: string): { templates: PromptTemplates; overridden: string[] } {
  const templates: PromptTemplates = { ...DEFAULT_PROMPT_TEMPLATES };
  const overridden: string[] = [];
  if (directory === undefined) return { templates, overridden };
  if (!fs.existsSync(directory) || !fs.statSync(directory).isDirectory()) {
    throw new HangjiaError('E_PATH_NOT_FOUND', `Prompt folder does not exist: ${directory}. Write the defaults there with "hangjia data generate --write-prompts ${directory}", then edit them.`, { details: { path: directory } });
  }
  for (const key of PROMPT_TEMPLATE_KEYS) {
    const file = path.join(directory, `${key}.md`);
    if (!fs.existsSync(file)) continue;
    const content = fs.readFileSync(file, 'utf8');
    if (!content.includes('{{chunk}}')) {
      throw new HangjiaError('E_USAGE', `Prompt template ${file} has no {{chunk}} placeholder: generated items would not be grounded in the knowledge base. Add {{chunk}} where the passage goes.`, { details: { path: file, template: key } });
    }
    templates[key] = content;
    overridden.push(key);
  }
  return { templates, overridden };
}

/** Writes the default templates as `<method>.<language>.md` files into `directory`; returns the paths. */
export function writePromptTemplates(directory: string): string[] {
  return PROMPT_TEMPLATE_KEYS.map((key) => {
    const file = path.join(directory, `${key}.md`);
    writeFileAtomic(file, `${DEFAULT_PROMPT_TEMPLATES[key]}\n`);
    return file;
  });
}

/** Replaces `{{name}}` placeholders; unknown placeholders stay as written so a typo is visible in the prompt. */
export function fillPromptTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/gu, (match, name: string) => (Object.hasOwn(values, name) ? values[name]! : match));
}

/**
 * A chunk's items are written in the chunk's language: `zh` when Han characters make up at least a
 * fifth of its word units (see `detectLanguage`). A share, not "any Han character" as questions
 * use, because English manuals quote Chinese names and Chinese statutes quote Latin codes.
 */
export const CHUNK_MINIMUM_HAN_SHARE = 0.2;
