import type pg from 'pg';
import { knowledgeBaseDirectory } from '../../knowledge-base/index.js';
import { indexDirectory } from '../../knowledge-base/knowledge-base-paths.js';
import { readManifest } from '../../knowledge-base/derived-indexes.js';
import type { KnowledgeBaseRegistry } from '../knowledge-base-registry.js';
import { ChangeFollower } from './change-follower.js';
import { databaseWriteLockHolder } from './database-write-lock.js';
import { connectClient, createPool, type PostgresTarget } from './postgres-connection.js';
import { SharedIndexCache } from './shared-index-cache.js';
import { connectPostgresStore } from '../../knowledge-base/store/postgres-connection.js';

/**
 * Publishes the index files a job just built for `name` under `home`, for the other replicas to
 * load: called by the runner before it releases the write lock, so they find them when they move.
 */
export async function publishIndexes(target: PostgresTarget, home: string, name: string): Promise<void> {
  const pool = createPool(target, 'hangjia (publishing indexes)', 1);
  try {
    await new SharedIndexCache(pool).publish(name, indexDirectory(knowledgeBaseDirectory(home, name)));
  } finally {
    await pool.end();
  }
}

/** While a writer holds a knowledge base, how often to look whether it has finished. */
const WRITER_RECHECK_MS = 200;

/**
 * Keeps one replica's serving instances current with the PostgreSQL store: each change the log
 * reports for a knowledge base this replica has open moves it to the new generation — the index
 * files loaded from `derived_indexes` when another replica already built that generation, else
 * built here and published there for the others.
 *
 * While a writer (a job on any replica, `hangjia worker`, a CLI sync) holds the knowledge base's
 * database lock, its changes are only noted: a sync bumps the generation once per file, and
 * rebuilding the index after each would cost every replica a build per file. The instance keeps
 * answering from its pinned snapshot and moves once the writer lets go.
 */
export class ReplicaIndexFollower {
  private readonly waiting = new Set<string>();
  private recheck: NodeJS.Timeout | undefined;
  private applying: Promise<void> = Promise.resolve();

  private constructor(
    private readonly registry: KnowledgeBaseRegistry,
    private readonly home: string,
    private readonly cache: SharedIndexCache,
    private readonly pool: pg.Pool,
    private readonly lockClient: pg.Client,
    private readonly log: (line: string) => void,
  ) {}

  private follower: ChangeFollower | undefined;

  static async start(target: PostgresTarget, registry: KnowledgeBaseRegistry, options: { home: string; pollMs?: number; log?: (line: string) => void }): Promise<ReplicaIndexFollower> {
    // The store's own migrations first: a replica may start before anything opened the store, and the log is the store's table.
    const migrated = await connectPostgresStore({ connectionString: target.connectionString, schema: target.schema, where: `${target.host}:${target.port}` });
    await migrated.end();
    const pool = createPool(target, 'hangjia replica (indexes)', 2);
    let lockClient: pg.Client | undefined;
    try {
      lockClient = await connectClient(target, 'hangjia replica (lock check)');
      const log = options.log ?? (() => undefined);
      const replica = new ReplicaIndexFollower(registry, options.home, new SharedIndexCache(pool), pool, lockClient, log);
      replica.follower = await ChangeFollower.start(target, {
        onChange: ({ knowledgeBase }) => replica.enqueue(knowledgeBase),
        ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
        log,
      });
      log(`Following the change log of ${target.display} from change ${replica.follower.position()}.`);
      replica.recheck = setInterval(() => {
        for (const name of replica.waiting) void replica.enqueue(name);
      }, WRITER_RECHECK_MS);
      return replica;
    } catch (error) {
      await lockClient?.end().catch(() => undefined);
      await pool.end().catch(() => undefined);
      throw error;
    }
  }

  /**
   * Moves `name` to the store's current generation now: called by this replica's job runner,
   * which holds the write lock, before it records the job's end, so a client that saw the job
   * complete finds its documents here at once.
   */
  refreshNow(name: string): Promise<void> {
    return this.enqueue(name, { heldHere: true });
  }

  /** Reads the log now and applies what it finds (tests; the notification and the poll do it otherwise). */
  async catchUp(): Promise<void> {
    await this.follower?.catchUp();
    await this.applying;
  }

  async stop(): Promise<void> {
    clearInterval(this.recheck);
    await this.follower?.stop();
    await this.applying.catch(() => undefined);
    await this.lockClient.end().catch(() => undefined);
    await this.pool.end().catch(() => undefined);
  }

  // One knowledge base at a time: `refresh` builds synchronously, and two at once would only compete.
  private enqueue(name: string, options: { heldHere?: boolean } = {}): Promise<void> {
    this.applying = this.applying.then(() => this.apply(name, options)).catch((error: Error) => this.log(`Could not bring "${name}" up to date: ${error.message}`));
    return this.applying;
  }

  private async apply(name: string, options: { heldHere?: boolean }): Promise<void> {
    if (!this.registry.isOpen(name)) {
      this.waiting.delete(name);
      return;
    }
    if (!options.heldHere && (await databaseWriteLockHolder(this.lockClient, name))) {
      // Meanwhile the next instance is opened, so that moving takes only pinning and loading.
      if (!this.waiting.has(name)) {
        const preparing = performance.now();
        this.registry.prepare(name);
        this.log(`"${name}" is being written elsewhere; opened the next instance in ${Math.round(performance.now() - preparing)} ms, moving when the writer is done.`);
      }
      this.waiting.add(name);
      return;
    }
    this.waiting.delete(name);
    const started = performance.now();
    const directory = indexDirectory(knowledgeBaseDirectory(this.home, name));
    const generation = await this.currentGeneration(name);
    let fetched = false;
    if (generation !== undefined && readManifest(directory)?.generation !== generation) fetched = await this.cache.fetch(name, generation, directory);
    this.registry.refresh(name);
    const built = readManifest(directory);
    if (!fetched && built && built.generation === generation) await this.cache.publish(name, directory);
    this.log(`"${name}" now at generation ${generation ?? '?'} (${fetched ? 'indexes loaded from the store' : 'indexes current here'}), ${Math.round(performance.now() - started)} ms.`);
  }

  private async currentGeneration(name: string): Promise<number | undefined> {
    const { rows } = await this.pool.query<{ generation: string }>('SELECT generation FROM knowledge_bases WHERE name = $1', [name]);
    return rows[0] ? Number(rows[0].generation) : undefined;
  }
}
