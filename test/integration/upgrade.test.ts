// An upgrade: the data set release 0.1.0 made (test/fixtures/data-0.1.0/,
// made by that release's own server with make.sh: its Redis files as run.sh
// kept them, its uploads) under an install of this release, whose server
// starts from its unit, migrates the data to this release's version, shows
// the old room and meeting, keeps the file, and leaves 0.1.0's chats in Redis
// until the operator moves them: `school-call-messenger migrate`, killed
// midway once and run again, moves every chat into PostgreSQL (verified per
// chat), and the messenger shows 0.1.0's messages. Then data marked newer than
// this release stops the start with a sentence saying so, and the supervisor
// does not restart it (exit status 78, RestartPreventExitStatus).
import { createHash } from 'node:crypto';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODE_DATA_VERSION } from '../../app/dataMigrations.js';
import { type Installed, buildRelease, install, removeInstalls, run, until } from '../helpers/installed.js';
import { connectChat, postgresUnit } from '../helpers/installedChat.js';
import { redisAvailable } from '../helpers/redis.js';
import type { SupervisedUnit } from '../helpers/unitRunner.js';

const FIXTURE = join(import.meta.dirname, '../fixtures/data-0.1.0');
const expected = JSON.parse(readFileSync(join(FIXTURE, 'expected.json'), 'utf8')) as {
  adminSecret: string;
  tokenSecret: string;
  room: { id: string; code: string };
  meetingId: string;
  chatId: string;
  messages: { seq: number; text: string }[];
  file: { id: string; sha256: string };
};

let host: Installed;
const units: SupervisedUnit[] = [];
let redis: SupervisedUnit;

beforeAll(async () => {
  host = await install(await buildRelease(), {
    ADMIN_SECRET: expected.adminSecret,
    TOKEN_SECRET: expected.tokenSecret,
  });
  // The previous release's files where this release keeps them.
  cpSync(join(FIXTURE, 'appendonlydir'), join(host.prefix, 'var/lib/school-call/redis/appendonlydir'), {
    recursive: true,
  });
  cpSync(join(FIXTURE, 'uploads'), host.env.CHAT_UPLOAD_DIR!, { recursive: true });
  redis = host.run('school-call-redis.service');
  units.push(redis, postgresUnit(host));
  await Promise.all(units.map((u) => u.started(1)));
  for (const u of units) await u.startPost();
}, 300_000);

afterAll(async () => {
  for (const u of units.reverse()) await u.stop();
  await removeInstalls();
}, 180_000);

const redisCli = async (...args: string[]) =>
  (await run('redis-cli', ['-s', host.env.REDIS_URL!, ...args])).stdout.trim();
/** Every key of 0.1.0's chats with its content (DUMP), sorted. */
const legacyChatKeys = async () => {
  const names = (await redisCli('--scan', '--pattern', 'school-call:chat:{*'))
    .split('\n')
    .filter(Boolean)
    .sort();
  return Promise.all(names.map(async (k) => `${k} ${await redisCli('--no-raw', 'dump', k)}`));
};

describe.skipIf(!redisAvailable())('an upgrade from release 0.1.0', () => {
  it("migrates the previous release's data: its room, meeting and file are there; its chats move into PostgreSQL with school-call-messenger migrate, killed once midway", async () => {
    expect(await redisCli('get', 'school-call:data-version')).toBe('');
    const legacyBefore = await legacyChatKeys();
    expect(legacyBefore.length).toBeGreaterThan(10);
    const server = host.run('school-call.service');
    units.push(server);
    await server.started(1);
    await server.startPost();
    expect(await redisCli('get', 'school-call:data-version')).toBe(String(CODE_DATA_VERSION));

    const admin = { authorization: `Bearer ${expected.adminSecret}` };
    const room = (await (
      await fetch(`${host.httpUrl}/api/rooms/${expected.room.id}`, { headers: admin })
    ).json()) as {
      code: string;
    };
    expect(room.code).toBe(expected.room.code);
    expect(
      (await fetch(`${host.httpUrl}/api/meetings/${expected.meetingId}`, { headers: admin })).status,
    ).toBe(200);

    // The files are kept byte for byte, with their records.
    const upload = readFileSync(join(host.env.CHAT_UPLOAD_DIR!, expected.file.id));
    expect(createHash('sha256').update(upload).digest('hex')).toBe(expected.file.sha256);
    expect(await redisCli('exists', `school-call:file:${expected.file.id}`)).toBe('1');
    // 0.1.0's chats were in Redis; this release keeps chats in PostgreSQL: the
    // start leaves them untouched and the log says how to move them.
    expect(await legacyChatKeys()).toEqual(legacyBefore);
    expect(await redisCli('hget', `school-call:chat:{${expected.chatId}}`, 'title')).toBe('Алгебра');
    expect(server.output()).toMatch(
      /release 0\.1\.0's chat history \(18 chats\) is still in Redis .* run school-call-messenger migrate/,
    );

    // The move, killed right after its first chat's commit (before that chat's keys go)...
    const messenger = join(host.prefix, 'usr/local/sbin/school-call-messenger');
    const config = ['--config', join(host.prefix, 'etc/school-call/school-call.env')];
    const killed = await run(messenger, [...config, 'migrate'], {
      env: { ...process.env, MESSENGER_MIGRATE_DIE_AFTER: '1' },
    }).catch((err: Error) => err.message);
    expect(killed).toMatch(/failed \(null\)/);
    expect((await legacyChatKeys()).length).toBe(legacyBefore.length);
    // ...and run again: it finishes, verifying the chat already copied.
    const moved = (await run(messenger, [...config, 'migrate'])).stdout;
    expect(moved).toMatch(/^\S+ verified$/m);
    expect(moved.match(/^\S+ moved$/gm)).toHaveLength(17);
    expect(moved).toMatch(
      new RegExp(`^${expected.chatId}\\s+moved\\s+4\\s+2\\s+0\\s+0\\s+0\\s+0\\s+1\\s`, 'm'),
    );
    expect(moved).toContain('18 chats: 18 in PostgreSQL and removed from Redis, 0 left in Redis');
    expect(await legacyChatKeys()).toEqual([]);
    expect(await redisCli('exists', `school-call:file:${expected.file.id}`)).toBe('0');
    // A run with nothing left changes nothing.
    expect((await run(messenger, [...config, 'migrate'])).stdout).toContain('0 chats: 0 in PostgreSQL');

    // The teacher sees 0.1.0's messages, and the file, in the messenger.
    const teacher = await connectChat(host.httpUrl, expected.adminSecret, {
      userId: 'u-teacher',
      displayName: 'Марина Сергеевна',
    });
    const page = await teacher.client.request({ getHistory: { chatId: expected.chatId } });
    const texts = new Map(page.page!.messages!.map((m) => [m.seq, m]));
    for (const m of expected.messages) expect(texts.get(m.seq)?.text).toBe(m.text);
    expect(texts.get(expected.messages[0]!.seq)?.attachments?.[0]?.fileId).toBe(expected.file.id);
    teacher.client.close();

    // Started again on migrated data: nothing more to do.
    await server.stop();
    const again = host.run('school-call.service');
    units.push(again);
    await again.started(1);
    await again.startPost();
    await again.stop();
    // Two starts and a stop of the server from its unit: 50 s at a load of 18 on 2 cores.
  }, 180_000);

  it('refuses data newer than itself, and is not restarted', async () => {
    await redisCli('set', 'school-call:data-version', String(CODE_DATA_VERSION + 1));
    const server = host.run('school-call.service');
    units.push(server);
    const exited = await new Promise<number | null>((r) => server.supervisor.once('exit', r));
    expect(exited).toBe(78);
    expect(server.pids).toHaveLength(1);
    expect(server.output()).toContain(
      `data: the data in Redis is version ${CODE_DATA_VERSION + 1}, written by a newer release; this release reads version ${CODE_DATA_VERSION} at most`,
    );
    await until(async () => (await redisCli('ping')) === 'PONG', 'Redis untouched');
  });
});
