import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLlamaCppChatModel } from '../../providers/index.js';
import { ensureTinyGguf } from '../../../test/fixtures/make-tiny-gguf.js';
import { useTemporaryDirectories } from '../../../test/support/temporary-directory.js';
import { generateDataset, type GeneratedItem } from './index.js';

const temporaryDirectory = useTemporaryDirectories();

describe('generateDataset with the in-process tiny GGUF', () => {
  it('produces schema-shaped items through a JSON grammar (content is meaningless: random weights)', async () => {
    const model = createLlamaCppChatModel({ modelPath: await ensureTinyGguf(), threads: 1, contextSize: 2048 });
    const kb = { name: 'tiny', store: { iterateChunks: () => [{ chunk: { id: 'doc#0', text: '试用期最长多久', headingPath: ['劳动合同'] }, documentPath: 'law.txt', documentTitle: 'law' }] } };
    const output = path.join(temporaryDirectory(), 'tiny.jsonl');
    try {
      const result = await generateDataset({ kb, model, method: 'self-qa', perChunk: 1, maxRetries: 1, retryDelayMs: 1, temperature: 0, maxTokens: 400, output });
      // A random-weight model may run out of tokens inside a string (E_MODEL_OUTPUT) or write an
      // empty or passage-referencing question; what must hold is that nothing malformed is written.
      expect(result.chunksDone + result.chunksFailed).toBe(1);
      if (result.items > 0) {
        const item = JSON.parse(fs.readFileSync(output, 'utf8').trim()) as GeneratedItem;
        expect(item).toMatchObject({ id: 'doc#0:self-qa:0', chunkIds: ['doc#0'], model: expect.stringMatching(/^llama-cpp:/u) as unknown });
        expect(item.messages.map((message) => [message.role, typeof message.content])).toEqual([['user', 'string'], ['assistant', 'string']]);
      } else {
        // What the tiny model does in practice: the grammar forces the schema's shape, then it loops
        // inside the question string until maxTokens, and the job records the failure with the evidence.
        expect(result.failures[0]).toMatchObject({ chunkId: 'doc#0', code: 'E_MODEL_OUTPUT', attempts: 2 });
        expect(result.failures[0]!.message).toMatch(/Output: \{ ?"items": ?\[ ?\{ ?"question": ?"/u);
        // Both calls ran to maxTokens and produced nothing usable; their tokens still count, all of them wasted.
        expect(result.usage.outputTokens).toBe(2 * 400);
        expect(result.usage.inputTokens).toBeGreaterThan(0);
        expect(result.wastedUsage).toEqual(result.usage);
      }
    } finally {
      await model.dispose();
    }
  });
});
