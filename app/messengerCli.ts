// The messenger's command line, for whoever upgrades a deployment:
//   npm run messenger -- migrate   move release 0.1.0's chat history from Redis into PostgreSQL
// (installed: school-call-messenger migrate). It works on REDIS_URL and
// DATABASE_URL (or the private PostgreSQL that scripts/run.sh starts), may
// run while the server runs, and prints one line a chat: counts and
// checksums read back from both stores. Exit status 0 when every chat is
// in PostgreSQL, 1 when some are left in Redis (rerun it: it resumes).
import { Redis } from 'ioredis';
import { createLogger } from '../common/log.js';
import { describeDatabase, openPostgres } from '../common/postgres/connect.js';
import { migrate } from '../common/postgres/migrations.js';
import { defaultDatabaseUrl } from '../common/postgres/privateServer.js';
import { migrateLegacyChats, reportTable } from '../messaging/legacy/migrateLegacyChats.js';
import { schemaParts } from './schemaParts.js';

const USAGE = 'usage: npm run messenger -- migrate';

async function main(argv: string[]): Promise<number> {
  if (argv[0] !== 'migrate') {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const redisUrl = process.env.REDIS_URL;
  if (!redisUrl) {
    process.stderr.write('REDIS_URL is not set: it names the Redis that holds the old chats\n');
    return 78;
  }
  const url = defaultDatabaseUrl();
  const log = createLogger(process.env.LOG_LEVEL || 'warn');
  const db = openPostgres(url, 'cli', log, { max: 2 });
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
  // A fault for the upgrade test: die after this many chats were committed, before their keys go.
  const dieAfter = Number(process.env.MESSENGER_MIGRATE_DIE_AFTER ?? 0);
  let committed = 0;
  try {
    await migrate(db, schemaParts, log);
    process.stdout.write(`from Redis ${redisUrl} into PostgreSQL ${describeDatabase(url)}\n`);
    const report = await migrateLegacyChats(redis, db, log, {
      chatDone: (c) => process.stdout.write(`${c.chat} ${c.outcome}\n`),
      committed: () => {
        if (dieAfter > 0 && ++committed >= dieAfter) process.kill(process.pid, 'SIGKILL');
      },
    });
    process.stdout.write(`${reportTable(report)}\n`);
    return report.left === 0 ? 0 : 1;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 1;
  } finally {
    redis.disconnect();
    await db.end();
  }
}

process.exitCode = await main(process.argv.slice(2));
