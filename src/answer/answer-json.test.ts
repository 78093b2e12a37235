import { describe, expect, it } from 'vitest';
import { useTemporaryDirectories } from '../../test/support/temporary-directory.js';
import { createHandbookKnowledgeBase } from './__fixtures__/handbook.js';
import { answerQuestion, answerToJson, type Answer } from './index.js';

const temporaryDirectory = useTemporaryDirectories();

/** An extractive answer (no model) from the handbook: real hits, citations and evidence. */
async function handbookAnswer(): Promise<Answer> {
  const kb = await createHandbookKnowledgeBase(temporaryDirectory);
  try {
    return await answerQuestion(kb, '试用期最长多久？', { k: 3 }).answer;
  } finally {
    kb.close();
  }
}

describe('answerToJson', () => {
  it('gives the server the summary and `ask --json` the full answer, the shared fields in one order', async () => {
    const answer = await handbookAnswer();
    const summary = answerToJson(answer, 'hr', 'summary');
    // The server's AskResponse, field for field.
    expect(Object.keys(summary)).toEqual(['knowledgeBase', 'question', 'standaloneQuestion', 'kind', 'refusal', 'answer', 'incomplete', 'citations', 'unsupportedSentences', 'evidence', 'model']);
    expect(summary).toMatchObject({ knowledgeBase: 'hr', question: '试用期最长多久？', kind: 'extractive', refusal: null, model: null, evidence: { score: answer.evidence.score, threshold: answer.evidenceThreshold } });
    expect(Object.keys(summary.evidence)).toEqual(['score', 'threshold']);

    const full = answerToJson(answer, 'hr', 'full');
    // What `ask --json` printed before the two mappings were one (no error, no --strict: those keys are left out).
    expect(Object.keys(full)).toEqual([
      'knowledgeBase', 'question', 'standaloneQuestion', 'kind', 'refusal', 'answer', 'incomplete', 'citations', 'unsupportedSentences',
      'removedMarkers', 'evidence', 'retrieval', 'droppedRanks', 'history', 'model', 'usage', 'tokens', 'timings',
    ]);
    expect(full.evidence).toEqual({ ...answer.evidence, threshold: answer.evidenceThreshold });
    // Retrieved passages carry their citable location and a one-line snippet instead of the text (the handbook's passages are under 160 characters, so the snippet is all of it).
    expect(full.retrieval![0]).toMatchObject({ rank: 1, chunkId: answer.hits[0]!.chunk.id, documentPath: answer.hits[0]!.documentPath, headingPath: answer.hits[0]!.chunk.headingPath });
    expect(full.retrieval![0]).not.toHaveProperty('text');
    expect(full.retrieval![0]!.snippet).toBe(answer.hits[0]!.chunk.text.replace(/\s+/g, ' ').trim().slice(0, 160));
  });
});
