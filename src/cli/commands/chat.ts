import readline from 'node:readline';
import { defineCommand } from 'citty';
import { answerQuestion, answerToJson, finishedAnswerStream, type ConversationTurn } from '../../answer/index.js';
import { HangjiaError } from '../../errors/index.js';
import { answerWithStrategy } from '../../reasoning/index.js';
import { ANSWER_ARGS, openAnsweringFromFlags, printAnswerStream } from '../_answering.js';
import { printStrategyDetails, strategyToJson } from '../_strategy-output.js';

export default defineCommand({
  meta: { name: 'chat', description: 'Talk with a knowledge base in the terminal; follow-ups are condensed for retrieval and answered with the recent turns in view (/exit to leave)' },
  args: ANSWER_ARGS,
  async run({ args, data }) {
    const answering = await openAnsweringFromFlags(data, args);
    const { session, terminal } = answering;
    // The prompt goes to stderr so that stdout carries only answers (pipe-friendly, like --json elsewhere).
    const lines = readline.createInterface({ input: session.stdin, output: process.stderr, terminal: Boolean(session.stdin.isTTY) });
    const history: ConversationTurn[] = [];
    terminal.info(`Chatting with "${args.kb}". Type /exit to leave.`);
    try {
      lines.setPrompt('> ');
      lines.prompt();
      for await (const line of lines) {
        const question = line.trim();
        if (question === '/exit' || question === '/quit') break;
        if (question !== '') {
          try {
            const reasoned = answering.reasoning.strategy === 'rag' ? undefined : await answerWithStrategy(answering.knowledgeBase, question, { ...answering.options, ...answering.reasoning, history });
            const stream = reasoned ? finishedAnswerStream(reasoned.answer) : answerQuestion(answering.answerSource, question, { ...answering.options, history });
            // --json: one JSON object per answer, on one line (JSON Lines), as `ask --json` gives it.
            const answer = terminal.json ? await stream.answer : await printAnswerStream(stream, terminal, (text) => session.streams.stdout.write(text), answering.options.strict === true);
            if (reasoned && !terminal.json) printStrategyDetails(reasoned, terminal, Boolean(args.trace));
            if (terminal.json) session.streams.stdout.write(`${JSON.stringify({ ...answerToJson(answer, args.kb, 'full'), ...(reasoned ? strategyToJson(reasoned, Boolean(args.trace)) : {}) })}\n`);
            if (answer.standaloneQuestion !== question) terminal.debug(`(searched for: ${answer.standaloneQuestion})`);
            if (answer.kind === 'generated' && history.length > 0) terminal.debug(`(earlier turns sent to the model: ${answer.history.sent}; left out: ${answer.history.omitted})`);
            history.push({ role: 'user', content: question }, { role: 'assistant', content: answer.text });
          } catch (error) {
            // One failed turn (endpoint down) should not end the conversation.
            if (!HangjiaError.is(error)) throw error;
            terminal.warn(`Error: ${error.message} [${error.code}]`);
          }
        }
        lines.prompt();
      }
    } finally {
      lines.close();
      await answering.close();
    }
  },
});
