// Message search at scale (#26): a private PostgreSQL (as shipped,
// scripts/postgresql.conf) with the messenger's schema (its own migrations)
// is filled by COPY with N messages of Russian school-chat text across many
// schools and chats; then the messenger's own search (store/messageSearch.ts
// searchMessages, over the ranges the read rule gives) is timed for single
// words, phrases and typed prefixes, for a pupil in a few chats and a teacher
// in many. Prints p50/p99 and the bytes on disk per message (tables and
// indexes), and appends them to loadtest/RESULTS.md.
//
//   npm run loadtest:search -- [--messages 1000000] [--schools 100] [--chats 40] [--runs 40]
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createLogger } from '../common/log.js';
import { openPostgres } from '../common/postgres/connect.js';
import { migrate } from '../common/postgres/migrations.js';
import { firstReadableSeq } from '../messaging/permissions.js';
import { messagingSchema } from '../messaging/schema.js';
import { searchMessages, searchStatement } from '../messaging/store/messageSearch.js';
import { PostgresCluster } from '../test/helpers/postgres.js';
import { pct } from './chatStack.js';
import { onInterrupt } from './interrupt.js';
import { RESULTS_PATH, appendResult } from './results.js';

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '1000000' },
    schools: { type: 'string', default: '100' },
    chats: { type: 'string', default: '40' },
    members: { type: 'string', default: '25' },
    runs: { type: 'string', default: '40' },
    results: { type: 'string', default: RESULTS_PATH },
  },
});
const MESSAGES = Number(args.messages);
const SCHOOLS = Number(args.schools);
const CHATS_PER_SCHOOL = Number(args.chats);
const MEMBERS = Number(args.members);
const RUNS = Number(args.runs);
const CHATS = SCHOOLS * CHATS_PER_SCHOOL;

// Lines as a class, a teacher and parents write them; a message is one to three of them.
const SUBJECTS = [
  'математике',
  'русскому языку',
  'истории',
  'биологии',
  'физике',
  'литературе',
  'географии',
  'химии',
  'английскому',
  'информатике',
];
const LINES = [
  'Домашнее задание по {s}: параграф {n}, упражнения {n} и {n}.',
  'Завтра контрольная работа по {s}, не забудьте тетради.',
  'Урок {n} перенесён на пятницу, кабинет {n}.',
  'Кто не сдал сочинение, принесите до среды.',
  'Родительское собрание в четверг в 18:00 в актовом зале.',
  'Спасибо, всё понятно!',
  'А можно уточнить, какие задачи решать?',
  'Оценки за четверть выставлены в электронном журнале.',
  'Экскурсия в музей в субботу, сбор у школы в 9:30.',
  'Не забудьте сменную обувь и форму на физкультуру.',
  'Проверочная по {s} будет на следующей неделе.',
  'Олимпиада по {s}: регистрация до {n} числа.',
  'Ребята, скиньте, пожалуйста, расписание на завтра.',
  'Лабораторная работа по {s}: оформить отчёт к уроку.',
  'Учебники нужно вернуть в библиотеку до конца мая.',
  'Сегодня дежурит {n} группа, останьтесь после уроков.',
  'Прочитать рассказ и ответить на вопросы письменно.',
  'Кто поедет на соревнования, подойдите к учителю.',
  'Ок, спасибо большое!',
  'Я заболел, пришлите, пожалуйста, что задали.',
];
const NAMES = [
  'Ольга Викторовна',
  'Маша Егорова',
  'Даша Орлова',
  'Коля Васильев',
  'Ирина Сергеевна',
  'Петя Смирнов',
  'Анна Петровна',
  'Саша Кузнецов',
];

let seed = 42;
const rand = (n: number) => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
};
const line = () =>
  LINES[rand(LINES.length)]!.replace(/\{s\}/g, () => SUBJECTS[rand(SUBJECTS.length)]!).replace(/\{n\}/g, () =>
    String(1 + rand(40)),
  );

/** COPY rows into a table through psql (far faster than inserts); `rows` yields TSV lines. */
function copy(url: string, table: string, columns: string, rows: Iterable<string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const psql = spawn(
      'psql',
      [url, '-v', 'ON_ERROR_STOP=1', '-qc', `COPY ${table} (${columns}) FROM STDIN`],
      {
        stdio: ['pipe', 'inherit', 'inherit'],
      },
    );
    psql.on('error', reject);
    psql.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`psql COPY ${table}: ${code}`))));
    const it = rows[Symbol.iterator]();
    const pump = () => {
      let chunk = '';
      for (let n = 0; n < 2000; n++) {
        const next = it.next();
        if (next.done) {
          psql.stdin.end(chunk);
          return;
        }
        chunk += `${next.value}\n`;
      }
      if (psql.stdin.write(chunk)) setImmediate(pump);
      else psql.stdin.once('drain', pump);
    };
    pump();
  });
}

const chatId = (c: number) => `load-chat-${c}`;
const schoolOf = (c: number) => Math.floor(c / CHATS_PER_SCHOOL);
/** Members of chat c: its school's pupils (a class of MEMBERS) and the school's teacher t<school>. */
const pupilsOf = (c: number) => Array.from({ length: MEMBERS - 1 }, (_, i) => `p-${c}-${i}`);
const teacherOf = (c: number) => `t-${schoolOf(c)}`;

async function main(): Promise<void> {
  const log = createLogger('warn');
  const postgres = new PostgresCluster();
  const forget = onInterrupt(() => postgres.stop());
  await postgres.start();
  const url = postgres.url();
  const db = openPostgres(url, 'search load test', log, { max: 2 });
  try {
    await migrate(db, [messagingSchema], log);
    const t0 = performance.now();
    const now = Date.now();
    await copy(
      url,
      'messaging.person',
      'id, name, sort, role, school',
      (function* () {
        for (let s = 0; s < SCHOOLS; s++) yield `t-${s}\tУчитель ${s}\tУчитель ${s}\tteacher\tschool-${s}`;
        for (let c = 0; c < CHATS; c++)
          for (const p of pupilsOf(c)) yield `${p}\tУченик ${p}\tУченик ${p}\tstudent\tschool-${schoolOf(c)}`;
      })(),
    );
    // Messages spread over the chats, a few busy ones carrying more (one chat in ten twice as many).
    const weight = (c: number) => (c % 10 === 0 ? 2 : 1);
    const totalWeight = Array.from({ length: CHATS }, (_, c) => weight(c)).reduce((a, b) => a + b, 0);
    const perChat = Array.from({ length: CHATS }, (_, c) => Math.floor((MESSAGES * weight(c)) / totalWeight));
    perChat[0]! += MESSAGES - perChat.reduce((a, b) => a + b, 0);
    const settings = JSON.stringify({ whoMayWrite: 'everyone' });
    await copy(
      url,
      'messaging.chat',
      'id, kind, title, created_at, settings, seq, rev, members, last_at',
      (function* () {
        for (let c = 0; c < CHATS; c++)
          yield `${chatId(c)}\tgroup\tКласс ${c}\t${now}\t${settings}\t${perChat[c]}\t${perChat[c]}\t${MEMBERS}\t${now}`;
      })(),
    );
    await copy(
      url,
      'messaging.member',
      'chat_id, user_id, role, source, joined_at, visible_from, read_seq',
      (function* () {
        for (let c = 0; c < CHATS; c++) {
          yield `${chatId(c)}\t${teacherOf(c)}\tcreator\tdirect\t${now}\t1\t${perChat[c]}`;
          for (const p of pupilsOf(c)) yield `${chatId(c)}\t${p}\tmember\tdirect\t${now}\t1\t${perChat[c]}`;
        }
      })(),
    );
    // The indexes are built once after the load (their definitions as the migrations made them).
    const indexes = (
      await db.query<{ indexname: string; indexdef: string }>(
        `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'messaging' AND tablename = 'message'
         AND indexname NOT LIKE '%pkey'`,
      )
    ).rows;
    for (const i of indexes) await db.query(`DROP INDEX messaging.${i.indexname}`);
    const year = 365 * 86_400_000;
    await copy(
      url,
      'messaging.message',
      'chat_id, seq, rev, at, sender, deleted, body',
      (function* () {
        for (let c = 0; c < CHATS; c++) {
          const n = perChat[c]!;
          const pupils = pupilsOf(c);
          for (let seq = 1; seq <= n; seq++) {
            const teacher = rand(4) === 0;
            const from = teacher ? teacherOf(c) : pupils[rand(pupils.length)]!;
            const parts = 1 + (rand(3) === 0 ? 1 + rand(2) : 0);
            let text = line();
            for (let k = 1; k < parts; k++) text += ` ${line()}`;
            const body = JSON.stringify({ kind: 'text', from, name: NAMES[rand(NAMES.length)], text });
            const at = now - year + Math.floor((year * seq) / n);
            yield `${chatId(c)}\t${seq}\t${seq}\t${at}\t${from}\tf\t${body.replace(/\\/g, '\\\\')}`;
          }
        }
      })(),
    );
    const loadedS = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    for (const i of indexes) await db.query(i.indexdef);
    await db.query('VACUUM ANALYZE');
    const indexedS = (performance.now() - t1) / 1000;
    const sizes = (
      await db.query<{ name: string; total: string; heap: string; idx: string }>(
        `SELECT c.relname AS name, pg_total_relation_size(c.oid) AS total, pg_relation_size(c.oid) AS heap,
           pg_indexes_size(c.oid) AS idx
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'messaging' AND c.relkind = 'r' ORDER BY pg_total_relation_size(c.oid) DESC LIMIT 4`,
      )
    ).rows;
    const words = (
      await db.query<{ name: string; size: string }>(
        `SELECT indexname AS name, pg_relation_size(('messaging.' || indexname)::regclass) AS size
         FROM pg_indexes WHERE schemaname = 'messaging' AND tablename = 'message'`,
      )
    ).rows;

    // Who searches: a pupil (their class chat) and a teacher (every chat of their school).
    const rangesOf = async (userId: string) =>
      (
        await db.query<{ chat_id: string; visible_from: string }>(
          'SELECT chat_id, visible_from FROM messaging.member WHERE user_id = $1',
          [userId],
        )
      ).rows.map((r) => ({
        chatId: r.chat_id,
        from: firstReadableSeq({ visibleFrom: Number(r.visible_from) } as never),
      }));
    const people = { pupil: await rangesOf('p-1-0'), teacher: await rangesOf('t-0') };
    const queries = {
      word: ['контрольная', 'урок', 'сочинение', 'экскурсия', 'олимпиада', 'учебники', 'журнале', 'музей'],
      phrase: ['"домашнее задание"', '"родительское собрание"', '"контрольная работа"', '"сменную обувь"'],
      prefix: ['контр', 'домашн', 'собран', 'экскурс'],
    };
    const lines: string[] = [
      `${MESSAGES} messages in ${CHATS} chats of ${MEMBERS} (${SCHOOLS} schools × ${CHATS_PER_SCHOOL}); loaded by COPY in ${loadedS.toFixed(0)} s, indexes and VACUUM ANALYZE ${indexedS.toFixed(0)} s`,
      `pupil in ${people.pupil.length} chat(s) (${perChat[1]} messages), teacher in ${people.teacher.length} chats (${people.teacher.reduce((a, r) => a + perChat[Number(r.chatId.split('-')[2])]!, 0)} messages)`,
    ];
    for (const s of sizes)
      lines.push(
        `  ${s.name}: ${(Number(s.total) / 2 ** 20).toFixed(0)} MiB (heap ${(Number(s.heap) / 2 ** 20).toFixed(0)}, indexes ${(Number(s.idx) / 2 ** 20).toFixed(0)})`,
      );
    for (const w of words) lines.push(`    index ${w.name}: ${(Number(w.size) / 2 ** 20).toFixed(0)} MiB`);
    const messageTotal = Number(sizes.find((s) => s.name === 'message')?.total ?? 0);
    lines.push(
      `bytes on disk per message (message table with its indexes and TOAST): ${(messageTotal / MESSAGES).toFixed(0)}`,
    );
    for (const [who, ranges] of Object.entries(people)) {
      for (const [kind, list] of Object.entries(queries)) {
        const times = new Float64Array(RUNS);
        let hits = 0;
        for (let i = 0; i < RUNS; i++) {
          const t = performance.now();
          hits += (await searchMessages(db, list[i % list.length]!, ranges, 20)).length;
          times[i] = performance.now() - t;
        }
        times.sort();
        lines.push(
          `search ${who} ${kind}: p50 ${pct(times, 50).toFixed(1)} ms, p99 ${pct(times, 99).toFixed(1)} ms (${RUNS} runs, ${(hits / RUNS).toFixed(1)} hits each)`,
        );
      }
    }
    // The plan of the statement the server runs (searchMessages'), not a part of it.
    const statement = searchStatement('урок', people.teacher, 20);
    const plan = await db.query(`EXPLAIN (ANALYZE, BUFFERS) ${statement.text}`, statement.values);
    const explain = plan.rows.map((r) => `  ${r['QUERY PLAN']}`);
    lines.push(
      `load average at the end: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    console.log([...lines, 'teacher "урок" plan:', ...explain].join('\n'));
    appendResult(
      'Message search at scale (PostgreSQL, COPY-loaded)',
      `nice -n 10 npm run loadtest:search -- --messages ${MESSAGES}`,
      [...lines, 'teacher "урок" (the search statement as the server runs it), EXPLAIN ANALYZE:', ...explain],
      args.results,
    );
  } finally {
    await db.end();
    forget();
    await postgres.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
