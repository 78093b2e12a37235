/**
 * Scripted examinees for the scripted OpenAI-compatible server: replies computed from each chat
 * request, so exam runs can be checked against exact expected accuracies. Written by hand; no
 * generating command.
 */
import type { RecordedRequest, ScriptedOpenAIServer, ScriptedReply, ScriptStep } from '../../../../test/support/scripted-openai-server.js';
import type { ExamItem } from '../exam-item.js';

/** A non-streaming chat completion whose content is `text`. */
export function chatReply(text: string): ScriptedReply {
  return {
    json: {
      id: 'chatcmpl-examinee',
      object: 'chat.completion',
      created: 0,
      model: 'scripted-model',
      choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 100, completion_tokens: 3, total_tokens: 103 },
    },
  };
}

/** The last user message of a recorded chat request. */
export function lastUserMessage(request: RecordedRequest): string {
  const messages = (request.body as { messages?: { role: string; content: string }[] }).messages ?? [];
  return [...messages].reverse().find((message) => message.role === 'user')?.content ?? '';
}

/**
 * Finds the item a question turn asks and the letters that are right as the options are shown.
 * Independent of the code under test: the question is the text above the trailing `X. …` lines,
 * and each key letter is located by its option text among the shown lines (the shown order as
 * written comes first, so an item with two equal option texts is still answered by its key).
 */
export function createKeyLookup(items: readonly ExamItem[]): (content: string) => { item: ExamItem; letters: string[] } | undefined {
  const byQuestion = new Map<string, ExamItem[]>();
  for (const item of items) byQuestion.set(item.question.trim(), [...(byQuestion.get(item.question.trim()) ?? []), item]);
  return (content) => {
    const lines = content.split('\n');
    const shown: [string, string][] = [];
    while (lines.length > 0 && /^[A-Z]\. /.test(lines.at(-1)!)) {
      const line = lines.pop()!;
      shown.unshift([line[0]!, line.slice(3)]);
    }
    const question = lines.join('\n');
    const item = (byQuestion.get(question) ?? []).find((candidate) => {
      const texts = Object.values(candidate.choices).sort();
      const shownTexts = shown.map(([, text]) => text).sort();
      return texts.length === shownTexts.length && texts.every((text, index) => text === shownTexts[index]);
    });
    if (item === undefined) return undefined;
    const asWritten = shown.every(([letter, text]) => item.choices[letter] === text);
    if (asWritten) return { item, letters: item.answer };
    const letters = item.answer.map((letter) => shown.find(([, text]) => text === item.choices[letter])![0]).sort();
    return { item, letters };
  };
}

/** A step replying `答案：<key letters>` for the asked item (as its options are shown), or "不知道" for an unknown question. */
export function answerFromKey(items: readonly ExamItem[]): ScriptStep {
  const lookup = createKeyLookup(items);
  return (request) => {
    const found = lookup(lastUserMessage(request));
    return chatReply(found === undefined ? '不知道' : `答案：${found.letters.join('')}`);
  };
}

/** A step that always answers A, as a position-biased guesser would. */
export const alwaysA: ScriptStep = () => chatReply('A');

/** Queues `count` copies of `step` for chat completions (the server falls back to echo after). */
export function scriptChat(server: ScriptedOpenAIServer, step: ScriptStep, count: number): void {
  server.enqueue('/v1/chat/completions', ...Array.from({ length: count }, () => step));
}
