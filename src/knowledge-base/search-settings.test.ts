import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config/index.js';
import { DEFAULT_BM25_PARAMS } from '../index/index.js';
import { createDefaultComponents } from '../presets/index.js';
import { DEFAULT_CITATION_PARAMS, DEFAULT_GROUP_PARAMS, DEFAULT_TOPIC_PARAMS } from '../retrieval/index.js';
import { useTemporaryDirectories, writeFiles } from '../../test/support/temporary-directory.js';
import { createKnowledgeBase, DEFAULT_SEARCH_SETTINGS, openKnowledgeBase, resolveSearchSettings, type SearchSettings } from './index.js';

const temporaryDirectory = useTemporaryDirectories();

const MANUAL = `# XR-5400 User Guide

## Reset

Hold the RESET button for 10 seconds until the power light blinks.

## Mesh

Press the MESH button on both units within two minutes to pair them.

## Ports

The WAN port takes the cable from your modem.
`;

describe('search settings', () => {
  it('define each default once: the configuration and the engine share them', () => {
    expect(DEFAULT_CONFIG.search).toEqual(DEFAULT_SEARCH_SETTINGS);
    expect(resolveSearchSettings()).toEqual(DEFAULT_SEARCH_SETTINGS);
    // The lexical defaults are the engine's and its stages', not copies of their numbers.
    expect(DEFAULT_SEARCH_SETTINGS).toMatchObject({
      k1: DEFAULT_BM25_PARAMS.k1,
      titleWeight: DEFAULT_BM25_PARAMS.weights.title,
      headingsWeight: DEFAULT_BM25_PARAMS.weights.headings,
      groupWeight: DEFAULT_GROUP_PARAMS.weight,
      topicWeight: DEFAULT_TOPIC_PARAMS.weight,
      citationWeight: DEFAULT_CITATION_PARAMS.weight,
    });
  });

  it('merge layers over the defaults, later ones winning and undefined values leaving the one below', () => {
    const opened = resolveSearchSettings({ k: 8, groupWeight: 0.5 });
    expect(opened).toEqual({ ...DEFAULT_SEARCH_SETTINGS, k: 8, groupWeight: 0.5 });
    expect(resolveSearchSettings(opened, { k: 2, mode: 'lexical', groupWeight: undefined })).toEqual({ ...DEFAULT_SEARCH_SETTINGS, k: 2, mode: 'lexical', groupWeight: 0.5 });
    // Keys that are not settings (a call's access filter, its notices) are not settings.
    expect(resolveSearchSettings({ k: 3, onRebuild: () => {} } as Partial<SearchSettings>)).toEqual({ ...DEFAULT_SEARCH_SETTINGS, k: 3 });
    expect(() => resolveSearchSettings({ k1: Number.NaN })).toThrow(expect.objectContaining({ code: 'E_USAGE', details: { setting: 'k1', value: Number.NaN } }));
  });

  it('are resolved when a knowledge base opens, and a search call overrides them for that call only', async () => {
    const home = temporaryDirectory();
    const root = temporaryDirectory();
    writeFiles(root, { 'manual.md': MANUAL });
    const settings = { sources: [root], include: [], exclude: [], maxFileBytes: DEFAULT_CONFIG.ingest.maxFileBytes, chunking: DEFAULT_CONFIG.chunking };
    const open = (search: Partial<SearchSettings>) => openKnowledgeBase({ home, name: 'manual' }, createDefaultComponents({ ...DEFAULT_CONFIG, search: { ...DEFAULT_CONFIG.search, ...search } }));
    const created = createKnowledgeBase({ home, name: 'manual', settings }, createDefaultComponents(DEFAULT_CONFIG));
    await created.sync();
    created.close();

    // The configuration's k is the knowledge base's default; a call's k wins for that call.
    const configured = open({ k: 1 });
    expect(configured.searchSettings.k).toBe(1);
    expect((await configured.search('button')).hits).toHaveLength(1);
    expect((await configured.search('button', { k: 2 })).hits).toHaveLength(2);
    expect((await configured.search('button')).hits).toHaveLength(1);

    // A call that turns group evidence off ranks as a knowledge base opened with it off.
    const perCall = await configured.search('button', { k: 2, groupWeight: 0 });
    configured.close();
    const ungrouped = open({ groupWeight: 0 });
    const opened = await ungrouped.search('button', { k: 2 });
    ungrouped.close();
    expect(perCall.hits.map((hit) => [hit.chunk.id, hit.score])).toEqual(opened.hits.map((hit) => [hit.chunk.id, hit.score]));

    // With group evidence, each hit's scores tag the first pass and what the group stage added.
    const grouped = open({});
    const { hits } = await grouped.search('button', { k: 2 });
    grouped.close();
    for (const [position, hit] of hits.entries()) {
      const [lexical] = hit.scores;
      expect(hit.scores).toHaveLength(1);
      expect(lexical).toMatchObject({ retriever: 'lexical', rank: position + 1 });
      expect(lexical!.stages!.map(({ stage }) => stage)).toEqual(['bm25f', 'group']);
      const [firstPass, group] = lexical!.stages!;
      expect(firstPass!.score).toBeCloseTo(opened.hits.find((other) => other.chunk.id === hit.chunk.id)!.score, 10);
      expect(firstPass!.score + group!.score).toBeCloseTo(lexical!.score, 10);
    }
  });
});
