// A file goes when the last message holding it is deleted for everyone: its
// bytes, its preview and its records, so a deleted message's attachment
// neither takes disk space nor stays downloadable. A forwarded copy holds
// the file too: deleting the original keeps it for the copy. Uploads that
// never make it into a message are swept once old (5 s here).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatTestServer, type TestChatClient, startChatServer } from '../helpers/chatServer.js';
import { tusUpload } from '../helpers/tusUpload.js';

let s: ChatTestServer;
let teacher: TestChatClient;
let token: string;
let classChat: string;
let parentsChat: string;
const person = { userId: 'fc-t', displayName: 'Учитель', sortName: 'Учитель' };

async function upload(data: Buffer, filename: string, filetype: string, chatId: string): Promise<string> {
  return (await tusUpload(s.httpUrl, data, { chatId, filename, filetype }, token)).fileId;
}

/** Files in the upload directory that belong to this upload (bytes, tus metadata, preview). */
const onDisk = (fileId: string) => readdirSync(s.env.CHAT_UPLOAD_DIR!).filter((n) => n.startsWith(fileId));

/** How many of these files still have a record (PostgreSQL). */
async function records(...ids: string[]): Promise<number> {
  const r = await s.server.database!.query(
    'SELECT count(*)::int AS n FROM messaging.file WHERE id = ANY($1)',
    [ids],
  );
  return r.rows[0].n as number;
}

async function downloadStatus(chatId: string, fileId: string): Promise<number> {
  const r = await teacher.rawRequest({ getFileUrl: { chatId, fileId } });
  if (r.error) return 404;
  return (await fetch(`${s.httpUrl}${r.fileUrl!.url}`)).status;
}

beforeAll(async () => {
  s = await startChatServer({ CHAT_UNSENT_UPLOAD_SECONDS: '5' });
  token = await s.token(person);
  teacher = await s.client(person);
  classChat = (await teacher.request({ createChat: { title: '7А' } })).chat!.chatId!;
  parentsChat = (await teacher.request({ createChat: { title: 'Родители 7А' } })).chat!.chatId!;
});
afterAll(async () => {
  teacher?.close();
  await s.stop();
});

describe('files of deleted messages', () => {
  it('an image and its preview are removed with the message that held them', async () => {
    const image = await sharp({
      create: { width: 800, height: 600, channels: 3, background: { r: 200, g: 40, b: 40 } },
    })
      .png()
      .toBuffer();
    const fileId = await upload(image, 'доска.png', 'image/png', classChat);
    const sent = await teacher.send(classChat, 'Фото доски', { fileIds: [fileId] });
    expect(sent.attachments![0]!.hasPreview).toBe(true);
    expect(onDisk(fileId).sort()).toEqual([fileId, `${fileId}.json`, `${fileId}.preview.jpg`].sort());
    expect(await downloadStatus(classChat, fileId)).toBe(200);
    await teacher.request({ deleteMessage: { chatId: classChat, seq: sent.seq } });
    expect(onDisk(fileId)).toEqual([]);
    expect(await records(fileId)).toBe(0);
    expect(await downloadStatus(classChat, fileId)).toBe(404);
  });

  it('a forwarded copy keeps the file until it is deleted too', async () => {
    const fileId = await upload(Buffer.from('план урока\n'), 'план.txt', 'text/plain', classChat);
    const sent = await teacher.send(classChat, 'План', { fileIds: [fileId] });
    const fwd = await teacher.request({
      forwardMessages: {
        fromChatId: classChat,
        seqs: [sent.seq!],
        toChatIds: [parentsChat],
        clientMessageId: 'fc-fwd-1',
      },
    });
    const copy = fwd.forwarded!.messages![0]!;
    await teacher.request({ deleteMessage: { chatId: classChat, seq: sent.seq } });
    expect(existsSync(join(s.env.CHAT_UPLOAD_DIR!, fileId))).toBe(true);
    expect(await downloadStatus(parentsChat, fileId)).toBe(200);
    await teacher.request({ deleteMessage: { chatId: parentsChat, seq: copy.seq } });
    expect(onDisk(fileId)).toEqual([]);
    expect(await downloadStatus(parentsChat, fileId)).toBe(404);
  });

  it('deleting a message twice, or one without files, removes nothing else', async () => {
    const keep = await upload(Buffer.from('остаётся'), 'остаётся.txt', 'text/plain', classChat);
    await teacher.send(classChat, 'Нужный файл', { fileIds: [keep] });
    const gone = await upload(Buffer.from('уходит'), 'уходит.txt', 'text/plain', classChat);
    const sent = await teacher.send(classChat, 'Лишний файл', { fileIds: [gone] });
    const plain = await teacher.send(classChat, 'Просто текст');
    await teacher.request({ deleteMessage: { chatId: classChat, seq: plain.seq } });
    await teacher.request({ deleteMessage: { chatId: classChat, seq: sent.seq } });
    await teacher.request({ deleteMessage: { chatId: classChat, seq: sent.seq } });
    expect(onDisk(gone)).toEqual([]);
    expect(onDisk(keep).length).toBe(2);
    expect(await downloadStatus(classChat, keep)).toBe(200);
  });

  it('uploads never sent (finished or abandoned) are swept when old; sent ones stay', async () => {
    const unsent = await upload(Buffer.from('черновик'), 'черновик.txt', 'text/plain', classChat);
    // An upload begun and abandoned: created, no bytes.
    const created = await fetch(`${s.httpUrl}/api/chat/uploads`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'tus-resumable': '1.0.0',
        'upload-length': '1000',
        'upload-metadata': `chatId ${Buffer.from(classChat).toString('base64')},filename ${Buffer.from('big.bin').toString('base64')}`,
      },
    });
    expect(created.status).toBe(201);
    const abandoned = created.headers.get('location')!.split('/').pop()!;
    const kept = await upload(Buffer.from('домашнее задание'), 'дз.txt', 'text/plain', classChat);
    await teacher.send(classChat, 'Домашнее задание', { fileIds: [kept] });
    expect(onDisk(unsent).length).toBeGreaterThan(0);
    expect(onDisk(abandoned).length).toBeGreaterThan(0);
    await expect.poll(() => onDisk(unsent).length + onDisk(abandoned).length, { timeout: 30_000 }).toBe(0);
    expect(await records(unsent, abandoned)).toBe(0);
    expect(onDisk(kept).length).toBe(2);
    expect(await downloadStatus(classChat, kept)).toBe(200);
  });
});
