import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openKnowledgeBase, sqliteDatabaseOf, type KnowledgeBase } from '../knowledge-base/index.js';
import { createDefaultComponents } from '../presets/index.js';
import { useTemporaryDirectories } from '../../test/support/temporary-directory.js';
import { createTestKnowledgeBase, testConfig } from './__fixtures__/test-server.js';
import { KnowledgeBaseRegistry } from './knowledge-base-registry.js';
import { sqliteOnly } from '../../test/support/postgres.js';

const sqliteFile = sqliteOnly('it reads the SQLite file directly');

const temporaryDirectory = useTemporaryDirectories();

describe('KnowledgeBaseRegistry', () => {
  it('keeps readers on the previous complete index while another connection syncs, and swaps once it is done', async () => {
    const home = temporaryDirectory();
    const sources = temporaryDirectory();
    await createTestKnowledgeBase(home, sources, 'hr');
    const components = createDefaultComponents(testConfig(home));
    const registry = new KnowledgeBaseRegistry(home, components);
    const titles = () => registry.use('hr', async (knowledgeBase) => (await knowledgeBase.search('病假 医院证明', { k: 5 })).hits.map((hit) => hit.documentTitle));
    expect(await titles()).not.toContain('请假');

    registry.pin('hr');
    fs.writeFileSync(path.join(sources, 'leave.md'), '# 请假\n\n病假需要提交医院证明。\n');
    const writer = openKnowledgeBase({ home, name: 'hr' }, components);
    const generationBefore = await registry.use('hr', (knowledgeBase) => knowledgeBase.store.generation());
    await writer.sync();
    // The writer committed a new generation and index; the pinned reader still sees the old ones, and does not rebuild.
    expect(writer.store.generation()).toBeGreaterThan(generationBefore);
    expect(await registry.use('hr', (knowledgeBase) => knowledgeBase.store.generation())).toBe(generationBefore);
    expect(await titles()).not.toContain('请假');
    writer.close();

    registry.refresh('hr');
    expect(await titles()).toContain('请假');
    registry.closeAll();
  });

  sqliteFile.it('closes a replaced instance only when the request using it is done', async () => {
    const home = temporaryDirectory();
    await createTestKnowledgeBase(home, temporaryDirectory(), 'hr');
    const registry = new KnowledgeBaseRegistry(home, createDefaultComponents(testConfig(home)));
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let used: KnowledgeBase | undefined;
    const request = registry.use('hr', async (knowledgeBase) => {
      used = knowledgeBase;
      await held;
      return knowledgeBase.store.counts().documents;
    });
    registry.refresh('hr');
    expect(sqliteDatabaseOf(used!.store, 'this test').open).toBe(true);
    release();
    expect(await request).toBe(1);
    expect(sqliteDatabaseOf(used!.store, 'this test').open).toBe(false);
    registry.closeAll();
  });
});
