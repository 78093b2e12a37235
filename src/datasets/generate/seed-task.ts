import fs from 'node:fs';
import { HangjiaError } from '../../errors/index.js';

/** An example task (self-instruct) or an instruction to evolve (evol). */
export interface SeedTask {
  instruction: string;
  input?: string;
  output?: string;
  /** evol: the chunks this instruction was made from (a generated file's `chunkIds`); matched first. */
  chunkIds?: string[];
}

/**
 * Reads seed tasks from JSONL: alpaca lines (`instruction`, `input`, `output`), OpenAI `messages`
 * lines (the first user and assistant turns, e.g. a file `hangjia data generate` wrote, whose
 * `chunkIds` are kept) or `{"question", "answer"}` lines. Throws `E_DATASET` naming the line.
 */
export function readSeedTasks(file: string): SeedTask[] {
  if (!fs.existsSync(file)) throw new HangjiaError('E_PATH_NOT_FOUND', `Seed file does not exist: ${file}`, { details: { path: file } });
  const seeds: SeedTask[] = [];
  fs.readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, index) => {
      if (line.trim() === '') return;
      let value: Record<string, unknown>;
      try {
        value = JSON.parse(line) as Record<string, unknown>;
      } catch (cause) {
        throw new HangjiaError('E_DATASET', `${file}:${index + 1}: not valid JSON.`, { details: { path: file, line: index + 1 }, cause });
      }
      const messages = Array.isArray(value.messages) ? (value.messages as Array<{ role?: unknown; content?: unknown }>) : undefined;
      const instruction = typeof value.instruction === 'string' ? value.instruction : typeof value.question === 'string' ? value.question : messages?.find((message) => message.role === 'user')?.content;
      const output = typeof value.output === 'string' ? value.output : typeof value.answer === 'string' ? value.answer : messages?.find((message) => message.role === 'assistant')?.content;
      if (typeof instruction !== 'string' || instruction.trim() === '') {
        throw new HangjiaError('E_DATASET', `${file}:${index + 1}: expected "instruction", "question" or "messages" with a user turn.`, { details: { path: file, line: index + 1 } });
      }
      seeds.push({
        instruction,
        ...(typeof value.input === 'string' && value.input ? { input: value.input } : {}),
        ...(typeof output === 'string' ? { output } : {}),
        ...(Array.isArray(value.chunkIds) ? { chunkIds: value.chunkIds.filter((id): id is string => typeof id === 'string') } : {}),
      });
    });
  return seeds;
}
