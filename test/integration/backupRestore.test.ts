import { spawn } from 'node:child_process';
// A backup taken while people write, upload and record, restored onto a fresh
// install: every message acknowledged before the backup began is there, with
// its file byte for byte, and so is the finished recording. The old host is
// an install (scripts/install.sh --prefix) whose Redis and PostgreSQL run
// from their units; the traffic goes to the server in this process on that
// install's settings (the recorder needs a room of this process to seat a
// participant sending real RTP). The new host is a second install, restored
// with school-call-restore, whose server starts from its unit.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Upload } from 'tus-js-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIN } from '../../signaling/domain/roomDefinition.js';
import type { TestChatClient, cpb } from '../helpers/chatServer.js';
import { type Installed, buildRelease, install, removeInstalls, run, until } from '../helpers/installed.js';
import { connectChat, postgresUnit } from '../helpers/installedChat.js';
import { TestClient } from '../helpers/protocolClient.js';
import { participantClip } from '../helpers/recordedRoom.js';
import { redisAvailable } from '../helpers/redis.js';
import { type RtpParticipant, seatRtpParticipant } from '../helpers/rtpParticipant.js';
import { type TestServer, createRoomWithToken, startTestServer } from '../helpers/testServer.js';
import type { SupervisedUnit } from '../helpers/unitRunner.js';

const units: SupervisedUnit[] = [];
let release: string;
let oldHost: Installed;
let newHost: Installed;
let server: TestServer | null = null;
let anna: RtpParticipant | undefined;

beforeAll(async () => {
  release = await buildRelease();
  oldHost = await install(release);
  units.push(oldHost.run('school-call-redis.service'), postgresUnit(oldHost));
  await Promise.all(units.map((u) => u.started(1)));
  for (const u of units) await u.startPost();
}, 300_000);

afterAll(async () => {
  anna?.leave();
  await server?.close();
  for (const u of units.reverse()) await u.stop();
  await removeInstalls();
}, 180_000);

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function tusUpload(base: string, data: Buffer, meta: Record<string, string>, token: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const upload = new Upload(data, {
      endpoint: `${base}/api/chat/uploads`,
      metadata: meta,
      headers: { authorization: `Bearer ${token}` },
      chunkSize: 256 * 1024,
      retryDelays: [],
      onError: reject,
      onSuccess: () => resolve(upload.url!.split('/').pop()!),
    });
    upload.start();
  });
}

describe.skipIf(!redisAvailable())('backup and restore', () => {
  it('a backup taken during traffic restores every acknowledged message, file and recording', async () => {
    const env = oldHost.env;
    server = await startTestServer({
      ADMIN_SECRET: env.ADMIN_SECRET!,
      TOKEN_SECRET: env.TOKEN_SECRET!,
      REDIS_URL: env.REDIS_URL!,
      DATABASE_URL: env.DATABASE_URL!,
      CHAT_UPLOAD_DIR: env.CHAT_UPLOAD_DIR!,
      RECORDINGS_DIR: env.RECORDINGS_DIR!,
      // Two people stand for a class's traffic here: the per-person cap is not what is tested.
      CHAT_MESSAGES_PER_MINUTE: '100000',
    });
    const s = server;
    const teacher = await connectChat(s.httpUrl, env.ADMIN_SECRET!, { userId: 'bt', displayName: 'Учитель' });
    const pupil = await connectChat(s.httpUrl, env.ADMIN_SECRET!, {
      userId: 'bp',
      displayName: 'Ученица',
      role: 'student',
    });
    const chatId = (await teacher.client.request({ createChat: { title: '5 «Б»', members: ['bp'] } })).chat!
      .chatId!;
    await pupil.client.waitFor((e) => e.chatAdded?.chatId === chatId);

    // A recording, finished before the backup.
    const [h] = await createRoomWithToken(s, 'lesson', [
      { displayName: 'Учитель', role: 'host', userId: 'bt' },
    ]);
    const host = await TestClient.connect(s.wsUrl);
    await host.request({ join: { roomId: 'lesson', token: h!.token } });
    const room = s.registry.get('lesson')!;
    await room.ensureMedia(MAIN);
    anna = await seatRtpParticipant(room, {
      id: 'anna',
      displayName: 'Анна',
      role: 'participant',
      clip: participantClip('0x2060d0', 330),
    });
    const started = await host.request({ startRecording: {} });
    const recordingId = started.recordingStarted!.recordingId!;
    await new Promise((r) => setTimeout(r, 6000));
    await host.request({ stopRecording: {} });
    await until(
      async () => {
        const res = await fetch(`${s.httpUrl}/api/recordings/${recordingId}`, { headers: s.adminHeaders });
        return ((await res.json()) as { status: string }).status === 'ready';
      },
      'the recording to finish',
      60_000,
    );
    const recordingFile = Buffer.from(
      await (
        await fetch(`${s.httpUrl}/api/recordings/${recordingId}/file`, { headers: s.adminHeaders })
      ).arrayBuffer(),
    );
    expect(recordingFile.length).toBeGreaterThan(10_000);

    // Traffic: messages every few milliseconds, files now and then, from two people.
    const acked: { seq: number; text: string; fileId?: string; at: number }[] = [];
    const files = new Map<string, Buffer>();
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        const who = i % 2 === 0 ? teacher : pupil;
        let fileId: string | undefined;
        if (i % 25 === 0) {
          const data = randomBytes(200_000 + i * 100);
          fileId = await tusUpload(
            s.httpUrl,
            data,
            { chatId, filename: `конспект-${i}.bin`, filetype: 'application/octet-stream' },
            who.token,
          );
          files.set(fileId, data);
        }
        const text = `сообщение ${i}`;
        try {
          const m = await who.client.send(chatId, text, fileId ? { fileIds: [fileId] } : {});
          acked.push({ seq: m.seq!, text, fileId, at: Date.now() });
        } catch {
          // Refused (a rate limit, say): not acknowledged, so not owed.
          await new Promise((r) => setTimeout(r, 500));
        }
        await new Promise((r) => setTimeout(r, 40));
      }
    })();
    await until(async () => acked.length >= 60, 'sixty messages');

    const backupStarted = Date.now();
    const backup = spawn(
      join(oldHost.prefix, 'usr/local/sbin/school-call-backup'),
      ['--config', join(oldHost.prefix, 'etc/school-call/school-call.env')],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let archive = '';
    backup.stdout.on('data', (d: Buffer) => {
      archive += d.toString();
    });
    const status = await new Promise<number | null>((r) => backup.once('exit', r));
    expect(status).toBe(0);
    archive = archive.trim();
    await until(
      async () => acked.some((a) => a.at > Date.now() - 50) && acked.length > 0,
      'more messages after',
    );
    writing = false;
    await writer;
    const before = acked.filter((a) => a.at < backupStarted);
    expect(before.length).toBeGreaterThanOrEqual(60);
    expect(before.filter((a) => a.fileId).length).toBeGreaterThanOrEqual(3);
    host.close();
    teacher.client.close();
    pupil.client.close();
    anna.leave();
    anna = undefined;
    await s.close();
    server = null;

    // A fresh machine: install, restore, start from the units.
    newHost = await install(release);
    const pg = postgresUnit(newHost);
    units.push(pg);
    await pg.started(1);
    await pg.startPost();
    const restore = await run(join(newHost.prefix, 'usr/local/sbin/school-call-restore'), [
      '--no-systemd',
      '--config',
      join(newHost.prefix, 'etc/school-call/school-call.env'),
      archive,
    ]);
    expect(restore.stderr).toContain('[restore] Redis:');
    const redis = newHost.run('school-call-redis.service');
    units.push(redis);
    await redis.started(1);
    const restoredServer = newHost.run('school-call.service');
    units.push(restoredServer);
    await restoredServer.started(1);
    await restoredServer.startPost();

    // The settings came back with their secrets (the old admin secret works on
    // the new host), and with this machine's own paths: the new host listens
    // where the old one did (PORT comes from the backup).
    const restoredEnv = readFileSync(join(newHost.prefix, 'etc/school-call/school-call.env'), 'utf8');
    expect(restoredEnv).toContain(`ADMIN_SECRET=${env.ADMIN_SECRET}`);
    expect(restoredEnv).toContain(`REDIS_URL=${newHost.env.REDIS_URL}`);
    expect(restoredEnv).toContain(`CHAT_UPLOAD_DIR=${newHost.env.CHAT_UPLOAD_DIR}`);
    const restoredUrl = oldHost.httpUrl;
    const reader = await connectChat(restoredUrl, env.ADMIN_SECRET!, {
      userId: 'bp',
      displayName: 'Ученица',
      role: 'student',
    });
    const history: cpb.IChatMessage[] = [];
    for (let from = 1; ; ) {
      const page = await reader.client.request({ getHistory: { chatId, fromSeq: from, limit: 100 } });
      const got = page.page?.messages ?? [];
      history.push(...got);
      if (got.length < 100) break;
      from = got[got.length - 1]!.seq! + 1;
    }
    const bySeq = new Map(history.map((m) => [m.seq!, m]));
    const missing = before.filter((a) => bySeq.get(a.seq)?.text !== a.text);
    expect(missing).toEqual([]);
    for (const a of before.filter((x) => x.fileId)) {
      expect(bySeq.get(a.seq)!.attachments![0]!.fileId).toBe(a.fileId);
      const link = await reader.client.request({ getFileUrl: { chatId, fileId: a.fileId! } });
      const body = Buffer.from(await (await fetch(`${restoredUrl}${link.fileUrl!.url}`)).arrayBuffer());
      expect(sha(body)).toBe(sha(files.get(a.fileId!)!));
    }
    const admin = { authorization: `Bearer ${env.ADMIN_SECRET}` };
    const rec = await fetch(`${restoredUrl}/api/recordings/${recordingId}/file`, { headers: admin });
    expect(rec.status).toBe(200);
    expect(sha(Buffer.from(await rec.arrayBuffer()))).toBe(sha(recordingFile));
    expect(readdirSync(newHost.env.RECORDINGS_DIR!).length).toBeGreaterThan(0);
    reader.client.close();
  }, 400_000);
});
