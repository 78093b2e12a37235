import pg from 'pg';
import type { JobExecutor } from '../job-claim-loop.js';
import type { PostgresTarget } from '../postgres-connection.js';

/** Steps a counting job does; with `STEP_MS` apart, long enough to be killed in the middle. */
export const COUNTING_STEPS = 40;
const STEP_MS = 50;

/**
 * A resumable job for the queue's tests, standing in for a sync: it records numbered steps in
 * `counting_steps` and starts after the last step recorded, as the store's sync starts after the
 * last file it committed. Each step is committed on its own, so a kill loses at most the one in flight.
 */
export function countingExecutor(target: PostgresTarget, runner: string): JobExecutor {
  return async (job, report) => {
    const client = new pg.Client({ connectionString: target.connectionString, options: `-c search_path=${target.schema}` });
    await client.connect();
    try {
      await client.query('CREATE TABLE IF NOT EXISTS counting_steps (job text, step integer, runner text, PRIMARY KEY (job, step))');
      const { rows } = await client.query<{ last: number | null }>('SELECT max(step) AS last FROM counting_steps WHERE job = $1', [job.id]);
      const first = (rows[0]?.last ?? 0) + 1;
      for (let step = first; step <= COUNTING_STEPS; step += 1) {
        // A duplicate step would violate the primary key: the test's "nothing done twice".
        await client.query('INSERT INTO counting_steps (job, step, runner) VALUES ($1, $2, $3)', [job.id, step, runner]);
        report({ phase: 'count', done: step, total: COUNTING_STEPS });
        await new Promise((resolve) => setTimeout(resolve, STEP_MS));
      }
      return { resumedFrom: first };
    } finally {
      await client.end();
    }
  };
}
