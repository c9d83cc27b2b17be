// High item of #21: tus answered GET on an upload with its whole content read
// into memory (4 downloads of one's own 160 MiB upload: +1.5 GiB). The upload
// endpoint now serves no content (405; files are streamed from
// /api/chat/files), and whatever tus answers is read only up to a small bound.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatTestServer, startChatServer } from '../helpers/chatServer.js';
import { tusUpload } from '../helpers/tusUpload.js';

let s: ChatTestServer;
let token: string;
let chatId: string;

beforeAll(async () => {
  s = await startChatServer();
  const owner = { userId: 'ug-1', displayName: 'Учитель', sortName: 'Учитель' };
  token = await s.token(owner);
  const c = await s.client(owner);
  chatId = (await c.request({ createChat: { title: 'Файлы', members: [] } })).chat!.chatId!;
  c.close();
}, 60_000);

afterAll(async () => {
  await s?.stop();
});

describe('GET on an upload', () => {
  it('is refused without reading the file; the upload itself still resumes and works', async () => {
    const data = randomBytes(2 * 1024 * 1024);
    const up = await tusUpload(
      s.httpUrl,
      data,
      { chatId, filename: 'big.bin', filetype: 'application/octet-stream' },
      token,
    );
    const got = await fetch(`${s.httpUrl}/api/chat/uploads/${up.fileId}`, {
      headers: { authorization: `Bearer ${token}`, 'tus-resumable': '1.0.0' },
    });
    const body = Buffer.from(await got.arrayBuffer());
    expect(got.status).toBe(405);
    expect(body.length).toBeLessThan(1024);
    expect(got.headers.get('allow')).toContain('PATCH');
    // tus's own requests are untouched: HEAD says how much is in.
    const head = await fetch(`${s.httpUrl}/api/chat/uploads/${up.fileId}`, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${token}`, 'tus-resumable': '1.0.0' },
    });
    expect(head.status).toBe(200);
    expect(head.headers.get('upload-offset')).toBe(String(data.length));
  });
});
