// #21's caps on what one person may make or send, each a typed refusal
// counted in metrics (messaging/personLimits.ts over signaling/security/
// sharedLimits.ts): rooms created per hour (a pupil signed in as the demo
// teacher made 300 rooms in 13 s), reactions per chat per minute (600 a
// second from 20 sessions), uploads begun and not finished (200 uploads of
// 4 GiB opened), bytes per day (384 MiB in 3.5 s). Real server, Redis,
// PostgreSQL, the real tus client; the limits set low through the settings.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatTestServer, type TestChatClient, cpb, startChatServer } from '../helpers/chatServer.js';
import { redisAvailable } from '../helpers/redis.js';
import { tusUpload } from '../helpers/tusUpload.js';

let s: ChatTestServer;
let teacher: TestChatClient;
let teacherToken: string;
let chatId: string;
const TEACHER = { userId: 'cap-t', displayName: 'Мария Ивановна', role: 'teacher' as const };

beforeAll(async () => {
  if (!redisAvailable()) return;
  s = await startChatServer({
    ROOMS_PER_PERSON_PER_HOUR: '2',
    CHAT_REACTIONS_PER_MINUTE: '3',
    CHAT_UPLOADS_AT_ONCE: '2',
    CHAT_UPLOAD_BYTES_PER_DAY: '5000',
  });
  teacherToken = await s.token(TEACHER);
  teacher = await s.client(TEACHER);
  await s.token({ userId: 'cap-p', displayName: 'Петя', role: 'student' });
  chatId = (await teacher.request({ createChat: { title: 'Кружок', members: ['cap-p'] } })).chat!.chatId!;
}, 60_000);

afterAll(async () => {
  teacher?.close();
  await s?.stop();
});

const refusals = async (limit: string) =>
  (await s.server.metrics.registry.getSingleMetric('school_call_limit_refused_total')!.get()).values
    .filter((v) => v.labels.limit === limit)
    .reduce((n, v) => n + v.value, 0);

/** Begins an upload (the tus creation request) and sends none of its bytes. */
async function beginUpload(bytes: number): Promise<{ status: number; body: string; location: string }> {
  const b64 = (v: string) => Buffer.from(v).toString('base64');
  const res = await fetch(`${s.httpUrl}/api/chat/uploads`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${teacherToken}`,
      'tus-resumable': '1.0.0',
      'upload-length': String(bytes),
      'upload-metadata': `chatId ${b64(chatId)},filename ${b64('a.bin')},filetype ${b64('application/octet-stream')}`,
    },
  });
  return { status: res.status, body: await res.text(), location: res.headers.get('location') ?? '' };
}

describe.skipIf(!redisAvailable())('caps per person', () => {
  it('rooms: calls, lessons and calls by link count together per hour', async () => {
    expect((await teacher.request({ startCall: { chatId, title: 'Занятие' } })).call?.roomId).toBeTruthy();
    expect((await teacher.request({ createLinkCall: { title: 'По ссылке' } })).linkCall?.code).toBeTruthy();
    const third = await teacher.rawRequest({ startCall: { chatId, title: 'Ещё одно' } });
    expect(third.error?.code).toBe(cpb.ChatErrorCode.CHAT_ERROR_RATE_LIMITED);
    const fourth = await teacher.rawRequest({ createLinkCall: { title: 'Ещё ссылка' } });
    expect(fourth.error?.code).toBe(cpb.ChatErrorCode.CHAT_ERROR_RATE_LIMITED);
    expect(await refusals('rooms_per_person')).toBe(2);
  });

  it('reactions: a few a minute per person and chat, then refused', async () => {
    const sent = await teacher.request({
      sendMessage: { chatId, clientMessageId: randomUUID(), text: 'Домашнее задание' },
    });
    const seq = sent.message!.seq!;
    for (const add of [true, false, true]) {
      expect((await teacher.rawRequest({ react: { chatId, seq, emoji: '👍', add } })).error).toBeFalsy();
    }
    const flood = await teacher.rawRequest({ react: { chatId, seq, emoji: '👍', add: false } });
    expect(flood.error?.code).toBe(cpb.ChatErrorCode.CHAT_ERROR_RATE_LIMITED);
    expect(await refusals('reactions_per_person')).toBe(1);
  });

  it('uploads: two unfinished at once; a finished one gives its place back', async () => {
    const meta = { chatId, filename: 'a.bin', filetype: 'application/octet-stream' };
    // Held while it uploads, given back when it finishes: else the second begun below is refused.
    const finished = await tusUpload(s.httpUrl, Buffer.alloc(100), meta, teacherToken);
    const first = await beginUpload(100);
    expect(first.status).toBe(201);
    expect((await beginUpload(100)).status).toBe(201);
    const third = await beginUpload(100);
    expect(third.status).toBe(429);
    expect(third.body).toContain('unfinished');
    expect(await refusals('uploads_at_once')).toBe(1);
    // Cancelling one (tus DELETE) gives its place back at once, not after the unsent uploads' 6 h.
    const cancelled = await fetch(new URL(first.location, `${s.httpUrl}/api/chat/uploads/`), {
      method: 'DELETE',
      headers: { authorization: `Bearer ${teacherToken}`, 'tus-resumable': '1.0.0' },
    });
    expect(cancelled.status).toBe(204);
    await expect.poll(async () => (await beginUpload(100)).status).toBe(201);
    // A finished upload may be in a message: it cannot be pulled from under it.
    const pulled = await fetch(finished.url, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${teacherToken}`, 'tus-resumable': '1.0.0' },
    });
    expect(pulled.status).toBe(400);
  });

  it('uploads: bytes a day per person', async () => {
    const pupil = await s.token({ userId: 'cap-p', displayName: 'Петя', role: 'student' });
    const meta = { chatId, filename: 'b.bin', filetype: 'application/octet-stream' };
    await tusUpload(s.httpUrl, Buffer.alloc(4000), meta, pupil);
    await expect(tusUpload(s.httpUrl, Buffer.alloc(1001), meta, pupil)).rejects.toThrow(/429/);
    expect(await refusals('upload_bytes_per_day')).toBe(1);
    // What still fits is taken.
    await tusUpload(s.httpUrl, Buffer.alloc(1000), meta, pupil);
  });
});
