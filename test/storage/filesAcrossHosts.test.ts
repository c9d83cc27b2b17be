// Files on shared storage (#26): two server hosts share one Redis, one
// PostgreSQL and one S3 bucket (a real s3rver), each with its own upload
// directory. A file uploaded through host A, its upload interrupted and
// resumed after host A restarted, downloads byte for byte through host B
// (whole, and a Range), and so does an image's preview; nothing of the
// finished upload stays on A's disk; deleting the message removes the
// objects from the bucket, and so does the sweep of uploads never sent.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../common/log.js';
import { objectStoreFromEnv } from '../../common/storage/fileStorage.js';
import { S3Storage } from '../../common/storage/s3Storage.js';
import { FileRecords } from '../../messaging/files/fileRecords.js';
import { type ChatTestServer, type TestChatClient, startChatServer } from '../helpers/chatServer.js';
import { type TestRedis, startRedis } from '../helpers/redis.js';
import { type TestS3, startS3 } from '../helpers/s3.js';
import { tusUpload } from '../helpers/tusUpload.js';

let redis: TestRedis;
let s3: TestS3;
let bucket: S3Storage;
let a: ChatTestServer;
let b: ChatTestServer;
let shared: Record<string, string>;
const clients: TestChatClient[] = [];
const teacher = { userId: 'sh-t', displayName: 'Учитель', sortName: 'Учитель' };
const pupil = { userId: 'sh-p', displayName: 'Ученица', sortName: 'Ученица', role: 'student' as const };

/** A host on the shared Redis, PostgreSQL and bucket, with an upload directory of its own. */
function startHost(hostId: string, uploadDir: string): Promise<ChatTestServer> {
  return startChatServer({ ...shared, HOST_ID: hostId, CHAT_UPLOAD_DIR: uploadDir }, { redis: false });
}

beforeAll(async () => {
  redis = await startRedis();
  s3 = await startS3();
  bucket = new S3Storage(objectStoreFromEnv(s3.env)!, 'chat/');
  shared = {
    ...s3.env,
    REDIS_URL: redis.url,
    TOKEN_SECRET: randomBytes(24).toString('base64url'),
    ADMIN_SECRET: randomBytes(24).toString('base64url'),
  };
  a = await startHost('host-a', mkdtempSync(join(tmpdir(), 'uploads-a-')));
  b = await startHost('host-b', mkdtempSync(join(tmpdir(), 'uploads-b-')));
});
afterAll(async () => {
  for (const c of clients) c.close();
  await a?.stop();
  await b?.stop();
  bucket?.close();
  await s3?.stop();
  await redis?.stop();
});

async function client(host: ChatTestServer, p: typeof teacher): Promise<TestChatClient> {
  const c = await host.client(p);
  clients.push(c);
  return c;
}

async function offsetOf(host: ChatTestServer, url: string, token: string): Promise<number> {
  const res = await fetch(`${host.httpUrl}${new URL(url, host.httpUrl).pathname}`, {
    method: 'HEAD',
    headers: { authorization: `Bearer ${token}`, 'tus-resumable': '1.0.0' },
  });
  return Number(res.headers.get('upload-offset'));
}

describe('files on a bucket every host shares', () => {
  it('uploaded through A (resumed after A restarted), downloaded whole and in a range through B, removed with its message', async () => {
    const teacherToken = await a.token(teacher);
    const onA = await client(a, teacher);
    const onB = await client(b, pupil);
    const chatId = (await onA.request({ createChat: { title: 'Общие файлы', members: [pupil.userId] } }))
      .chat!.chatId!;
    await onB.waitFor((e) => e.chatAdded?.chatId === chatId);

    const data = randomBytes(3 * 1024 * 1024 + 4321);
    const meta = { chatId, filename: 'контрольная.bin', filetype: 'application/octet-stream' };
    const first = await tusUpload(a.httpUrl, data, meta, teacherToken, { stopAfter: 1024 * 1024 });
    // Host A restarts on the same upload directory; the upload resumes where it stopped.
    const uploadDirA = a.env.CHAT_UPLOAD_DIR!;
    await a.stop();
    a = await startHost('host-a', uploadDirA);
    const offset = await offsetOf(a, first.url, teacherToken);
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThan(data.length);
    const second = await tusUpload(a.httpUrl, data, meta, teacherToken, {
      uploadUrl: `${a.httpUrl}${new URL(first.url, a.httpUrl).pathname}`,
    });
    expect(second.fileId).toBe(first.fileId);
    expect(second.progress[0]).toBeGreaterThanOrEqual(offset);
    const fileId = first.fileId;
    // The finished upload lives in the bucket, not on A's disk.
    expect(await bucket.size(fileId)).toBe(data.length);
    expect(readdirSync(uploadDirA).filter((n) => n.startsWith(fileId))).toEqual([]);

    const sentOnA = await client(a, teacher);
    const m = await sentOnA.send(chatId, 'Задания', { fileIds: [fileId] });
    await onB.waitFor((e) => e.message?.seq === m.seq && e.message?.chatId === chatId);

    // The pupil, on host B, asks B for a link and downloads from B.
    const link = await onB.request({ getFileUrl: { chatId, fileId } });
    const url = `${b.httpUrl}${link.fileUrl!.url}`;
    const whole = await fetch(url);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await whole.arrayBuffer()).equals(data)).toBe(true);
    const part = await fetch(url, { headers: { range: 'bytes=1048570-2097159' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 1048570-2097159/${data.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(data.subarray(1048570, 2097160))).toBe(true);
    const tail = await fetch(url, { headers: { range: 'bytes=-10' } });
    expect(Buffer.from(await tail.arrayBuffer()).equals(data.subarray(data.length - 10))).toBe(true);
    expect((await fetch(url, { headers: { range: `bytes=${data.length}-` } })).status).toBe(416);
    // The same link, signed on B, works on A too (the hosts share the key).
    const fromA = await fetch(`${a.httpUrl}${link.fileUrl!.url}`, { headers: { range: 'bytes=0-99' } });
    expect(Buffer.from(await fromA.arrayBuffer()).equals(data.subarray(0, 100))).toBe(true);

    // Deleted for everyone: the object goes from the bucket, and B serves it no more.
    await sentOnA.request({ deleteMessage: { chatId, seq: m.seq } });
    expect(await bucket.size(fileId)).toBeNull();
    expect((await fetch(url)).status).toBe(404);
  });

  it("an image's preview made on A is served by B", async () => {
    const teacherToken = await b.token(teacher);
    const onB = await client(b, teacher);
    const chatId = (await onB.request({ createChat: { title: 'Фото' } })).chat!.chatId!;
    const png = await sharp({
      create: { width: 1200, height: 600, channels: 3, background: { r: 20, g: 120, b: 40 } },
    })
      .png()
      .toBuffer();
    const up = await tusUpload(
      a.httpUrl,
      png,
      { chatId, filename: 'доска.png', filetype: 'image/png' },
      teacherToken,
    );
    const m = await onB.send(chatId, '', { fileIds: [up.fileId] });
    expect(m.attachments![0]).toMatchObject({ hasPreview: true, width: 480, height: 240 });
    expect(await bucket.size(`${up.fileId}.preview.jpg`)).toBeGreaterThan(0);
    const link = await onB.request({ getFileUrl: { chatId, fileId: up.fileId, preview: true } });
    const res = await fetch(`${b.httpUrl}${link.fileUrl!.url}`);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(await sharp(Buffer.from(await res.arrayBuffer())).metadata()).toMatchObject({
      format: 'jpeg',
      width: 480,
      height: 240,
    });
    const original = await fetch(`${b.httpUrl}/api/chat/files/${up.fileId}`, {
      headers: { authorization: `Bearer ${teacherToken}` },
    });
    expect(Buffer.from(await original.arrayBuffer()).equals(png)).toBe(true);
  });

  it('uploads never sent go from the bucket (finished) and from the receiving disk (abandoned) at the sweep', async () => {
    const teacherToken = await a.token(teacher);
    const onA = await client(a, teacher);
    const chatId = (await onA.request({ createChat: { title: 'Черновики' } })).chat!.chatId!;
    const meta = { chatId, filename: 'черновик.bin', filetype: 'application/octet-stream' };
    const finished = await tusUpload(a.httpUrl, randomBytes(5000), meta, teacherToken);
    const abandoned = await tusUpload(a.httpUrl, randomBytes(600 * 1024), meta, teacherToken, {
      stopAfter: 256 * 1024,
    });
    const uploadDirA = a.env.CHAT_UPLOAD_DIR!;
    expect(await bucket.size(finished.fileId)).toBe(5000);
    expect(readdirSync(uploadDirA).filter((n) => n.startsWith(abandoned.fileId)).length).toBe(2);
    // The sweep every host runs, here at once and for everything begun until now.
    const files = new FileRecords(a.server.database!, bucket, uploadDirA, createLogger('warn'));
    expect(await files.sweepUnsent(Date.now() + 1000)).toBeGreaterThanOrEqual(2);
    expect(await bucket.size(finished.fileId)).toBeNull();
    expect(readdirSync(uploadDirA).filter((n) => n.startsWith(abandoned.fileId))).toEqual([]);
    expect(await files.get(finished.fileId)).toBeNull();
  });
});
