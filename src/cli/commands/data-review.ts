import path from 'node:path';
import readline from 'node:readline';
import { defineCommand } from 'citty';
import {
  applyReviewDecisions,
  readDatasetFile,
  readReviewState,
  recordReviewDecision,
  reviewStatePath,
  reviewStatuses,
  toJsonLines,
  writeFileAtomic,
  writeReviewState,
  type DatasetRecord,
  type ReviewState,
} from '../../datasets/index.js';
import { openKnowledgeBase, type KnowledgeBase } from '../../knowledge-base/index.js';
import { createDefaultComponents } from '../../presets/index.js';
import { snippet } from '../_format.js';
import { COMMON_ARGS, listFlag, openSession } from '../_session.js';
import type { Terminal } from '../_terminal.js';

const LIST_FILTERS = ['pending', 'accept', 'edit', 'reject', 'all'] as const;

export default defineCommand({
  meta: { name: 'review', description: 'Review generated items: accept, edit or reject them (interactively, or with flags); decisions go to <file>.review.json' },
  args: {
    file: { type: 'positional', description: 'Dataset file (JSONL), e.g. the output of "hangjia data generate"', required: true },
    accept: { type: 'string', description: 'Accept items (comma-separated ids)' },
    reject: { type: 'string', description: 'Reject items (comma-separated ids); say why with --reason' },
    reason: { type: 'string', description: 'Why the items are rejected' },
    edit: { type: 'string', description: 'Edit one item: give --output "…" and/or --instruction "…"' },
    output: { type: 'string', description: 'The corrected answer (last assistant turn) for --edit' },
    instruction: { type: 'string', description: 'The corrected question (first user turn) for --edit' },
    list: { type: 'enum', options: [...LIST_FILTERS], description: 'List items with that status' },
    apply: { type: 'string', description: 'Write the reviewed dataset here: rejected items dropped, edits applied' },
    'only-approved': { type: 'boolean', description: 'With --apply: drop items nobody has reviewed yet' },
    kb: { type: 'string', description: 'Knowledge base to show source chunks from (default: the one named in the items)' },
    ...COMMON_ARGS,
  },
  async run({ args, data }) {
    const { session, terminal, loaded } = openSession(data, args);
    const file = path.resolve(session.cwd, args.file);
    const read = readDatasetFile(file);
    for (const problem of read.problems) terminal.warn(`${args.file}:${problem.line}: ${problem.message}`);
    const state = readReviewState(file);
    const statuses = reviewStatuses(read.records, state);
    const knownIds = new Set(statuses.map((entry) => entry.id));
    const decided: string[] = [];

    for (const id of listFlag(args.accept)) decided.push(recordReviewDecision(state, { id, action: 'accept' }, { knownIds }).id);
    for (const id of listFlag(args.reject)) decided.push(recordReviewDecision(state, { id, action: 'reject', ...(args.reason ? { reason: args.reason } : {}) }, { knownIds }).id);
    if (args.edit) {
      const edited = { ...(args.output === undefined ? {} : { output: args.output }), ...(args.instruction === undefined ? {} : { instruction: args.instruction }) };
      decided.push(recordReviewDecision(state, { id: args.edit, action: 'edit', edited }, { knownIds }).id);
    }
    if (decided.length) writeReviewState(file, state);

    if (args.list) {
      const listed = reviewStatuses(read.records, state).filter((entry) => args.list === 'all' || entry.status === args.list);
      if (terminal.json) return terminal.outJson(listed.map((entry) => ({ id: entry.id, status: entry.status, question: firstUser(entry.record), decision: state.decisions[entry.id] ?? null })));
      for (const entry of listed) terminal.out(`${entry.id}\t${entry.status}\t${snippet(firstUser(entry.record), 60)}`);
      return;
    }
    if (args.apply) {
      const result = applyReviewDecisions(read.records, state, { keepPending: !args['only-approved'] });
      const target = path.resolve(session.cwd, args.apply);
      writeFileAtomic(target, toJsonLines(result.records.map((record) => record.raw ?? { messages: record.turns })));
      if (terminal.json) return terminal.outJson({ output: target, counts: result.counts, unmatched: result.unmatched });
      terminal.out(`wrote ${result.records.length} items to ${target} (accepted ${result.counts.accepted}, edited ${result.counts.edited}, rejected ${result.counts.rejected}, pending ${result.counts.pending}${result.counts.pendingDropped ? ` — ${result.counts.pendingDropped} dropped` : ''})`);
      return;
    }
    if (decided.length) {
      if (terminal.json) return terminal.outJson({ decided: decided.map((id) => state.decisions[id]), reviewFile: reviewStatePath(file) });
      for (const id of decided) terminal.out(`${state.decisions[id]!.action} ${id}`);
      terminal.out(`saved ${reviewStatePath(file)}`);
      return;
    }
    await reviewInteractively(read.records, state, file, { terminal, stdin: session.stdin, openKb: (name) => openKnowledgeBase({ home: loaded.config.home, storeUrl: loaded.config.store.url, name }, createDefaultComponents(loaded.config)), kbName: args.kb });
  },
});

function firstUser(record: DatasetRecord): string {
  return record.turns.find((turn) => turn.role === 'user')?.content ?? record.text;
}

/**
 * The terminal review loop: shows each pending item with its source chunk and reads one key per
 * item — a(ccept), e(dit: then the new answer on one line), r(eject: then a reason), s(kip), q(uit).
 * Every decision is saved at once, so quitting (or a crash) loses nothing.
 */
async function reviewInteractively(
  records: DatasetRecord[],
  state: ReviewState,
  file: string,
  context: { terminal: Terminal; stdin: NodeJS.ReadableStream; openKb: (name: string) => KnowledgeBase; kbName: string | undefined },
): Promise<void> {
  const { terminal } = context;
  const pending = reviewStatuses(records, state).filter((entry) => entry.status === 'pending');
  if (pending.length === 0) return terminal.out('Nothing pending: every item has a decision.');
  const reader = readline.createInterface({ input: context.stdin, terminal: false });
  const lines = reader[Symbol.asyncIterator]();
  const ask = async (prompt: string): Promise<string | undefined> => {
    terminal.out(prompt);
    const next = await lines.next();
    return next.done ? undefined : String(next.value).trim();
  };
  const knowledgeBases = new Map<string, KnowledgeBase | undefined>();
  const chunkText = (record: DatasetRecord): string | undefined => {
    const raw = record.raw ?? {};
    const chunkId = Array.isArray(raw.chunkIds) ? (raw.chunkIds[0] as string | undefined) : undefined;
    const name = context.kbName ?? (raw.source as { knowledgeBase?: string } | undefined)?.knowledgeBase;
    if (!chunkId || !name) return undefined;
    if (!knowledgeBases.has(name)) {
      try {
        knowledgeBases.set(name, context.openKb(name));
      } catch (error) {
        terminal.warn(`Cannot show source chunks: ${(error as Error).message}`);
        knowledgeBases.set(name, undefined);
      }
    }
    return knowledgeBases.get(name)?.store.chunksByIds([chunkId]).get(chunkId)?.chunk.text;
  };
  let reviewed = 0;
  try {
    for (const [position, entry] of pending.entries()) {
      const source = (entry.record.raw?.source ?? {}) as { documentPath?: string; headingPath?: string[] };
      terminal.out(`\n── ${position + 1}/${pending.length}  ${entry.id}`);
      if (source.documentPath) terminal.out(`source: ${source.documentPath}${source.headingPath?.length ? `  ${source.headingPath.join(' › ')}` : ''}`);
      const text = chunkText(entry.record);
      if (text !== undefined) terminal.out(`chunk:  ${snippet(text, 400)}`);
      for (const turn of entry.record.turns) terminal.out(`${turn.role === 'user' ? 'Q' : 'A'}: ${turn.content}`);
      const key = (await ask('[a]ccept  [e]dit  [r]eject  [s]kip  [q]uit'))?.toLowerCase();
      if (key === undefined || key === 'q') break;
      if (key === 's') continue;
      if (key === 'a') recordReviewDecision(state, { id: entry.id, action: 'accept' });
      else if (key === 'e') {
        const answer = await ask('New answer (one line; empty keeps the old one):');
        if (answer === undefined) break;
        if (answer === '') continue;
        recordReviewDecision(state, { id: entry.id, action: 'edit', edited: { output: answer } });
      } else if (key === 'r') {
        const reason = await ask('Reason (optional):');
        recordReviewDecision(state, { id: entry.id, action: 'reject', ...(reason ? { reason } : {}) });
      } else {
        terminal.warn(`Unknown key "${key}": use a, e, r, s or q. Skipped.`);
        continue;
      }
      writeReviewState(file, state);
      reviewed += 1;
    }
  } finally {
    reader.close();
    for (const kb of knowledgeBases.values()) kb?.close();
  }
  const remaining = reviewStatuses(records, state).filter((entry) => entry.status === 'pending').length;
  terminal.out(`\nreviewed ${reviewed}; ${remaining} pending. Decisions in ${reviewStatePath(file)}.`);
}
