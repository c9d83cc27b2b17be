// Attachments end to end with the real tus client (tus-js-client, as the web
// client uses it): a resumable upload that is interrupted and resumed from
// where the server stopped, an image preview made by sharp, a download link
// for members only, HTTP Range, and the refusals (too large, not a member).
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatTestServer, type TestChatClient, cpb, startChatServer } from '../helpers/chatServer.js';
import { type TusOptions, tusUpload as upload } from '../helpers/tusUpload.js';

let s: ChatTestServer;
let teacher: TestChatClient;
let pupil: TestChatClient;
let outsider: TestChatClient;
let chatId: string;
const tokens: Record<string, string> = {};
const LIMIT = 3 * 1024 * 1024;

const people = {
  teacher: { userId: 'ft', displayName: 'Учитель', sortName: 'Учитель' },
  pupil: { userId: 'fp', displayName: 'Ученица', sortName: 'Ученица', role: 'student' as const },
  outsider: { userId: 'fo', displayName: 'Посторонний', sortName: 'Посторонний' },
};

beforeAll(async () => {
  s = await startChatServer({ CHAT_MAX_UPLOAD_BYTES: String(LIMIT) });
  for (const [k, p] of Object.entries(people)) tokens[k] = await s.token(p);
  teacher = await s.client(people.teacher);
  pupil = await s.client(people.pupil);
  outsider = await s.client(people.outsider);
  chatId = (await teacher.request({ createChat: { title: 'Файлы', members: ['fp'] } })).chat!.chatId!;
  await pupil.waitFor((e) => e.chatAdded?.chatId === chatId);
});
afterAll(async () => {
  for (const c of [teacher, pupil, outsider]) c?.close();
  await s.stop();
});

/** Uploads with tus-js-client; `stopAfter` aborts once that many bytes are in. */
const tusUpload = (data: Buffer, meta: Record<string, string>, token: string, opts: TusOptions = {}) =>
  upload(s.httpUrl, data, meta, token, opts);

async function uploadOffset(url: string, token: string): Promise<number> {
  const res = await fetch(url.startsWith('http') ? url : `${s.httpUrl}${url}`, {
    method: 'HEAD',
    headers: { authorization: `Bearer ${token}`, 'tus-resumable': '1.0.0' },
  });
  return Number(res.headers.get('upload-offset'));
}

describe('uploads', () => {
  it('an interrupted upload resumes where the server stopped, and the file arrives whole', async () => {
    const data = randomBytes(2 * 1024 * 1024 + 12345);
    const meta = { chatId, filename: 'конспект урока.bin', filetype: 'application/octet-stream' };
    const first = await tusUpload(data, meta, tokens.teacher!, { stopAfter: 700 * 1024 });
    const offset = await uploadOffset(first.url, tokens.teacher!);
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThan(data.length);
    // Resumed from the stored URL: the client starts at the server's offset.
    const second = await tusUpload(data, meta, tokens.teacher!, { uploadUrl: first.url });
    expect(second.fileId).toBe(first.fileId);
    expect(second.progress[0]).toBeGreaterThanOrEqual(offset);
    const stored = readFileSync(join(s.env.CHAT_UPLOAD_DIR!, first.fileId));
    expect(stored.equals(data)).toBe(true);

    const m = await teacher.send(chatId, 'Конспект', { fileIds: [first.fileId] });
    expect(m.attachments![0]).toMatchObject({
      fileId: first.fileId,
      name: 'конспект урока.bin',
      size: data.length,
    });
    const seen = await pupil.waitFor((e) => e.message?.seq === m.seq);
    expect(seen.message!.attachments![0]!.fileId).toBe(first.fileId);

    // A member downloads through a signed link, in ranges.
    const link = await pupil.request({ getFileUrl: { chatId, fileId: first.fileId } });
    const url = `${s.httpUrl}${link.fileUrl!.url}`;
    const whole = await fetch(url);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(whole.headers.get('content-disposition')).toContain("filename*=UTF-8''");
    expect(Buffer.from(await whole.arrayBuffer()).equals(data)).toBe(true);
    const part = await fetch(url, { headers: { range: 'bytes=1000-1999' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 1000-1999/${data.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(data.subarray(1000, 2000))).toBe(true);
    const tail = await fetch(url, { headers: { range: 'bytes=-100' } });
    expect(Buffer.from(await tail.arrayBuffer()).equals(data.subarray(data.length - 100))).toBe(true);
    const beyond = await fetch(url, { headers: { range: `bytes=${data.length + 5}-` } });
    expect(beyond.status).toBe(416);
    // The same with the member's own token instead of a link.
    const byToken = await fetch(`${s.httpUrl}/api/chat/files/${first.fileId}`, {
      headers: { authorization: `Bearer ${tokens.pupil}`, range: 'bytes=0-9' },
    });
    expect(byToken.status).toBe(206);
  });

  it('an image gets a preview; it is served as a JPEG', async () => {
    const png = await sharp({
      create: { width: 1600, height: 900, channels: 3, background: { r: 200, g: 40, b: 40 } },
    })
      .png()
      .toBuffer();
    const up = await tusUpload(png, { chatId, filename: 'доска.png', filetype: 'image/png' }, tokens.pupil!);
    const m = await pupil.send(chatId, '', { fileIds: [up.fileId] });
    expect(m.attachments![0]).toMatchObject({
      hasPreview: true,
      width: 480,
      height: 270,
      mimeType: 'image/png',
    });
    const link = await teacher.request({ getFileUrl: { chatId, fileId: up.fileId, preview: true } });
    const res = await fetch(`${s.httpUrl}${link.fileUrl!.url}`);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 480, height: 270 });
  });
});

describe('refusals', () => {
  it('an upload over the limit is refused before any byte is stored, and counted', async () => {
    const counted = await s.rejected('upload_too_large');
    const before = readdirSync(s.env.CHAT_UPLOAD_DIR!).length;
    const res = await fetch(`${s.httpUrl}/api/chat/uploads`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${tokens.teacher}`,
        'tus-resumable': '1.0.0',
        'upload-length': String(LIMIT + 1),
        'upload-metadata': `chatId ${Buffer.from(chatId).toString('base64')}`,
      },
    });
    expect(res.status).toBe(413);
    expect(await s.rejected('upload_too_large')).toBe(counted + 1);
    expect(readdirSync(s.env.CHAT_UPLOAD_DIR!).length).toBe(before);
  });

  it('an upload to a chat one is not in is refused, and counted', async () => {
    const counted = await s.rejected('upload_not_a_member');
    await expect(
      tusUpload(
        Buffer.from('x'.repeat(1000)),
        { chatId, filename: 'a.txt', filetype: 'text/plain' },
        tokens.outsider!,
      ),
    ).rejects.toThrow(/403/);
    expect(await s.rejected('upload_not_a_member')).toBe(counted + 1);
    const noToken = await fetch(`${s.httpUrl}/api/chat/uploads`, {
      method: 'POST',
      headers: { 'tus-resumable': '1.0.0', 'upload-length': '10' },
    });
    expect(noToken.status).toBe(401);
  });

  it('someone outside the chat gets neither a link nor the file', async () => {
    const up = await tusUpload(
      Buffer.from('секретная ведомость'),
      { chatId, filename: 'v.txt', filetype: 'text/plain' },
      tokens.teacher!,
    );
    await teacher.send(chatId, '', { fileIds: [up.fileId] });
    const link = await outsider.rawRequest({ getFileUrl: { chatId, fileId: up.fileId } });
    expect(link.error?.code).toBe(cpb.ChatErrorCode.CHAT_ERROR_NOT_A_MEMBER);
    const direct = await fetch(`${s.httpUrl}/api/chat/files/${up.fileId}`, {
      headers: { authorization: `Bearer ${tokens.outsider}` },
    });
    expect(direct.status).toBe(404);
    // A member's link does not work once tampered with.
    const good = await pupil.request({ getFileUrl: { chatId, fileId: up.fileId } });
    const forged = good.fileUrl!.url!.replace('u=fp', 'u=fo');
    expect((await fetch(`${s.httpUrl}${forged}`)).status).toBe(404);
    // Someone else's upload cannot be attached.
    const stolen = await pupil.rawRequest({
      sendMessage: { chatId, clientMessageId: 'steal', fileIds: [up.fileId] },
    });
    expect(stolen.error?.code).toBe(cpb.ChatErrorCode.CHAT_ERROR_FILE_NOT_FOUND);
    // Nor continued by someone else.
    const head = await fetch(`${s.httpUrl}/api/chat/uploads/${up.fileId}`, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${tokens.pupil}`, 'tus-resumable': '1.0.0' },
    });
    expect(head.status).toBe(404);
  });

  it('a newcomer who may not see earlier history gets neither a link nor the file of an earlier message', async () => {
    const late = { userId: 'fl', displayName: 'Новенький', sortName: 'Новенький', role: 'student' as const };
    const lateToken = await s.token(late);
    const hidden = (
      await teacher.request({
        createChat: { title: 'Без истории', settings: { newMembersSeeHistory: false } },
      })
    ).chat!.chatId!;
    const up = await tusUpload(
      Buffer.from('до прихода'),
      { chatId: hidden, filename: 'before.txt', filetype: 'text/plain' },
      tokens.teacher!,
    );
    await teacher.send(hidden, 'Раньше', { fileIds: [up.fileId] });
    await teacher.request({ addMembers: { chatId: hidden, userIds: [late.userId] } });
    const newcomer = await s.client(late);
    try {
      const link = await newcomer.rawRequest({ getFileUrl: { chatId: hidden, fileId: up.fileId } });
      expect(link.error?.code).toBe(cpb.ChatErrorCode.CHAT_ERROR_FILE_NOT_FOUND);
      const direct = await fetch(`${s.httpUrl}/api/chat/files/${up.fileId}`, {
        headers: { authorization: `Bearer ${lateToken}` },
      });
      expect(direct.status).toBe(404);
      // Attached again after they joined, it is theirs to see.
      const again = await tusUpload(
        Buffer.from('после прихода'),
        { chatId: hidden, filename: 'after.txt', filetype: 'text/plain' },
        tokens.teacher!,
      );
      await teacher.send(hidden, 'Теперь', { fileIds: [again.fileId] });
      const ok = await newcomer.request({ getFileUrl: { chatId: hidden, fileId: again.fileId } });
      expect((await fetch(`${s.httpUrl}${ok.fileUrl!.url}`)).status).toBe(200);
    } finally {
      newcomer.close();
    }
  });
});
