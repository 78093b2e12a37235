import { defineCommand } from 'citty';
import { HangjiaError } from '../../errors/index.js';
import { parseStoreUrl, resolveStoreUrl } from '../../knowledge-base/store/store-url.js';
import { JobClaimLoop } from '../../server/cluster/job-claim-loop.js';
import { PostgresJobQueue } from '../../server/cluster/postgres-job-queue.js';
import { publishIndexes } from '../../server/cluster/replica-index-follower.js';
import { threadJobExecutor } from '../../server/cluster/thread-job-executor.js';
import { COMMON_ARGS, numberFlag, openSession } from '../_session.js';

export default defineCommand({
  meta: {
    name: 'worker',
    description: 'Run the jobs queued in the PostgreSQL store (sync, reindex) until Ctrl-C, beside or instead of the replicas; needs store.url',
  },
  args: {
    concurrency: { type: 'string', description: 'Jobs at once, each of another knowledge base (default 1)' },
    ...COMMON_ARGS,
  },
  async run({ args, data }) {
    const { terminal, loaded } = openSession(data, args);
    const config = loaded.config;
    const concurrency = numberFlag('concurrency', args.concurrency, { min: 1, max: 64 }) ?? 1;
    const url = resolveStoreUrl(config.home, config.store.url);
    if (url === undefined) {
      throw new HangjiaError(
        'E_CONFIG',
        'hangjia worker takes jobs from a PostgreSQL store, and store.url is unset. Set it (or HANGJIA_STORE_URL) to postgres://user@host:port/database; with the embedded SQLite store, hangjia serve runs its own jobs.',
        { details: { setting: 'store.url' } },
      );
    }
    const target = parseStoreUrl(url);
    const queue = await PostgresJobQueue.open(target, 'hangjia worker');
    const loop = new JobClaimLoop(queue, threadJobExecutor(config), {
      concurrency,
      leaseMs: config.server.jobLeaseMs,
      log: (line) => terminal.info(line),
      // The replicas load the indexes the job built rather than each building them.
      afterSuccess: (job) => publishIndexes(target, config.home, job.knowledgeBase),
    });
    const stopped = new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    loop.start();
    terminal.info(`hangjia worker ${loop.owner} taking jobs from ${target.display} (at most ${concurrency} at once). Ctrl-C stops it.`);
    try {
      const signal = await stopped;
      terminal.info(`${signal}: stopping; a job in progress is handed back and resumed by the next runner.`);
      await loop.stop({ abandon: true });
    } finally {
      await queue.close();
    }
    terminal.info('Stopped.');
  },
});
