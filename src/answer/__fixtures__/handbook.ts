import { DEFAULT_CONFIG } from '../../config/index.js';
import { createKnowledgeBase, type KnowledgeBase } from '../../knowledge-base/index.js';
import { createDefaultComponents } from '../../presets/index.js';
import { writeFiles } from '../../../test/support/temporary-directory.js';

/** A four-article employee handbook: small enough to reason about every hit in the answer tests. */
export const HANDBOOK = `# 星河网络员工手册

## 第二章 劳动合同

### 第二条 试用期

劳动合同期限三年以上的，试用期不得超过六个月。劳动合同期限一年以上不满三年的，试用期不得超过二个月。

### 第三条 试用期工资

员工在试用期的工资不得低于本单位相同岗位最低档工资的百分之八十，并不得低于当地最低工资标准。

### 第四条 解除

员工在试用期内提前三日通知公司，可以解除劳动合同。

## 第三章 休假

### 第五条 年休假

员工累计工作满一年不满十年的，年休假五天；满十年不满二十年的，年休假十天。
`;

/** OpenAI-compatible SSE chunks that deliver `pieces` one by one, then finish with usage. */
export function chatStreamEvents(pieces: string[], usage = { prompt_tokens: 120, completion_tokens: 40 }): Array<object | string> {
  const base = { id: 'chatcmpl-test', object: 'chat.completion.chunk', created: 0, model: 'scripted-model' };
  return [
    ...pieces.map((content) => ({ ...base, choices: [{ index: 0, delta: { content }, finish_reason: null }] })),
    { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } },
    '[DONE]',
  ];
}

/** A synced knowledge base `hr` over {@link HANDBOOK}, in folders from `temporaryDirectory`. */
export async function createHandbookKnowledgeBase(temporaryDirectory: () => string): Promise<KnowledgeBase> {
  const root = temporaryDirectory();
  writeFiles(root, { 'handbook.md': HANDBOOK });
  const kb = createKnowledgeBase(
    { home: temporaryDirectory(), name: 'hr', settings: { sources: [root], include: [], exclude: [], maxFileBytes: 1e8, chunking: DEFAULT_CONFIG.chunking } },
    createDefaultComponents(DEFAULT_CONFIG),
  );
  await kb.sync();
  return kb;
}
