import fs from 'node:fs';
import path from 'node:path';
import type pg from 'pg';

/** The files of a derived-index folder (`derived-indexes.ts`), the manifest last: it is what makes the others current. */
const INDEX_FILES = ['lexical.bin', 'vector.bin'] as const;
const MANIFEST_FILE = 'manifest.json';

/**
 * Derived indexes shared through PostgreSQL (table `derived_indexes`), so N replicas do not each
 * pay the full build of a knowledge base's new generation: the first to build one `publish`es
 * its files; the others `fetch` them into their local index folder, where the usual loader finds
 * them current (same generation, analyzer and embedding model — the manifest records all three,
 * and a replica configured otherwise simply builds its own).
 */
export class SharedIndexCache {
  constructor(private readonly pool: pg.Pool) {}

  /**
   * Stores the index files of `directory` under the generation its manifest names. The first
   * replica to publish a generation wins; a later publish of the same generation is a no-op.
   * Returns the generation published, or undefined when the folder has no manifest.
   */
  async publish(knowledgeBase: string, directory: string): Promise<number | undefined> {
    let manifest: Buffer;
    try {
      manifest = fs.readFileSync(path.join(directory, MANIFEST_FILE));
    } catch {
      return undefined;
    }
    const generation = (JSON.parse(manifest.toString('utf8')) as { generation: number }).generation;
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      for (const file of INDEX_FILES) {
        const bytes = readIfPresent(path.join(directory, file));
        if (bytes) await client.query('INSERT INTO derived_indexes (kb, generation, kind, bytes) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [knowledgeBase, generation, file, bytes]);
      }
      await client.query('INSERT INTO derived_indexes (kb, generation, kind, bytes) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [knowledgeBase, generation, MANIFEST_FILE, manifest]);
      // Older generations are never loaded again.
      await client.query('DELETE FROM derived_indexes WHERE kb = $1 AND generation < $2', [knowledgeBase, generation]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
    return generation;
  }

  /**
   * Writes the published index files of `generation` into `directory` (each atomically, the
   * manifest last). False when no replica has published that generation.
   */
  async fetch(knowledgeBase: string, generation: number, directory: string): Promise<boolean> {
    const { rows } = await this.pool.query<{ kind: string; bytes: Buffer }>('SELECT kind, bytes FROM derived_indexes WHERE kb = $1 AND generation = $2', [knowledgeBase, generation]);
    const manifest = rows.find((row) => row.kind === MANIFEST_FILE);
    if (!manifest) return false;
    fs.mkdirSync(directory, { recursive: true });
    for (const row of rows) if (row.kind !== MANIFEST_FILE && (INDEX_FILES as readonly string[]).includes(row.kind)) writeAtomically(path.join(directory, row.kind), row.bytes);
    if (!rows.some((row) => row.kind === 'vector.bin')) fs.rmSync(path.join(directory, 'vector.bin'), { force: true });
    writeAtomically(path.join(directory, MANIFEST_FILE), manifest.bytes);
    return true;
  }

  /** Forgets a removed knowledge base's indexes. */
  async forget(knowledgeBase: string): Promise<void> {
    await this.pool.query('DELETE FROM derived_indexes WHERE kb = $1', [knowledgeBase]);
  }
}

function readIfPresent(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

function writeAtomically(file: string, bytes: Uint8Array): void {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, bytes);
  fs.renameSync(temporary, file);
}
