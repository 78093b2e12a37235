import { HangjiaError } from '../errors/index.js';
import { listKnowledgeBaseNames, openKnowledgeBase, type KnowledgeBase, type KnowledgeBaseComponentsSource, type StoreSelection } from '../knowledge-base/index.js';

interface OpenKnowledgeBase {
  knowledgeBase: KnowledgeBase;
  /** Requests using this instance now; a retired instance closes when the last one ends. */
  users: number;
  retired: boolean;
  /** A read transaction pins the store as it was when a job started (see `pin`). */
  pinned: boolean;
}

/**
 * The server's knowledge bases, each opened once and kept (its indexes stay in memory between
 * requests), with the guarantee that a job writing one never disturbs its readers:
 *
 * - `pin(name)` before a job writes: the serving instance loads its indexes, then opens a read
 *   transaction, so SQLite (WAL) shows it the store as it was — generation, chunks and all —
 *   however far the job's own connection (a worker thread) has got. Searches keep answering from
 *   the previous complete index and never rebuild one as a side effect.
 * - `refresh(name)` after the job: a new instance is opened and its new indexes loaded before it
 *   replaces the old one; the old one closes (ending its read transaction) once its last request
 *   is done. A reader never waits for a writer.
 */
export class KnowledgeBaseRegistry {
  private readonly home: string;
  private readonly components: KnowledgeBaseComponentsSource;
  private readonly selection: StoreSelection;
  private readonly open = new Map<string, OpenKnowledgeBase>();
  /** Instances opened ahead of a `refresh` (see `prepare`), not yet pinned or serving. */
  private readonly standby = new Map<string, KnowledgeBase>();

  /**
   * `selection`: the `store.url` the knowledge bases live in (default: SQLite under `home`).
   * `pinOnOpen` (replicas on a PostgreSQL store): every instance is pinned from its opening, so it
   * answers from one log position, and only a `refresh` — driven by the change log (see
   * `cluster/replica-index-follower.ts`) — moves it on; writers elsewhere never make a search rebuild.
   */
  constructor(
    home: string,
    components: KnowledgeBaseComponentsSource,
    selection: StoreSelection = {},
    private readonly options: { pinOnOpen?: boolean } = {},
  ) {
    this.home = home;
    this.components = components;
    this.selection = selection;
  }

  /** Whether `name` has a serving instance now (a knowledge base never searched here has none to refresh). */
  isOpen(name: string): boolean {
    return this.open.has(name);
  }

  /** Every knowledge base in the store, sorted. */
  names(): string[] {
    return listKnowledgeBaseNames(this.home, this.selection);
  }

  exists(name: string): boolean {
    return this.open.has(name) || this.names().includes(name);
  }

  /**
   * Runs `use` with the knowledge base's serving instance, which stays open until `use` settles.
   * `E_KB_NOT_FOUND` when it does not exist (the caller words the 404).
   */
  async use<T>(name: string, use: (knowledgeBase: KnowledgeBase) => T | Promise<T>): Promise<T> {
    const entry = this.entry(name);
    entry.users += 1;
    try {
      return await use(entry.knowledgeBase);
    } finally {
      entry.users -= 1;
      if (entry.retired && entry.users === 0) this.close(entry);
    }
  }

  /** Freezes what readers of `name` see until `refresh` (call before a job writes it). */
  pin(name: string): void {
    const entry = this.entry(name);
    if (entry.pinned) return;
    // Loading first: a search under the read transaction must find its indexes in memory.
    entry.knowledgeBase.hasVectorSearch();
    entry.knowledgeBase.store.pinSnapshot();
    entry.pinned = true;
  }

  /**
   * Opens the instance the next `refresh` of `name` will swap in, without pinning it: opening a
   * store can be the slow part (a PostgreSQL store starts a thread and connects), so a replica
   * does it while a writer still holds the knowledge base, and moves at once when it lets go.
   */
  prepare(name: string): void {
    if (this.standby.has(name) || !this.open.has(name)) return;
    this.standby.set(name, openKnowledgeBase({ home: this.home, storeUrl: this.selection.storeUrl, name }, this.components));
  }

  /** Swaps in an instance that sees what the job wrote, its indexes loaded before any reader uses it. */
  refresh(name: string): void {
    const previous = this.open.get(name);
    this.open.delete(name);
    if (previous) this.retire(previous);
    if (!this.names().includes(name)) return;
    const entry = this.entry(name);
    entry.knowledgeBase.hasVectorSearch();
  }

  /** Closes `name` (before it is removed); requests using it finish first. */
  forget(name: string): void {
    this.standby.get(name)?.close();
    this.standby.delete(name);
    const entry = this.open.get(name);
    this.open.delete(name);
    if (entry) this.retire(entry);
  }

  closeAll(): void {
    for (const name of [...this.open.keys()]) this.forget(name);
  }

  private entry(name: string): OpenKnowledgeBase {
    let entry = this.open.get(name);
    if (!entry) {
      if (!this.names().includes(name)) {
        throw new HangjiaError('E_KB_NOT_FOUND', `Knowledge base "${name}" does not exist.`, { details: { name } });
      }
      const prepared = this.standby.get(name);
      this.standby.delete(name);
      entry = { knowledgeBase: prepared ?? openKnowledgeBase({ home: this.home, storeUrl: this.selection.storeUrl, name }, this.components), users: 0, retired: false, pinned: false };
      this.open.set(name, entry);
      if (this.options.pinOnOpen) {
        // Snapshot first, then the indexes of exactly that generation.
        entry.knowledgeBase.store.pinSnapshot();
        entry.pinned = true;
        entry.knowledgeBase.hasVectorSearch();
      }
    }
    return entry;
  }

  private retire(entry: OpenKnowledgeBase): void {
    entry.retired = true;
    if (entry.users === 0) this.close(entry);
  }

  private close(entry: OpenKnowledgeBase): void {
    if (entry.pinned) entry.knowledgeBase.store.releaseSnapshot();
    entry.knowledgeBase.close();
  }
}
