import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOpenAICompatibleChatModel } from '../../providers/index.js';
import { startScriptedOpenAIServer, textReply, type ScriptedOpenAIServer } from '../../../test/support/scripted-openai-server.js';
import { useTemporaryDirectories } from '../../../test/support/temporary-directory.js';
import { readActionsFile, writeActionsFile } from './actions-file.js';
import { mineActions, normalizeActionName } from './mine-actions.js';

const temporaryDirectory = useTemporaryDirectories();

const proposal = (...actions: Array<[string, string[]]>) => textReply(JSON.stringify({ actions: actions.map(([name, parameters]) => ({ name, parameters, description: `${name} meaning` })) }));

describe('mineActions', () => {
  let server: ScriptedOpenAIServer;
  beforeEach(async () => {
    server = await startScriptedOpenAIServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('folds synonyms, drops rare actions, counts frequency, and resumes after a failed question', async () => {
    const directory = temporaryDirectory();
    const proposalsFile = path.join(directory, 'actions.yaml.proposals.jsonl');
    const model = createOpenAICompatibleChatModel({ baseURL: server.baseURL, model: 'scripted-model', maxRetries: 0 });
    const questions = [
      { id: 'q1', question: '押金能退吗？' },
      { id: 'q2', question: '违约金过高怎么办？' },
      { id: 'q3', question: '去哪里起诉？' },
    ];
    server.enqueue(
      '/v1/chat/completions',
      proposal(['search', ['topic']], ['find_article', ['law', 'topic']], ['CHECK_COURT', ['place']]),
      proposal(['Retrieve', ['topic']], ['checkCourt', ['place']], ['ASK_LAWYER', []]),
      { status: 500, json: { error: { message: 'down' } } },
    );
    const first = await mineActions(questions, { model, proposalsFile, pricePerMillionTokens: 2 });
    expect(first.failed.map((failure) => failure.id)).toEqual(['q3']);
    expect(first.usage).toEqual({ inputTokens: 160, outputTokens: 40 });
    expect(first.estimatedCost).toBeCloseTo(0.0004, 10);

    server.enqueue('/v1/chat/completions', proposal(['FIND', ['topic']]));
    const progress: number[] = [];
    const second = await mineActions(questions, { model, proposalsFile, onProgress: (update) => progress.push(update.done) });
    expect(second.resumed).toBe(2);
    expect(second.failed).toEqual([]);
    expect(progress).toEqual([2, 3]);
    expect(server.requests).toHaveLength(4);
    const byName = new Map(second.actions.map((action) => [action.name, action]));
    expect(byName.get('FIND')?.frequency).toBe(3);
    expect(byName.get('FIND_ARTICLE')?.frequency).toBe(1);
    expect(byName.get('CHECK_COURT')).toMatchObject({ parameters: ['place'], kind: 'model', frequency: 2 });
    expect(second.dropped).toEqual([{ name: 'ASK_LAWYER', frequency: 1 }]);
    expect(second.actions[0]?.name).toBe('FIND');

    const out = path.join(directory, 'actions.yaml');
    writeActionsFile(out, { actions: second.actions, examples: [] });
    expect(readActionsFile(out).actions).toEqual(second.actions);
    fs.writeFileSync(out, 'actions:\n  - name: bad name\n');
    expect(() => readActionsFile(out)).toThrow(`${out}: actions[0] name must be UPPER_SNAKE_CASE; got "bad name"`);
  });

  it('normalises names', () => {
    expect(normalizeActionName('find law article')).toBe('FIND_ARTICLE');
    expect(normalizeActionName('summarizeText(x)')).toBe('SUMMARIZE_TEXT');
    expect(normalizeActionName('calculate')).toBe('COMPUTE');
  });
});
