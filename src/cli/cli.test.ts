import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliCaptured } from '../../test/support/run-cli.js';
import { useTemporaryDirectories, writeFiles } from '../../test/support/temporary-directory.js';

const temporaryDirectory = useTemporaryDirectories();

const HANDBOOK = '员工手册\n\n第一章 总则\n\n第一条 试用期不得超过六个月。\n\n第二条 年休假每年十五天。\n';

describe('hangjia CLI', () => {
  it('creates, lists, searches, reindexes and removes a knowledge base', async () => {
    const home = temporaryDirectory();
    const root = temporaryDirectory();
    writeFiles(root, { 'handbook.txt': HANDBOOK, 'guide.md': '# Router\n\n## Reset\n\nHold RESET for 10 seconds to restore the admin password.\n' });

    const created = await runCliCaptured(['kb', 'create', 'hr', root, '--quiet'], { home });
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('hr: 2 files found — 2 added, 0 updated, 0 unchanged, 0 removed, 0 failed, 0 skipped');

    const listed = await runCliCaptured(['kb', 'list', '--json'], { home });
    expect(JSON.parse(listed.stdout).knowledgeBases).toMatchObject([{ name: 'hr', documents: 2, sourceFiles: 2, failedFiles: 0 }]);

    const searched = await runCliCaptured(['search', 'hr', '年假有几天', '-k', '1', '--json'], { home });
    expect(searched.code, searched.stderr).toBe(0);
    const result = JSON.parse(searched.stdout) as { mode: string; hits: Array<Record<string, unknown>> };
    expect(result.mode).toBe('lexical');
    expect(result.hits).toHaveLength(1);
    expect(result.hits[0]).toMatchObject({ rank: 1, documentPath: path.join(root, 'handbook.txt'), headingPath: ['员工手册', '第一章 总则', '第二条'] });

    const text = await runCliCaptured(['search', 'hr', 'reset admin password'], { home });
    expect(text.stdout).toMatch(/^\[1\] \d+\.\d{3} {2}.*guide\.md {2}\(\d+–\d+\)\n {4}Router › Reset\n/);
    // Each hit says which of the question's words it matched (character n-grams left out).
    const matchedLine = text.stdout.split('\n').find((line) => line.startsWith('    matched: '));
    expect(matchedLine?.slice('    matched: '.length).split(' · ').sort()).toEqual(['admin', 'password', 'reset']);
    // --explain adds what the lexical first pass and each rescoring stage gave the hit; --json carries the same.
    const explained = await runCliCaptured(['search', 'hr', 'reset admin password', '--explain'], { home });
    expect(explained.stdout).toMatch(/\n {4}scores: lexical \d+\.\d{3} \(bm25f \d+\.\d{3}( \+ \w+ \d+\.\d{3})*\) #1\n/);
    const explainedJson = JSON.parse((await runCliCaptured(['search', 'hr', 'reset admin password', '--json'], { home })).stdout) as { hits: Array<{ score: number; scores: Array<{ retriever: string; score: number; stages: Array<{ stage: string; score: number }> }> }> };
    const [lexical] = explainedJson.hits[0]!.scores;
    expect(lexical!.stages[0]!.stage).toBe('bm25f');
    expect(lexical!.stages.reduce((sum, stage) => sum + stage.score, 0)).toBeCloseTo(explainedJson.hits[0]!.score, 10);

    const stats = await runCliCaptured(['kb', 'stats', 'hr', '--json'], { home });
    expect(JSON.parse(stats.stdout)).toMatchObject({ name: 'hr', documents: 2, indexCurrent: true });
    // The index records the settings it was built with; the text view shows them.
    expect(JSON.parse(stats.stdout).index.lexical.params).toEqual({ k1: 1.2, b: { title: 0.5, headings: 0.5, text: 0.75 }, weights: { title: 1.5, headings: 1.5, text: 1 } });
    const statsText = (await runCliCaptured(['kb', 'stats', 'hr'], { home })).stdout;
    expect(statsText).toContain('lexical         k1 1.2; field weights title 1.5, headings 1.5, text 1\n');
    // Two documents are far too few to learn word vectors from.
    expect(JSON.parse(stats.stdout).index.lexical.topicWords).toBe(0);
    expect(statsText).toContain('topic vectors   none (too few frequent words to learn them)\n');

    const reindexed = await runCliCaptured(['kb', 'reindex', 'hr'], { home });
    expect(reindexed.stdout).toMatch(/^hr: indexed \d+ chunks in \d+ ms\n$/);

    const removed = await runCliCaptured(['kb', 'remove', 'hr'], { home });
    expect(removed.code).toBe(0);
    expect(fs.existsSync(path.join(home, 'kb', 'hr'))).toBe(false);
  });

  it('records a user dictionary in the knowledge base and indexes with it', async () => {
    const home = temporaryDirectory();
    const root = temporaryDirectory();
    writeFiles(root, { 'notes.md': '# 笔记\n\n星河云管家可以远程重启路由器。\n' });
    const dictionary = path.join(root, 'terms.txt');
    fs.writeFileSync(dictionary, '# product names\n星河云管家\n\n');
    const created = await runCliCaptured(['kb', 'create', 'terms', path.join(root, 'notes.md'), '--user-dictionary', dictionary, '--quiet'], { home });
    expect(created.code, created.stderr).toBe(0);
    const stats = JSON.parse((await runCliCaptured(['kb', 'stats', 'terms', '--json'], { home })).stdout) as { settings: { userDictionary: string[] }; index: { analyzer: { name: string } } };
    expect(stats.settings.userDictionary).toEqual(['星河云管家']);
    expect(stats.index.analyzer.name).toMatch(/custom-/);
    const searched = JSON.parse((await runCliCaptured(['search', 'terms', '星河云管家', '--json'], { home })).stdout) as { hits: Array<{ matchedTerms: string[] }> };
    expect(searched.hits[0]!.matchedTerms).toContain('星河云管家');
  });

  it('exits 1 and names the file when an input cannot be read, after ingesting the rest', async () => {
    const home = temporaryDirectory();
    const root = temporaryDirectory();
    writeFiles(root, { 'ok.md': '# Fine\n\nReadable text.\n', 'bad.docx': 'not a zip archive' });
    const run = await runCliCaptured(['kb', 'create', 'mixed', root], { home });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('1 added');
    expect(run.stderr).toContain(`✗ ${path.join(root, 'bad.docx')}`);
  });

  it('gives usage errors exit status 2 with a message that names the input', async () => {
    const home = temporaryDirectory();
    const missingKb = await runCliCaptured(['search', 'ghost', 'anything'], { home });
    expect(missingKb.code).toBe(2);
    expect(missingKb.stderr).toContain('Knowledge base "ghost" does not exist');

    const missingPath = await runCliCaptured(['kb', 'create', 'x', '/definitely/not/here'], { home });
    expect(missingPath.code).toBe(2);
    expect(missingPath.stderr).toContain('/definitely/not/here');

    const badK = await runCliCaptured(['search', 'ghost', 'q', '-k', 'many'], { home });
    expect(badK.code).toBe(2);
    expect(badK.stderr).toContain('--k must be a number from 1 to 1000; got "many"');

    const unknown = await runCliCaptured(['frobnicate'], { home });
    expect(unknown.code).toBe(2);
  });

  it('evaluates retrieval on a BEIR folder and writes a TREC run file', async () => {
    const home = temporaryDirectory();
    const dataset = temporaryDirectory();
    writeFiles(dataset, {
      'corpus.jsonl': [
        { id: 'd1', title: '劳动合同法第十九条', text: '劳动合同期限三年以上的，试用期不得超过六个月。' },
        { id: 'd2', title: '劳动法第四十五条', text: '劳动者连续工作一年以上的，享受带薪年休假。' },
        { id: 'd3', title: 'Router guide', text: 'Hold the reset button for ten seconds.' },
      ].map((row) => JSON.stringify(row)).join('\n'),
      'queries.jsonl': [{ id: 'q1', text: '试用期最长多久' }, { id: 'q2', text: 'how to reset the router' }].map((row) => JSON.stringify(row)).join('\n'),
      'qrels.tsv': 'q1\td1\t1\nq2\td3\t1\n',
    });
    const runFile = path.join(dataset, 'run.tsv');
    const run = await runCliCaptured(['eval', 'retrieval', dataset, '--run-out', runFile, '--json', '--quiet'], { home });
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as { metrics: Record<string, number>; evaluatedQueries: number };
    // Each query's only relevant document is ranked first, so every metric is exactly 1.
    expect(summary.metrics).toEqual({ 'ndcg@10': 1, 'recall@100': 1, 'mrr@10': 1 });
    expect(summary.evaluatedQueries).toBe(2);
    const firstLines = fs.readFileSync(runFile, 'utf8').split('\n').filter((line) => line.startsWith('q1 '));
    expect(firstLines[0]).toMatch(/^q1 Q0 d1 1 [\d.]+ hangjia\.\S+$/);
    expect((summary as unknown as { lexical: unknown }).lexical).toEqual({ k1: 1.2, titleWeight: 1.5, headingsWeight: 1.5, groupWeight: 0.2, topicWeight: 0.8, citationWeight: 0.2 });
  });

  it('evaluates retrieval with the lexical settings of the configuration, and names a bad one', async () => {
    const home = temporaryDirectory();
    const dataset = temporaryDirectory();
    writeFiles(dataset, {
      // The router's name is in d2's title only: with the title weight at 0 the query cannot reach it.
      'corpus.jsonl': [
        { id: 'd1', title: '劳动合同法第十九条', text: '劳动合同期限三年以上的，试用期不得超过六个月。' },
        { id: 'd2', title: 'XR-5400 路由器', text: 'Hold the reset button for ten seconds.' },
      ].map((row) => JSON.stringify(row)).join('\n'),
      'queries.jsonl': JSON.stringify({ id: 'q1', text: '路由器' }),
      'qrels.tsv': 'q1\td2\t1\n',
      'title-off.yaml': 'search:\n  titleWeight: 0\n  groupWeight: 0\n',
      'bad.yaml': 'search:\n  k1: 0\n',
    });
    const withTitles = await runCliCaptured(['eval', 'retrieval', dataset, '--json', '--quiet'], { home });
    expect(JSON.parse(withTitles.stdout).metrics['ndcg@10']).toBe(1);
    const run = await runCliCaptured(['eval', 'retrieval', dataset, '--config', path.join(dataset, 'title-off.yaml'), '--json', '--quiet'], { home });
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as { metrics: Record<string, number>; lexical: unknown };
    expect(summary.metrics['ndcg@10']).toBe(0);
    expect(summary.lexical).toEqual({ k1: 1.2, titleWeight: 0, headingsWeight: 1.5, groupWeight: 0, topicWeight: 0.8, citationWeight: 0.2 });
    // --set does the same for one run, and names what it does not understand.
    const set = await runCliCaptured(['eval', 'retrieval', dataset, '--set', 'search.titleWeight=0, search.groupWeight=0', '--json', '--quiet'], { home });
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ metrics: { 'ndcg@10': 0 }, lexical: { titleWeight: 0, groupWeight: 0 } });
    const shown = await runCliCaptured(['config', 'show', '--set', 'search.k1=0.9'], { home });
    expect(shown.stdout).toMatch(/search\.k1\s+0\.9\s+\(flag\)/);
    const malformed = await runCliCaptured(['eval', 'retrieval', dataset, '--set', 'titleWeight'], { home });
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('--set takes key=value pairs separated by commas (e.g. search.titleWeight=0); got "titleWeight".');
    const unknown = await runCliCaptured(['eval', 'retrieval', dataset, '--set', 'search.titleWieght=0'], { home });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown setting "search.titleWieght" (from flag)');
    const bad = await runCliCaptured(['eval', 'retrieval', dataset, '--config', path.join(dataset, 'bad.yaml'), '--quiet'], { home });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Setting "search.k1" must be from 0 (exclusive) to 100; got 0');
  });
});
