import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { sqliteDatabaseOf, type KnowledgeBaseStore } from '../knowledge-base/index.js';
import { HangjiaError } from '../errors/index.js';
import type { Extractor, ExtractedFact, RejectedFact } from './graph-fact.js';
import { RULES_VERSION } from './rule-extractors.js';

/**
 * The graph's own migration step in the knowledge base's SQLite file, apart from the store's
 * tables (which other features migrate): bumped when these tables change shape.
 *
 * - `graph_extractions`: which chunk texts (by text hash) each extractor has done, with which
 *   schema, at what token cost — the resumable job's state;
 * - `graph_facts` / `graph_rejections`: the extracted facts with their evidence spans, and the
 *   rejected ones with the reason, by chunk text hash (an unchanged chunk keeps them across syncs);
 * - `graph_nodes`, `graph_names`, `graph_attributes`, `graph_edges`, `graph_mentions`: the graph
 *   itself, derived from facts and chunks by entity resolution, every row with its provenance
 *   (chunk id and evidence span) — rebuilt from the facts like every derived index.
 */
export const GRAPH_TABLES_VERSION = 1;

const GRAPH_TABLES = `
CREATE TABLE IF NOT EXISTS graph_extractions (
  text_hash TEXT NOT NULL,
  extractor TEXT NOT NULL,
  version TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('done', 'failed')),
  facts INTEGER NOT NULL DEFAULT 0,
  rejected INTEGER NOT NULL DEFAULT 0,
  input_tokens INTEGER NOT NULL DEFAULT 0,
  output_tokens INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (text_hash, extractor)
);
CREATE TABLE IF NOT EXISTS graph_facts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  text_hash TEXT NOT NULL,
  extractor TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('entity', 'attribute', 'relation')),
  subject_type TEXT NOT NULL,
  subject_name TEXT NOT NULL,
  predicate TEXT,
  object_type TEXT,
  object_name TEXT,
  value TEXT,
  normalized TEXT,
  unit TEXT,
  evidence_start INTEGER NOT NULL,
  evidence_end INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS graph_facts_by_text ON graph_facts(text_hash, extractor);
CREATE TABLE IF NOT EXISTS graph_rejections (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  text_hash TEXT NOT NULL,
  extractor TEXT NOT NULL,
  reason TEXT NOT NULL,
  fact TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS graph_rejections_by_text ON graph_rejections(text_hash, extractor);
CREATE TABLE IF NOT EXISTS graph_nodes (
  id INTEGER PRIMARY KEY,
  type TEXT NOT NULL,
  key TEXT NOT NULL,
  name TEXT NOT NULL,
  UNIQUE (type, key)
);
CREATE TABLE IF NOT EXISTS graph_names (
  node_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  PRIMARY KEY (node_id, name)
);
CREATE TABLE IF NOT EXISTS graph_attributes (
  id INTEGER PRIMARY KEY,
  node_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  normalized TEXT NOT NULL,
  unit TEXT,
  extractor TEXT NOT NULL,
  chunk_id TEXT NOT NULL,
  evidence_start INTEGER NOT NULL,
  evidence_end INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS graph_attributes_by_node ON graph_attributes(node_id);
CREATE TABLE IF NOT EXISTS graph_edges (
  id INTEGER PRIMARY KEY,
  source_id INTEGER NOT NULL,
  relation TEXT NOT NULL,
  target_id INTEGER NOT NULL,
  extractor TEXT NOT NULL,
  chunk_id TEXT NOT NULL,
  evidence_start INTEGER NOT NULL,
  evidence_end INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS graph_edges_by_source ON graph_edges(source_id);
CREATE INDEX IF NOT EXISTS graph_edges_by_target ON graph_edges(target_id);
CREATE TABLE IF NOT EXISTS graph_mentions (
  node_id INTEGER NOT NULL,
  extractor TEXT NOT NULL,
  chunk_id TEXT NOT NULL,
  evidence_start INTEGER NOT NULL,
  evidence_end INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS graph_mentions_by_node ON graph_mentions(node_id);
`;

/** Meta keys the graph keeps in the store's `meta` table. */
export const GRAPH_META = {
  tablesVersion: 'graph.tablesVersion',
  schema: 'graph.schema',
  schemaSource: 'graph.schemaSource',
  /** Bumped whenever facts change; with the store generation, it says whether the derived graph is current. */
  factsRevision: 'graph.factsRevision',
  resolvedFrom: 'graph.resolvedFrom',
} as const;

/** One stored fact with its id and the text it was extracted from. */
export interface StoredFact extends ExtractedFact {
  id: number;
  textHash: string;
  extractor: Extractor;
}

/** A row of the extraction state. */
export interface ExtractionState {
  textHash: string;
  extractor: Extractor;
  version: string;
  status: 'done' | 'failed';
  inputTokens: number;
  outputTokens: number;
}

/** How graph commands are named when the store cannot hold the graph (the PostgreSQL store). */
export const GRAPH_FEATURE = 'The knowledge graph (graph build, graph query, graph answers)';

/** The graph tables of one knowledge base store: the migration, facts in and out, extraction state. */
export class GraphStore {
  readonly store: KnowledgeBaseStore;
  readonly database: Database.Database;

  /** Creates the graph tables when missing (a knowledge base without a graph has none). */
  constructor(store: KnowledgeBaseStore) {
    this.store = store;
    this.database = sqliteDatabaseOf(store, GRAPH_FEATURE);
    const found = Number(store.getMeta(GRAPH_META.tablesVersion) ?? GRAPH_TABLES_VERSION);
    if (found > GRAPH_TABLES_VERSION) {
      throw new HangjiaError('E_KB_VERSION', `This knowledge base's graph was written by a newer hangjia (graph tables ${found}; this one reads up to ${GRAPH_TABLES_VERSION}). Upgrade hangjia.`, {
        details: { found, supported: GRAPH_TABLES_VERSION },
      });
    }
    this.database.exec(GRAPH_TABLES);
    if (store.getMeta(GRAPH_META.tablesVersion) === undefined) store.setMeta(GRAPH_META.tablesVersion, String(GRAPH_TABLES_VERSION));
  }

  /** The extraction state of every text hash for `extractor`. */
  extractionStates(extractor: Extractor): Map<string, ExtractionState> {
    const rows = this.database.prepare('SELECT * FROM graph_extractions WHERE extractor = ?').all(extractor) as Array<Record<string, unknown>>;
    return new Map(
      rows.map((row) => [
        String(row['text_hash']),
        {
          textHash: String(row['text_hash']),
          extractor,
          version: String(row['version']),
          status: row['status'] as 'done' | 'failed',
          inputTokens: Number(row['input_tokens']),
          outputTokens: Number(row['output_tokens']),
        },
      ]),
    );
  }

  /**
   * Replaces what `extractor` found in one chunk text, in one transaction with its state: a job
   * killed between chunks loses at most the chunk in flight.
   */
  saveExtraction(
    textHash: string,
    extractor: Extractor,
    version: string,
    result: { facts: ExtractedFact[]; rejected: RejectedFact[]; inputTokens?: number; outputTokens?: number } | { error: string; inputTokens?: number; outputTokens?: number },
  ): void {
    const insertFact = this.database.prepare(
      `INSERT INTO graph_facts (text_hash, extractor, kind, subject_type, subject_name, predicate, object_type, object_name, value, normalized, unit, evidence_start, evidence_end)
       VALUES (@textHash, @extractor, @kind, @subjectType, @subjectName, @predicate, @objectType, @objectName, @value, @normalized, @unit, @start, @end)`,
    );
    const insertRejection = this.database.prepare('INSERT INTO graph_rejections (text_hash, extractor, reason, fact) VALUES (?, ?, ?, ?)');
    const failed = 'error' in result;
    this.database.transaction(() => {
      // A failed retry keeps the facts of an earlier success with another schema out: they are stale.
      this.database.prepare('DELETE FROM graph_facts WHERE text_hash = ? AND extractor = ?').run(textHash, extractor);
      this.database.prepare('DELETE FROM graph_rejections WHERE text_hash = ? AND extractor = ?').run(textHash, extractor);
      if (!failed) {
        for (const fact of result.facts) {
          insertFact.run({
            textHash,
            extractor,
            kind: fact.kind,
            subjectType: fact.subject.type,
            subjectName: fact.subject.name,
            predicate: fact.predicate ?? null,
            objectType: fact.object?.type ?? null,
            objectName: fact.object?.name ?? null,
            value: fact.value ?? null,
            normalized: fact.normalized ?? null,
            unit: fact.unit ?? null,
            start: fact.evidence.start,
            end: fact.evidence.end,
          });
        }
        for (const rejection of result.rejected) insertRejection.run(textHash, extractor, rejection.reason, JSON.stringify(rejection.fact));
      }
      this.database
        .prepare(
          `INSERT INTO graph_extractions (text_hash, extractor, version, status, facts, rejected, input_tokens, output_tokens, error, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT(text_hash, extractor) DO UPDATE SET version = excluded.version, status = excluded.status, facts = excluded.facts,
             rejected = excluded.rejected, input_tokens = graph_extractions.input_tokens + excluded.input_tokens,
             output_tokens = graph_extractions.output_tokens + excluded.output_tokens, error = excluded.error, updated_at = excluded.updated_at`,
        )
        .run(
          textHash,
          extractor,
          version,
          failed ? 'failed' : 'done',
          failed ? 0 : result.facts.length,
          failed ? 0 : result.rejected.length,
          result.inputTokens ?? 0,
          result.outputTokens ?? 0,
          failed ? result.error : null,
          new Date().toISOString(),
        );
      this.bumpFactsRevision();
    })();
  }

  /** Deletes the facts, rejections and state of chunk texts no chunk has any more (deleted or changed chunks). */
  pruneFacts(): number {
    let removed = 0;
    this.database.transaction(() => {
      const orphan = 'text_hash NOT IN (SELECT text_hash FROM chunks)';
      removed = this.database.prepare(`DELETE FROM graph_facts WHERE ${orphan}`).run().changes;
      this.database.prepare(`DELETE FROM graph_rejections WHERE ${orphan}`).run();
      const states = this.database.prepare(`DELETE FROM graph_extractions WHERE ${orphan}`).run().changes;
      if (removed + states > 0) this.bumpFactsRevision();
    })();
    return removed;
  }

  /** Every stored fact, grouped by chunk text hash. */
  factsByTextHash(): Map<string, StoredFact[]> {
    const grouped = new Map<string, StoredFact[]>();
    for (const row of this.database.prepare('SELECT * FROM graph_facts ORDER BY id').iterate() as IterableIterator<Record<string, unknown>>) {
      const fact = toStoredFact(row);
      const list = grouped.get(fact.textHash);
      if (list) list.push(fact);
      else grouped.set(fact.textHash, [fact]);
    }
    return grouped;
  }

  /** Rejections by reason (the reason's text up to its first quote, so counts group), most frequent first. */
  rejectionCounts(): Array<{ reason: string; count: number }> {
    const counts = new Map<string, number>();
    for (const row of this.database.prepare('SELECT reason FROM graph_rejections').all() as Array<{ reason: string }>) {
      const reason = row.reason.split(/[:"“]/u)[0]!.trim();
      counts.set(reason, (counts.get(reason) ?? 0) + 1);
    }
    return [...counts].map(([reason, count]) => ({ reason, count })).sort((left, right) => right.count - left.count);
  }

  /** The rejected facts of the chunks with these text hashes. */
  rejections(textHashes: string[]): Array<{ textHash: string; extractor: string; reason: string; fact: unknown }> {
    if (textHashes.length === 0) return [];
    const rows = this.database.prepare(`SELECT * FROM graph_rejections WHERE text_hash IN (${textHashes.map(() => '?').join(',')}) ORDER BY id`).all(...textHashes) as Array<Record<string, unknown>>;
    return rows.map((row) => ({ textHash: String(row['text_hash']), extractor: String(row['extractor']), reason: String(row['reason']), fact: JSON.parse(String(row['fact'])) as unknown }));
  }

  /** Token totals of the model extraction so far (every call, including failed ones). */
  modelUsage(): { inputTokens: number; outputTokens: number } {
    const row = this.database.prepare("SELECT SUM(input_tokens) AS input, SUM(output_tokens) AS output FROM graph_extractions WHERE extractor = 'model'").get() as { input: number | null; output: number | null };
    return { inputTokens: row.input ?? 0, outputTokens: row.output ?? 0 };
  }

  /** What the derived graph must have been resolved from to be current: the store's generation, the facts and the schema. */
  currentRevision(): string {
    const schema = this.store.getMeta(GRAPH_META.schema) ?? '';
    return `${RULES_VERSION}/${this.store.generation()}/${this.store.getMeta(GRAPH_META.factsRevision) ?? '0'}/${createHash('sha256').update(schema).digest('hex').slice(0, 12)}`;
  }

  private bumpFactsRevision(): void {
    this.store.setMeta(GRAPH_META.factsRevision, String(Number(this.store.getMeta(GRAPH_META.factsRevision) ?? 0) + 1));
  }
}

function toStoredFact(row: Record<string, unknown>): StoredFact {
  const optional = (column: string): string | undefined => (row[column] == null ? undefined : String(row[column]));
  const objectType = optional('object_type');
  const predicate = optional('predicate');
  const value = optional('value');
  const normalized = optional('normalized');
  const unit = optional('unit');
  return {
    id: Number(row['id']),
    textHash: String(row['text_hash']),
    extractor: row['extractor'] as Extractor,
    kind: row['kind'] as ExtractedFact['kind'],
    subject: { type: String(row['subject_type']), name: String(row['subject_name']) },
    ...(predicate === undefined ? {} : { predicate }),
    ...(objectType === undefined ? {} : { object: { type: objectType, name: String(row['object_name']) } }),
    ...(value === undefined ? {} : { value }),
    ...(normalized === undefined ? {} : { normalized }),
    ...(unit === undefined ? {} : { unit }),
    evidence: { start: Number(row['evidence_start']), end: Number(row['evidence_end']) },
  };
}
