import type pg from 'pg';
import { connectClient, type PostgresTarget } from './postgres-connection.js';

/** The newest change of one knowledge base that a catch-up found. */
export interface KnowledgeBaseChange {
  knowledgeBase: string;
  /** The generation the knowledge base reached with this change. */
  generation: number;
  seq: number;
}

export interface ChangeFollowerOptions {
  /** Called once per knowledge base per catch-up, with its newest change; awaited before the next. */
  onChange: (change: KnowledgeBaseChange) => void | Promise<void>;
  /** Where to start: changes after this `seq` (default: the log's end when the follower starts). */
  afterSeq?: number;
  /** How often to read the log without a notification (default 2 s): notifications are lost while disconnected. */
  pollMs?: number;
  log?: (line: string) => void;
}

/** The channel the store notifies after each committed change (`NOTIFY hangjia_changes, '<kb>:<seq>'`). */
export const CHANGES_CHANNEL = 'hangjia_changes';

/**
 * How long a hole in the sequence is watched for. A `bigserial` value is taken when a transaction
 * inserts, not when it commits, so a change may appear after a later one was already read; one
 * that never appears was rolled back.
 */
const GAP_WATCH_MS = 60_000;
const MAX_GAPS = 1_000;

/**
 * Follows the `changes` log of a PostgreSQL store so a replica's in-memory indexes stay current:
 * wakes on `LISTEN hangjia_changes`, reads the log every `pollMs` as well (a notification sent while
 * this replica was disconnected is never delivered again), and always reads from its last seen
 * `seq`, so a late start, a dropped connection or a lost notification only delays a catch-up.
 * Sequence holes (changes that commit out of order) are re-read until they fill or expire.
 *
 * @example
 * const follower = await ChangeFollower.start(target, { onChange: ({ knowledgeBase }) => registry.refresh(knowledgeBase) });
 */
export class ChangeFollower {
  private client: pg.Client | undefined;
  private lastSeq: number;
  private readonly gaps = new Map<number, number>();
  private readonly pollMs: number;
  private readonly log: (line: string) => void;
  private timer: NodeJS.Timeout | undefined;
  private reading: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  private constructor(
    private readonly target: PostgresTarget,
    private readonly options: ChangeFollowerOptions,
    afterSeq: number,
  ) {
    this.lastSeq = afterSeq;
    this.pollMs = options.pollMs ?? 2_000;
    this.log = options.log ?? (() => undefined);
  }

  static async start(target: PostgresTarget, options: ChangeFollowerOptions): Promise<ChangeFollower> {
    const client = await connectClient(target, 'hangjia replica (change log)');
    let afterSeq = options.afterSeq;
    try {
      if (afterSeq === undefined) {
        const { rows } = await client.query<{ seq: string | null }>('SELECT max(seq) AS seq FROM changes');
        afterSeq = Number(rows[0]?.seq ?? 0);
      }
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    const follower = new ChangeFollower(target, options, afterSeq);
    await follower.listen(client);
    follower.timer = setInterval(() => follower.catchUp(), follower.pollMs);
    if (options.afterSeq !== undefined) await follower.catchUp();
    return follower;
  }

  /** The last change this replica has applied. */
  position(): number {
    return this.lastSeq;
  }

  /** Reads the log now; resolves once everything committed so far has been handed to `onChange`. */
  catchUp(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.reading) {
      // A notification during a read: read once more after it, the new row may have missed the first.
      this.again = true;
      return this.reading;
    }
    this.reading = (async () => {
      try {
        do {
          this.again = false;
          await this.readOnce();
        } while (this.again && !this.stopped);
      } finally {
        this.reading = undefined;
      }
    })();
    return this.reading;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.reading?.catch(() => undefined);
    await this.client?.end().catch(() => undefined);
  }

  private async listen(client: pg.Client): Promise<void> {
    client.on('notification', () => void this.catchUp().catch(() => undefined));
    // A lost session: the next poll reconnects and catches up from `lastSeq`.
    const lost = (): void => {
      if (this.client === client) this.client = undefined;
    };
    client.on('error', lost);
    client.on('end', lost);
    await client.query(`LISTEN ${CHANGES_CHANNEL}`);
    this.client = client;
  }

  private async readOnce(): Promise<void> {
    try {
      if (!this.client) {
        await this.listen(await connectClient(this.target, 'hangjia replica (change log)'));
        this.log(`Change log: reconnected; catching up after change ${this.lastSeq}.`);
      }
      const now = Date.now();
      for (const [seq, since] of this.gaps) if (now - since > GAP_WATCH_MS) this.gaps.delete(seq);
      const { rows } = await this.client!.query<{ seq: string; kb: string; generation: string }>(
        'SELECT seq, kb, generation FROM changes WHERE seq > $1 OR seq = ANY($2::bigint[]) ORDER BY seq',
        [this.lastSeq, [...this.gaps.keys()]],
      );
      const newest = new Map<string, KnowledgeBaseChange>();
      for (const row of rows) {
        const seq = Number(row.seq);
        this.gaps.delete(seq);
        if (seq > this.lastSeq) {
          // A hole wider than MAX_GAPS is a burst of rollbacks or a sequence reset, not changes in flight.
          if (seq - this.lastSeq <= MAX_GAPS) for (let missing = this.lastSeq + 1; missing < seq; missing += 1) this.gaps.set(missing, now);
          this.lastSeq = seq;
        }
        const previous = newest.get(row.kb);
        if (!previous || seq > previous.seq) newest.set(row.kb, { knowledgeBase: row.kb, generation: Number(row.generation), seq });
      }
      for (const change of newest.values()) {
        try {
          await this.options.onChange(change);
        } catch (error) {
          // The log position moves on regardless: the next change of this knowledge base, or a restart, tries again.
          this.log(`Change log: could not apply change ${change.seq} of "${change.knowledgeBase}": ${(error as Error).message}`);
        }
      }
    } catch (error) {
      this.log(`Change log: cannot read it now (${(error as Error).message}); trying again in ${this.pollMs} ms.`);
      await this.client?.end().catch(() => undefined);
      this.client = undefined;
    }
  }
}
