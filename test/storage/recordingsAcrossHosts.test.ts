// Recordings and transcripts on shared storage (#26): two hosts share one Redis, one
// PostgreSQL and one S3 bucket (a real s3rver), each with a recordings
// directory of its own. Host A records a lesson (its pieces on A's disk while
// it runs, the real GStreamer recorder); once finished, the file and its
// metadata are in the bucket and nothing of it is left on A's disk. Host B
// lists it, serves it byte for byte (whole and a Range) by the lesson page's
// signed link and the admin API, and deleting it through B removes it from
// the bucket, so A no longer lists it either. The lesson's transcript,
// written by the transcriber's writer into A's storage (the bucket), is on
// B's lesson page and in B's admin API.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objectStoreFromEnv } from '../../common/storage/fileStorage.js';
import { S3Storage } from '../../common/storage/s3Storage.js';
import { Transcript } from '../../transcriber/transcript.js';
import { type ChatTestServer, type TestChatClient, startChatServer } from '../helpers/chatServer.js';
import { TestClient } from '../helpers/protocolClient.js';
import { type TestRedis, startRedis } from '../helpers/redis.js';
import { type TestS3, startS3 } from '../helpers/s3.js';

let redis: TestRedis;
let s3: TestS3;
let bucket: S3Storage;
let a: ChatTestServer;
let b: ChatTestServer;
const dirA = mkdtempSync(join(tmpdir(), 'recordings-a-'));
const dirB = mkdtempSync(join(tmpdir(), 'recordings-b-'));
const closers: { close(): void }[] = [];
const teacher = { userId: 'rh-t', displayName: 'Анна Сергеевна', role: 'teacher' as const };

beforeAll(async () => {
  redis = await startRedis();
  s3 = await startS3();
  bucket = new S3Storage(objectStoreFromEnv(s3.env)!, 'recordings/');
  const shared = {
    ...s3.env,
    REDIS_URL: redis.url,
    TOKEN_SECRET: randomBytes(24).toString('base64url'),
    ADMIN_SECRET: randomBytes(24).toString('base64url'),
  };
  a = await startChatServer({ ...shared, HOST_ID: 'rec-a', RECORDINGS_DIR: dirA }, { redis: false });
  b = await startChatServer({ ...shared, HOST_ID: 'rec-b', RECORDINGS_DIR: dirB }, { redis: false });
}, 60_000);
afterAll(async () => {
  for (const c of closers) c.close();
  await a?.stop();
  await b?.stop();
  bucket?.close();
  await s3?.stop();
  await redis?.stop();
  rmSync(dirA, { recursive: true, force: true });
  rmSync(dirB, { recursive: true, force: true });
});

async function chat(host: ChatTestServer): Promise<TestChatClient> {
  const c = await host.client(teacher);
  closers.push(c);
  return c;
}

const cards = async (api: TestChatClient, chatId: string) =>
  ((await api.request({ getHistory: { chatId } })).page!.messages ?? []).filter((m) => m.recap);

async function admin(host: ChatTestServer, path: string, init: RequestInit = {}) {
  const res = await fetch(`${host.httpUrl}${path}`, { ...init, headers: host.adminHeaders });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
}

const listed = async (host: ChatTestServer) =>
  (JSON.parse((await admin(host, '/api/recordings')).body.toString()) as { recordings: { id: string }[] })
    .recordings;

describe('a recording made on one host', () => {
  it('is kept in the bucket and served, listed and deleted by another host', async () => {
    const onA = await chat(a);
    const chatId = (await onA.request({ createChat: { title: '7А класс', members: [] } })).chat!.chatId!;
    await onA.request({ startCall: { chatId, title: 'Физика' } });
    const seq = (await onA.request({ getHistory: { chatId } })).page!.messages!.find((m) => m.call)!.seq!;
    const link = (await onA.request({ joinCall: { chatId, seq } })).call!;
    const token = new URLSearchParams(new URL(link.joinUrl!).hash.slice(1)).get('token')!;
    const host = await TestClient.connect(a.server.wsUrl);
    closers.push(host);
    await host.request({ join: { roomId: link.roomId!, token } });
    await host.request({ startRecording: {} });
    // What the transcriber on A writes when subtitles stop: the same writer, into A's storage (the bucket).
    const transcript = new Transcript(link.roomId!, Date.now());
    transcript.add({
      participantId: 'x',
      speaker: teacher.displayName,
      startMs: Date.now(),
      endMs: Date.now() + 900,
      text: 'Сила равна массе на ускорение',
    });
    const transcriptName = new Date(transcript.startedAtMs)
      .toISOString()
      .replace(/:/g, '-')
      .replace(/\.\d+Z$/, 'Z');
    const writer = new S3Storage(objectStoreFromEnv(s3.env)!, 'transcripts/');
    await transcript.write(writer, transcriptName, 'Физика');
    writer.close();
    // While it runs, its pieces are on A's disk (what survives a crash), not in the bucket.
    await new Promise((r) => setTimeout(r, 3000));
    expect(readdirSync(dirA).some((n) => n.endsWith('.parts'))).toBe(true);
    const id = (await host.request({ stopRecording: {} })).recordingStopped!.recordingId!;
    await host.request({ endCall: {} });

    // Finished: the file and its metadata are objects of the bucket, nothing of it stays on A.
    const object = await buffer(await bucket.read(`${id}.mp4`));
    expect(object.subarray(4, 8).toString()).toBe('ftyp');
    expect(await bucket.size(`${id}.json`)).toBeGreaterThan(0);
    expect(readdirSync(dirA).filter((n) => n.startsWith(id))).toEqual([]);

    // Host B (which recorded nothing) offers it on the lesson's page, by its own signed link.
    const onB = await chat(b);
    for (let i = 0; i < 150 && (await cards(onB, chatId)).length === 0; i++)
      await new Promise((r) => setTimeout(r, 100));
    const lessonId = (await cards(onB, chatId))[0]!.recap!.lessonId!;
    const page = (await onB.request({ getLessonRecap: { lessonId } })).lessonRecap!;
    expect(page.recordings!.map((r) => r.id)).toEqual([id]);
    const url = page.recordings![0]!.url!;
    expect(url.startsWith(b.httpUrl)).toBe(true);
    const whole = await fetch(url);
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.arrayBuffer()).equals(object)).toBe(true);
    const span = await fetch(url, { headers: { range: 'bytes=100-1099' } });
    expect(span.status).toBe(206);
    expect(span.headers.get('content-range')).toBe(`bytes 100-1099/${object.length}`);
    expect(Buffer.from(await span.arrayBuffer()).equals(object.subarray(100, 1100))).toBe(true);
    expect(readdirSync(dirB).filter((n) => n.startsWith(id))).toEqual([]);
    expect(page.transcripts).toEqual([transcriptName]);
    const txt = (await onB.request({ getLessonFile: { lessonId, kind: 1, name: transcriptName } }))
      .lessonFile!;
    expect(Buffer.from(txt.data!).toString()).toContain('Сила равна массе на ускорение');
    const vtt = (await onB.request({ getLessonFile: { lessonId, kind: 2, name: transcriptName } }))
      .lessonFile!;
    expect(Buffer.from(vtt.data!).toString()).toMatch(/^WEBVTT/);
    const viaAdmin = JSON.parse((await admin(b, `/api/rooms/${link.roomId}/transcripts`)).body.toString());
    expect(viaAdmin.transcripts).toEqual([transcriptName]);
    expect(readdirSync(dirB)).not.toContain(link.roomId);

    // Both hosts list it; deleted through B, it is gone from the bucket and from A's list.
    expect((await listed(a)).map((r) => r.id)).toEqual([id]);
    expect((await listed(b)).map((r) => r.id)).toEqual([id]);
    expect((await admin(b, `/api/recordings/${id}`, { method: 'DELETE' })).status).toBe(200);
    expect(await bucket.list(id)).toEqual([]);
    expect(await listed(a)).toEqual([]);
    expect((await admin(a, `/api/recordings/${id}/file`)).status).toBe(404);
  }, 120_000);
});
