// The directory's command line, for a school's IT person:
//   npm run directory -- import school.json|school.csv [--dry-run] [--json]
// It works on the same Redis and PostgreSQL as the server (REDIS_URL and
// DATABASE_URL, or the private ones that scripts/run.sh starts; the server
// must have run once to create the tables), so a running server sees the
// changes at once.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createLogger } from '../common/log.js';
import { type Postgres, openPostgres } from '../common/postgres/connect.js';
import { defaultDatabaseUrl } from '../common/postgres/privateServer.js';
import { ChatBus } from '../messaging/bus.js';
import { ChatService } from '../messaging/chats.js';
import { loadMessagingConfig } from '../messaging/config.js';
import { ChatStore } from '../messaging/store/chatStore.js';
import { MessageStore } from '../messaging/store/messageStore.js';
import { DirectoryImporter, ImportBusyError } from './importer.js';
import { DirectoryFileError, parseSchoolFile } from './parse.js';
import { reportText } from './report.js';
import { DirectoryStore } from './store.js';

const USAGE = 'usage: npm run directory -- import <school.json|school.csv> [--dry-run] [--json]';

export function defaultRedisUrl(env: NodeJS.ProcessEnv = process.env): string {
  if (env.REDIS_URL) return env.REDIS_URL;
  const data = env.XDG_DATA_HOME || join(homedir(), '.local/share');
  return join(data, 'school-call/redis/redis.sock');
}

/** Opens the directory's parts on one Redis connection and the messenger's PostgreSQL. */
export function openImporter(
  redis: Redis,
  db: Postgres,
): { importer: DirectoryImporter; store: DirectoryStore } {
  const bus = new ChatBus(redis, createLogger(process.env.LOG_LEVEL || 'warn'));
  const chatStore = new ChatStore(db, bus);
  const chats = new ChatService(chatStore, new MessageStore(db, bus), loadMessagingConfig());
  const store = new DirectoryStore(redis);
  return { importer: new DirectoryImporter({ store, chats, chatStore }), store };
}

async function main(argv: string[]): Promise<number> {
  const [command, file, ...rest] = argv;
  if (command !== 'import' || !file) {
    console.error(USAGE);
    return 64;
  }
  const dryRun = rest.includes('--dry-run');
  const asJson = rest.includes('--json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    console.error(`cannot read ${file}: ${(err as Error).message}`);
    return 66;
  }
  const redis = new Redis(defaultRedisUrl(), { enableAutoPipelining: true, maxRetriesPerRequest: 1 });
  const db = openPostgres(defaultDatabaseUrl(), 'directory-cli', createLogger('warn'), { max: 4 });
  try {
    const { importer } = openImporter(redis, db);
    const report = await importer.import(parseSchoolFile(text), { dryRun });
    console.log(asJson ? JSON.stringify(report, null, 2) : reportText(report));
    return 0;
  } catch (err) {
    if (err instanceof DirectoryFileError) {
      console.error(`В файле ${file} есть ошибки (${err.problems.length}):`);
      for (const p of err.problems) console.error(`  ${p}`);
      return 65;
    }
    if (err instanceof ImportBusyError) {
      console.error(err.message);
      return 75;
    }
    throw err;
  } finally {
    redis.disconnect();
    await db.end();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err);
      process.exit(70);
    },
  );
}
