// Import of a large school into the directory, against a real Redis of its
// own: time and Redis commands for the first import (people, profiles and
// every chat), a re-import of the same file (nothing to write), a dry run and
// a changed file (pupils moved, left and arrived). The fresh import is
// repeated on an emptied Redis; medians and spread are reported.
//   npm run loadtest:directory -- [--pupils 2000] [--runs 3]
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { createLogger } from '../common/log.js';
import { type Postgres, openPostgres } from '../common/postgres/connect.js';
import { migrate } from '../common/postgres/migrations.js';
import { openImporter } from '../directory/cli.js';
import type { ImportReport } from '../directory/importer.js';
import type { Directory } from '../directory/model.js';
import { sampleSchool } from '../directory/sampleSchool.js';
import { messagingSchema } from '../messaging/schema.js';
import { startPostgres } from '../test/helpers/postgres.js';
import { startRedis } from '../test/helpers/redis.js';
import { RESULTS_PATH, appendResult } from './results.js';

const { values: args } = parseArgs({
  options: {
    pupils: { type: 'string', default: '2000' },
    runs: { type: 'string', default: '3' },
    results: { type: 'string', default: RESULTS_PATH },
  },
});
const PUPILS = Number(args.pupils);
const RUNS = Number(args.runs);
const PER_CLASS = 25;

function school(): Directory {
  // 25 pupils a class, ten classes a grade from the first grade up, two parents each.
  const classes = Math.ceil(PUPILS / PER_CLASS);
  return sampleSchool({
    schoolId: 'big',
    schoolName: 'Школа № 2000',
    firstGrade: 1,
    grades: Math.ceil(classes / 10),
    lettersPerGrade: Math.min(10, classes),
    pupilsPerClass: PER_CLASS,
    parentsPerPupil: 2,
  });
}

/** 50 pupils move class, 20 leave (with their parents), 20 arrive. */
function changed(d: Directory): Directory {
  const c: Directory = JSON.parse(JSON.stringify(d));
  const ids = c.classes.map((x) => x.id);
  c.pupils.slice(0, 50).forEach((p, i) => {
    p.classId = ids[(ids.indexOf(p.classId) + 1 + i) % ids.length]!;
  });
  const leaving = new Set(c.pupils.slice(100, 120).map((p) => p.id));
  c.pupils = c.pupils.filter((p) => !leaving.has(p.id));
  c.parents = c.parents.filter((p) => !p.children.some((x) => leaving.has(x)));
  for (let i = 0; i < 20; i++) {
    c.pupils.push({
      id: `big-new${i}`,
      name: `Новый Ученик ${i}`,
      sort: `Ученик ${i} Новый`,
      classId: ids[i % ids.length]!,
      groups: [],
    });
  }
  return c;
}

async function commands(r: Redis): Promise<number> {
  const info = await r.info('stats');
  return Number(/total_commands_processed:(\d+)/.exec(info)?.[1] ?? 0);
}

interface Measured {
  ms: number;
  commands: number;
  report: ImportReport;
}

// The messenger's PostgreSQL (the chats and profiles the import writes).
let db: Postgres;

async function measure(r: Redis, d: Directory, dryRun: boolean): Promise<Measured> {
  const { importer } = openImporter(r, db);
  const before = await commands(r);
  const t0 = performance.now();
  const report = await importer.import(d, { dryRun });
  const ms = performance.now() - t0;
  // The INFO calls themselves are 2 of the count.
  return { ms, commands: (await commands(r)) - before - 1, report };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const spread = (xs: number[]) => `${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)}`;

async function main(): Promise<void> {
  const redis = await startRedis();
  const pg = await startPostgres();
  db = openPostgres(pg.url, 'loadtest', createLogger('warn'));
  await migrate(db, [messagingSchema], createLogger('warn'));
  const r = new Redis(redis.url, { enableAutoPipelining: true });
  try {
    const d = school();
    const fresh: Measured[] = [];
    const same: Measured[] = [];
    const dry: Measured[] = [];
    const change: Measured[] = [];
    for (let i = 0; i < RUNS; i++) {
      await r.flushall();
      fresh.push(await measure(r, d, false));
      same.push(await measure(r, d, false));
      dry.push(await measure(r, changed(d), true));
      change.push(await measure(r, changed(d), false));
      console.log(
        `run ${i + 1}: fresh ${fresh[i]!.ms.toFixed(0)} ms, same ${same[i]!.ms.toFixed(0)} ms, dry ${dry[i]!.ms.toFixed(0)} ms, changed ${change[i]!.ms.toFixed(0)} ms`,
      );
    }
    const f = fresh[0]!.report;
    const c = change[0]!.report;
    const line = (name: string, m: Measured[]) =>
      `${name.padEnd(28)} ${median(m.map((x) => x.ms))
        .toFixed(0)
        .padStart(6)} ms (${spread(m.map((x) => x.ms))})  ${median(m.map((x) => x.commands))
        .toString()
        .padStart(7)} Redis commands`;
    const lines = [
      `school: ${f.classes} classes, ${f.people.teachers} teachers, ${f.people.pupils} pupils, ${f.people.parents} parents; ${f.chats.created} chats, ${f.chats.membersAdded} memberships`,
      `median of ${RUNS} runs on an emptied Redis (min-max); commands counted by the Redis server (auto-pipelined)`,
      line('first import', fresh),
      line('same file again (no change)', same),
      line('dry run of a changed file', dry),
      line('changed file', change),
      `changed file: ${c.diff.moved.length} moved, ${c.diff.removed.length} removed, ${c.diff.added.length} added; chats: +${c.chats.membersAdded} / -${c.chats.membersRemoved} memberships`,
      `machine load average  ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')} (2 cores shared with other work)`,
    ];
    console.log(lines.join('\n'));
    appendResult(
      `Directory import: ${f.people.pupils} pupils, ${f.people.parents} parents`,
      `npm run loadtest:directory -- --pupils ${PUPILS} --runs ${RUNS}`,
      lines,
      args.results,
    );
  } finally {
    r.disconnect();
    await redis.stop();
    await db.end();
    await pg.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
