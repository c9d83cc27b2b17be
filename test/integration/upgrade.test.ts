// An upgrade: the data set release 0.1.0 made (test/fixtures/data-0.1.0/,
// made by that release's own server with make.sh: its Redis files as run.sh
// kept them, its uploads) under an install of this release, whose server
// starts from its unit, migrates the data to this release's version, shows
// the old room and meeting, keeps the file, and leaves 0.1.0's chats in Redis
// untouched (this release cannot move them to PostgreSQL yet: #26). Then data marked newer than
// this release stops the start with a sentence saying so, and the supervisor
// does not restart it (exit status 78, RestartPreventExitStatus).
import { createHash } from 'node:crypto';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODE_DATA_VERSION } from '../../app/dataMigrations.js';
import { type Installed, buildRelease, install, removeInstalls, run, until } from '../helpers/installed.js';
import { postgresUnit } from '../helpers/installedChat.js';
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
  const names = (await redisCli('--scan', '--pattern', 'school-call:chat:{*')).split('\n').sort();
  return Promise.all(names.map(async (k) => `${k} ${await redisCli('--no-raw', 'dump', k)}`));
};

describe.skipIf(!redisAvailable())('an upgrade from release 0.1.0', () => {
  it("migrates the previous release's data: its room, meeting and file are there, its Redis chats untouched", async () => {
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
    // 0.1.0's chats were in Redis; this release keeps chats in PostgreSQL and
    // does not move them yet (#26): they stay untouched, and the log says so.
    expect(await legacyChatKeys()).toEqual(legacyBefore);
    expect(await redisCli('hget', `school-call:chat:{${expected.chatId}}`, 'title')).toBe('Алгебра');
    expect(server.output()).toMatch(/release 0\.1\.0's chat history \(\d+ chats\) stays in Redis untouched/);

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
