import fs from 'node:fs';
import pg from 'pg';
import { expect, it } from 'vitest';
import { needsPostgres } from '../../../test/support/test-postgres.js';
import { useTemporaryDirectories } from '../../../test/support/temporary-directory.js';
import { knowledgeBaseDirectory, openKnowledgeBase } from '../../knowledge-base/index.js';
import { indexDirectory } from '../../knowledge-base/knowledge-base-paths.js';
import { createDefaultComponents } from '../../presets/index.js';
import { createTestKnowledgeBase, testConfig } from '../__fixtures__/test-server.js';
import { ChangeFollower, type KnowledgeBaseChange } from './change-follower.js';
import { createPool, type PostgresTarget } from './postgres-connection.js';
import { migrateReplicaTables } from './replica-migrations.js';
import { SharedIndexCache } from './shared-index-cache.js';

const postgres = needsPostgres();
const temporaryDirectory = useTemporaryDirectories();

/**
 * The change log as the PostgreSQL store writes it (its migration 2). Created here so the
 * follower is tested on its own; the store's tests cover that every write appends to it.
 */
async function withChangeLog(target: PostgresTarget): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: target.connectionString, options: `-c search_path=${target.schema}` });
  await client.connect();
  await client.query(`CREATE TABLE changes (seq bigserial PRIMARY KEY, kb text NOT NULL, generation bigint NOT NULL, kind text NOT NULL, paths jsonb NOT NULL DEFAULT '[]', committed_at timestamptz NOT NULL DEFAULT now())`);
  return client;
}

async function commitChange(client: pg.Client, knowledgeBase: string, generation: number, options: { notify?: boolean; seq?: number } = {}): Promise<number> {
  const { rows } = options.seq === undefined
    ? await client.query<{ seq: string }>(`INSERT INTO changes (kb, generation, kind) VALUES ($1, $2, 'sync') RETURNING seq`, [knowledgeBase, generation])
    : await client.query<{ seq: string }>(`INSERT INTO changes (seq, kb, generation, kind) VALUES ($3, $1, $2, 'sync') RETURNING seq`, [knowledgeBase, generation, options.seq]);
  if (options.notify ?? true) await client.query(`SELECT pg_notify('hangjia_changes', $1)`, [`${knowledgeBase}:${rows[0]!.seq}`]);
  return Number(rows[0]!.seq);
}

function collector(): { changes: KnowledgeBaseChange[]; next: (count: number, timeoutMs?: number) => Promise<KnowledgeBaseChange[]>; onChange: (change: KnowledgeBaseChange) => void } {
  const changes: KnowledgeBaseChange[] = [];
  return {
    changes,
    onChange: (change) => void changes.push(change),
    next: async (count, timeoutMs = 5_000) => {
      const deadline = Date.now() + timeoutMs;
      while (changes.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      return changes.slice();
    },
  };
}

postgres.describe('following the change log', () => {
  it('wakes on a notification, well before its next poll', async () => {
    const target = await postgres.freshTarget();
    const writer = await withChangeLog(target);
    const seen = collector();
    const follower = await ChangeFollower.start(target, { onChange: seen.onChange, pollMs: 60_000 });
    try {
      const started = Date.now();
      const seq = await commitChange(writer, 'hr', 1);
      expect(await seen.next(1)).toEqual([{ knowledgeBase: 'hr', generation: 1, seq }]);
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(follower.position()).toBe(seq);
    } finally {
      await follower.stop();
      await writer.end();
    }
  });

  it('finds a change whose notification was lost by polling, and hands over only the newest change per knowledge base', async () => {
    const target = await postgres.freshTarget();
    const writer = await withChangeLog(target);
    const seen = collector();
    const follower = await ChangeFollower.start(target, { onChange: seen.onChange, pollMs: 200 });
    try {
      await commitChange(writer, 'hr', 1, { notify: false });
      const last = await commitChange(writer, 'hr', 2, { notify: false });
      expect(await seen.next(1)).toEqual([{ knowledgeBase: 'hr', generation: 2, seq: last }]);
    } finally {
      await follower.stop();
      await writer.end();
    }
  });

  it('catches up from its last position after a late start', async () => {
    const target = await postgres.freshTarget();
    const writer = await withChangeLog(target);
    await commitChange(writer, 'hr', 1);
    await commitChange(writer, 'legal', 1);
    await commitChange(writer, 'hr', 2);
    const seen = collector();
    const follower = await ChangeFollower.start(target, { onChange: seen.onChange, afterSeq: 1, pollMs: 60_000 });
    try {
      // Change 1 was applied before; 2 and 3 were missed while the replica was down.
      expect((await seen.next(2)).map(({ knowledgeBase, generation }) => `${knowledgeBase}@${generation}`).sort()).toEqual(['hr@2', 'legal@1']);
    } finally {
      await follower.stop();
      await writer.end();
    }
  });

  it('does not skip a change that commits after a later one was read (a hole in the sequence)', async () => {
    const target = await postgres.freshTarget();
    const writer = await withChangeLog(target);
    const seen = collector();
    const follower = await ChangeFollower.start(target, { onChange: seen.onChange, pollMs: 100 });
    try {
      // Sequence values are taken at insert and seen at commit: "legal" (seq 2) becomes visible before "hr" (seq 1).
      await commitChange(writer, 'legal', 1, { seq: 2 });
      await seen.next(1);
      await commitChange(writer, 'hr', 1, { seq: 1 });
      expect((await seen.next(2)).map((change) => change.knowledgeBase)).toEqual(['legal', 'hr']);
    } finally {
      await follower.stop();
      await writer.end();
    }
  });
});

postgres.describe('derived indexes shared through PostgreSQL', () => {
  it('lets a second replica load the index the first built, without building, and answer identically', async () => {
    const target = await postgres.freshTarget();
    const pool = createPool(target, 'hangjia test');
    const migrator = await pool.connect();
    await migrateReplicaTables(migrator, target);
    migrator.release();
    const cache = new SharedIndexCache(pool);
    const first = temporaryDirectory();
    const second = temporaryDirectory();
    try {
      await createTestKnowledgeBase(first, temporaryDirectory(), 'hr');
      const firstIndex = indexDirectory(knowledgeBaseDirectory(first, 'hr'));
      const generation = await cache.publish('hr', firstIndex);
      expect(generation).toBeGreaterThan(0);
      // The second replica: the same stored knowledge base (here a copy of its SQLite store), no index of its own.
      fs.cpSync(knowledgeBaseDirectory(first, 'hr'), knowledgeBaseDirectory(second, 'hr'), { recursive: true });
      const secondIndex = indexDirectory(knowledgeBaseDirectory(second, 'hr'));
      fs.rmSync(secondIndex, { recursive: true });
      expect(await cache.fetch('hr', generation! + 1, secondIndex)).toBe(false);
      expect(await cache.fetch('hr', generation!, secondIndex)).toBe(true);
      expect(fs.readdirSync(secondIndex).sort()).toEqual(fs.readdirSync(firstIndex).filter((file) => !file.endsWith('.tmp')).sort());

      const rebuilds: string[] = [];
      const config = testConfig(second);
      const replicas = [first, second].map((home) => openKnowledgeBase({ home, name: 'hr' }, createDefaultComponents(config)));
      try {
        const [fromFirst, fromSecond] = await Promise.all(replicas.map((replica) => replica.search('试用期多长', { onRebuild: (reason) => rebuilds.push(reason) })));
        expect(rebuilds).toEqual([]);
        expect(fromFirst!.hits.length).toBeGreaterThan(0);
        expect(fromSecond!.hits.map((hit) => [hit.chunk.id, hit.score])).toEqual(fromFirst!.hits.map((hit) => [hit.chunk.id, hit.score]));
      } finally {
        for (const replica of replicas) replica.close();
      }
    } finally {
      await pool.end();
    }
  });
});
