// Untried fault of #21: the disk that holds uploads is full. A real small
// filesystem (a 4 MiB tmpfs, mounted for this test: it needs root and is
// skipped without) holds CHAT_UPLOAD_DIR. An upload that does not fit gets a
// clear typed answer, leaves no file anyone can attach, and the server stays
// up; once there is room again uploads work.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatTestServer, type TestChatClient, startChatServer } from '../helpers/chatServer.js';
import { mountSmallDisk, unmountSmallDisk } from '../helpers/smallDisk.js';
import { tusUpload } from '../helpers/tusUpload.js';

const disk = mountSmallDisk('uploads-full', 4);
let s: ChatTestServer;
let teacher: TestChatClient;
let token: string;
let chatId: string;

beforeAll(async () => {
  if (!disk) return;
  s = await startChatServer({ CHAT_UPLOAD_DIR: disk });
  const person = { userId: 'full-1', displayName: 'Учитель', sortName: 'Учитель' };
  token = await s.token(person);
  teacher = await s.client(person);
  chatId = (await teacher.request({ createChat: { title: 'Класс', members: [] } })).chat!.chatId!;
}, 60_000);

afterAll(async () => {
  teacher?.close();
  await s?.stop();
  unmountSmallDisk(disk);
});

describe.skipIf(!disk)('the uploads disk is full', () => {
  it('fills during two uploads at once: both cut ones get the typed 507, no system error text, and give their space back at once', async () => {
    const tus = { 'tus-resumable': '1.0.0', authorization: `Bearer ${token}` };
    const size = Math.floor(2.5 * 1024 * 1024);
    const metadata = `chatId ${Buffer.from(chatId).toString('base64')},filename ${Buffer.from('a.bin').toString('base64')}`;
    // Each fits when it is announced; together they do not.
    const urls: string[] = [];
    for (let i = 0; i < 2; i++) {
      const created = await fetch(`${s.httpUrl}/api/chat/uploads`, {
        method: 'POST',
        headers: { ...tus, 'upload-length': String(size), 'upload-metadata': metadata },
      });
      expect(created.status).toBe(201);
      urls.push(new URL(created.headers.get('location')!, s.httpUrl).href);
    }
    const answers = await Promise.all(
      urls.map(async (url) => {
        const r = await fetch(url, {
          method: 'PATCH',
          headers: { ...tus, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
          body: randomBytes(size),
        });
        return { url, status: r.status, statusText: r.statusText, body: await r.text() };
      }),
    );
    console.log(
      `two uploads onto a filling disk: ${answers.map((a) => `${a.status} ${a.body.trim()}`).join(' | ')}`,
    );
    const cut = answers.filter((a) => a.status !== 204);
    expect(cut.length).toBeGreaterThan(0);
    for (const a of cut) {
      expect(a.status).toBe(507);
      expect(a.statusText).toBe('Insufficient Storage');
      expect(a.body).toMatch(/^disk-full/);
      expect(a.body).not.toMatch(/ENOSPC|EDQUOT|no space/i);
      // Its half-written bytes are gone already (not in 6 h, at the sweep), and it resumes from the start.
      expect(statSync(join(disk!, a.url.split('/').pop()!)).size).toBe(0);
      const head = await fetch(a.url, { method: 'HEAD', headers: tus });
      expect(head.headers.get('upload-offset')).toBe('0');
    }
    for (const a of answers) {
      if (a.status !== 204) {
        await fetch(a.url, { method: 'DELETE', headers: tus });
        continue;
      }
      // One may have finished before the other filled the disk: a finished upload is not
      // the client's to delete (it may be in a message); the unsent sweep would remove it.
      const id = a.url.split('/').pop()!;
      for (const file of [id, `${id}.json`]) rmSync(join(disk!, file), { force: true });
    }
    expect(statfsSync(disk!).bavail * statfsSync(disk!).bsize).toBeGreaterThan(3.5 * 1024 * 1024);
  }, 60_000);

  it('a clear typed answer, no file to attach, the server stays up; uploads work once there is room', async () => {
    const meta = { chatId, filename: 'видео.bin', filetype: 'application/octet-stream' };
    // Bigger than the disk: refused when it is announced, before a byte is stored.
    const refused = await tusUpload(s.httpUrl, Buffer.alloc(8 * 1024 * 1024, 7), meta, token).then(
      () => null,
      (err: Error) => err,
    );
    expect(refused?.message).toMatch(/response code: 507/);
    expect(refused?.message).toMatch(/disk-full/);

    // It fitted when it began, but the disk filled up meanwhile: the next chunk is refused the same way.
    const data = randomBytes(2 * 1024 * 1024);
    const begun = await tusUpload(s.httpUrl, data, meta, token, {
      stopAfter: 256 * 1024,
      chunkSize: 256 * 1024,
    });
    const fs = statfsSync(disk!);
    writeFileSync(join(disk!, 'filler'), Buffer.alloc(fs.bavail * fs.bsize - 100 * 1024));
    const cut = await tusUpload(s.httpUrl, data, meta, token, {
      uploadUrl: begun.url,
      chunkSize: 256 * 1024,
    }).then(
      () => null,
      (err: Error) => err,
    );
    console.log(`upload onto a full disk: ${cut?.message.split('\n')[0]}`);
    expect(cut?.message).toMatch(/response code: 507/);
    expect(cut?.message).toMatch(/disk-full/);
    // The half-written file cannot be attached.
    const half = await teacher.rawRequest({
      sendMessage: { chatId, text: 'вот', clientMessageId: 'half', fileIds: [begun.fileId] },
    });
    expect(half.error?.code).toBeTruthy();
    // The server is up and answers.
    expect((await fetch(`${s.httpUrl}/healthz`)).status).toBe(200);
    const hello = await teacher.request({
      sendMessage: { chatId, text: 'работаем', clientMessageId: 'ok-1' },
    });
    expect(hello.message?.seq).toBeGreaterThan(0);

    // Room again: the upload resumes and arrives whole.
    rmSync(join(disk!, 'filler'));
    const done = await tusUpload(s.httpUrl, data, meta, token, { uploadUrl: begun.url });
    expect(done.fileId).toBe(begun.fileId);
    expect(readFileSync(join(disk!, begun.fileId)).equals(data)).toBe(true);
    const m = await teacher.request({
      sendMessage: { chatId, text: 'видео', clientMessageId: 'ok-2', fileIds: [begun.fileId] },
    });
    expect(m.message?.attachments?.[0]?.size).toBe(data.length);
  }, 120_000);
});
