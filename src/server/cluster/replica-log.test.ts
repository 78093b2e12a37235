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
      const seq = await commitChange(writer, 'hr', 1);
      // Seen within `next`'s 5 s while the next poll is a minute away: the notification woke it.
      expect(await seen.next(1)).toEqual([{ knowledgeBase: 'hr', generation: 1, seq }]);
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
    const home = temporaryDirectory();
    const config = testConfig(home);
    const search = async (notices: { onRebuild?: (reason: string) => void } = {}): Promise<Array<[string, number]>> => {
      const knowledgeBase = openKnowledgeBase({ home, name: 'hr' }, createDefaultComponents(config));
      try {
        return (await knowledgeBase.search('试用期多长', notices)).hits.map((hit) => [hit.chunk.id, hit.score]);
      } finally {
        knowledgeBase.close();
      }
    };
    try {
      await createTestKnowledgeBase(home, temporaryDirectory(), 'hr');
      const directory = indexDirectory(knowledgeBaseDirectory(home, 'hr'));
      const builtHere = await search();
      expect(builtHere.length).toBeGreaterThan(0);
      const files = fs.readdirSync(directory).sort();
      const generation = await cache.publish('hr', directory);
      expect(generation).toBeGreaterThan(0);
      // Another replica of the same store: no index of its own yet.
      fs.rmSync(directory, { recursive: true });
      expect(await cache.fetch('hr', generation! + 1, directory)).toBe(false);
      expect(await cache.fetch('hr', generation!, directory)).toBe(true);
      expect(fs.readdirSync(directory).sort()).toEqual(files);
      const rebuilds: string[] = [];
      expect(await search({ onRebuild: (reason) => rebuilds.push(reason) })).toEqual(builtHere);
      expect(rebuilds).toEqual([]);
    } finally {
      await pool.end();
    }
  });
});
