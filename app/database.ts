// The server's PostgreSQL: opened once at start, every part's schema brought
// up to this code's version before anything is served. A database that a
// newer server has upgraded, or one that cannot be reached, stops the start
// with an error saying which (main.ts logs it and exits).
import type { Logger } from '../common/log.js';
import { type Postgres, describeDatabase, openPostgres } from '../common/postgres/connect.js';
import { migrate } from '../common/postgres/migrations.js';
import type { Config } from './config.js';
import { schemaParts } from './schemaParts.js';

export async function openDatabase(config: Config, log: Logger): Promise<Postgres | null> {
  if (!config.databaseUrl) return null;
  const where = describeDatabase(config.databaseUrl);
  const db = openPostgres(config.databaseUrl, 'server', log, { max: config.databasePoolSize });
  try {
    const parts = await migrate(db, schemaParts, log);
    log.info({ database: where, parts }, 'database ready');
    return db;
  } catch (err) {
    await db.end().catch(() => undefined);
    if (err instanceof Error) err.message = `PostgreSQL at ${where}: ${err.message}`;
    throw err;
  }
}
