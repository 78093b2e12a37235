import { defineCommand } from 'citty';
import { answerQuestion, answerToJson, finishedAnswerStream, type Answer } from '../../answer/index.js';
import { HangjiaError } from '../../errors/index.js';
import { answerWithStrategy } from '../../reasoning/index.js';
import { ANSWER_ARGS, openAnsweringFromFlags, printAnswerStream } from '../_answering.js';
import { printStrategyDetails, strategyToJson } from '../_strategy-output.js';
import { EXIT } from '../_exit-codes.js';

export default defineCommand({
  meta: { name: 'ask', description: 'Answer a question from a knowledge base, with [n] citations (extractive when no model is configured)' },
  args: {
    ...ANSWER_ARGS,
    question: { type: 'positional', description: 'The question (quote it)', required: true },
  },
  async run({ args, data }) {
    // Before anything else: opening the knowledge base and the model prints configuration hints
    // that mean nothing when there is no question to answer.
    if (args.question.trim() === '') {
      throw new HangjiaError('E_USAGE', 'The question is empty: ask something, e.g. hangjia ask <kb> "试用期最长多久？"', { details: { question: args.question } });
    }
    const answering = await openAnsweringFromFlags(data, args);
    const { session, terminal } = answering;
    try {
      if (answering.reasoning.strategy !== 'rag') {
        const result = await answerWithStrategy(answering.knowledgeBase, args.question, { ...answering.options, ...answering.reasoning });
        if (terminal.json) terminal.outJson({ ...answerToJson(result.answer, args.kb, 'full'), ...strategyToJson(result, Boolean(args.trace)) });
        else {
          await printAnswerStream(finishedAnswerStream(result.answer), terminal, (text) => session.streams.stdout.write(text));
          printStrategyDetails(result, terminal, Boolean(args.trace));
        }
        if (result.answer.incomplete) session.exitCode = EXIT.failure;
        return;
      }
      const stream = answerQuestion(answering.answerSource, args.question, answering.options);
      let answer: Answer;
      if (terminal.json) {
        answer = await stream.answer;
        terminal.outJson(answerToJson(answer, args.kb, 'full'));
      } else {
        answer = await printAnswerStream(stream, terminal, (text) => session.streams.stdout.write(text), answering.options.strict === true);
      }
      if (answer.incomplete) session.exitCode = EXIT.failure;
    } finally {
      await answering.close();
    }
  },
});
