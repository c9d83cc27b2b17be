// The database's command line, for whoever upgrades a deployment:
//   npm run db -- status     each part's schema version: in the database, in this code
//   npm run db -- migrate    bring the schema up to this code (the server also does at start)
// It works on DATABASE_URL, or the private PostgreSQL that scripts/run.sh starts.
import { createLogger } from '../common/log.js';
import { describeDatabase, openPostgres } from '../common/postgres/connect.js';
import { migrate, schemaStatus } from '../common/postgres/migrations.js';
import { defaultDatabaseUrl } from '../common/postgres/privateServer.js';
import { schemaParts } from './schemaParts.js';

const USAGE = 'usage: npm run db -- status | migrate';

async function main(argv: string[]): Promise<number> {
  const command = argv[0];
  if (command !== 'status' && command !== 'migrate') {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const url = defaultDatabaseUrl();
  const log = createLogger(process.env.LOG_LEVEL || 'warn');
  const db = openPostgres(url, 'cli', log, { max: 1 });
  try {
    const status =
      command === 'migrate' ? await migrate(db, schemaParts, log) : await schemaStatus(db, schemaParts);
    process.stdout.write(`database ${describeDatabase(url)}\n`);
    for (const s of status) {
      const note = s.applied < s.known ? '  (behind: the server migrates it at start)' : '';
      process.stdout.write(`${s.part.padEnd(16)} database ${s.applied}  code ${s.known}${note}\n`);
    }
    if (status.length === 0) process.stdout.write('no part keeps tables in PostgreSQL yet\n');
    return 0;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 1;
  } finally {
    await db.end();
  }
}

process.exitCode = await main(process.argv.slice(2));
