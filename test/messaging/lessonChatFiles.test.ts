// Attachments in the lesson's chat from inside the call: a participant has a
// room token, so the call hands out an upload grant for the lesson chat only;
// the real tus client uploads with it, the file is attached through the call,
// and a member gets a signed download link through the call. A guest gets no
// grant until the host lets guests write; a grant never opens another chat.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatTestServer, TestChatClient, cpb, startChatServer } from '../helpers/chatServer.js';
import { TestClient, pb } from '../helpers/protocolClient.js';
import { rejectedCount } from '../helpers/serverState.js';
import { tusUpload as upload } from '../helpers/tusUpload.js';

let s: ChatTestServer;
let host: TestClient;
let pupil: TestClient;
let guest: TestClient;
const ROOM = 'files-7a';

async function joinCall(displayName: string, role: string, userId?: string): Promise<TestClient> {
  const res = await fetch(`${s.httpUrl}/api/rooms/${ROOM}/tokens`, {
    method: 'POST',
    headers: s.adminHeaders,
    body: JSON.stringify({ displayName, role, userId, sortName: displayName }),
  });
  const { token } = (await res.json()) as { token: string };
  const c = await TestClient.connect(s.server.wsUrl);
  await c.request({ join: { roomId: ROOM, token } });
  return c;
}

async function tusUpload(data: Buffer, meta: Record<string, string>, token: string): Promise<string> {
  return (await upload(s.httpUrl, data, meta, token, { chunkSize: 64 * 1024 })).fileId;
}

const statusOf = (err: unknown) =>
  (err as { originalResponse?: { getStatus(): number } }).originalResponse?.getStatus();

beforeAll(async () => {
  s = await startChatServer();
  const created = await fetch(`${s.httpUrl}/api/rooms`, {
    method: 'POST',
    headers: s.adminHeaders,
    body: JSON.stringify({ id: ROOM, title: 'Физика 7А', settings: { waitingRoom: 'off' } }),
  });
  expect(created.status).toBe(201);
  host = await joinCall('Анна Петровна', 'host', 'lf-teacher');
  pupil = await joinCall('Коля Смирнов', 'participant', 'lf-pupil');
  guest = await joinCall('Папа Коли', 'guest');
});
afterAll(async () => {
  for (const c of [host, pupil, guest]) c?.close();
  await s.stop();
});

describe('attachments in the lesson chat', () => {
  it('a pupil uploads with a grant, attaches the file, and others download it by a signed link', async () => {
    const grant = (await pupil.request({ chatUploadGrant: {} })).chatUploadGrant!;
    expect(grant.chatId).toBe(`room.${ROOM}`);
    expect(grant.expiresAt).toBeGreaterThan(Date.now());
    const data = randomBytes(200 * 1024);
    const fileId = await tusUpload(
      data,
      { chatId: grant.chatId!, filename: 'опыт.bin', filetype: 'application/octet-stream' },
      grant.token!,
    );
    const sent = await pupil.request({
      chatSend: { text: 'Мой отчёт', clientMessageId: 'lf-1', fileIds: [fileId] },
    });
    expect(sent.chatMessage!.attachments![0]).toMatchObject({ fileId, name: 'опыт.bin', size: data.length });
    const live = await host.waitForEvent((e) => e.chatMessage?.seq === sent.chatMessage!.seq);
    expect(live.chatMessage!.attachments![0]!.fileId).toBe(fileId);
    const link = (await host.request({ chatFileUrl: { fileId } })).chatFileUrl!;
    const res = await fetch(`${s.httpUrl}${link.url}`);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(data)).toBe(true);
    // A file of another chat is not reachable through the lesson chat.
    const missing = await host.rawRequest({ chatFileUrl: { fileId: 'A'.repeat(24) } });
    expect(missing.error?.code).toBe(pb.ErrorCode.ERROR_CODE_NOT_FOUND);
  });

  it('a guest gets no grant until the host lets guests write; the refusal is typed and counted', async () => {
    const counted = await rejectedCount(s.server, 'chat_guests_may_not_write');
    const refused = await guest.rawRequest({ chatUploadGrant: {} });
    expect(refused.error?.code).toBe(pb.ErrorCode.ERROR_CODE_CHAT_GUESTS_MAY_NOT_WRITE);
    expect(await rejectedCount(s.server, 'chat_guests_may_not_write')).toBe(counted + 1);
    await host.request({ chatSettings: { settings: { guestsMayWrite: true } } });
    await guest.waitForEvent((e) => e.chatChanged?.settings?.guestsMayWrite === true);
    const grant = (await guest.request({ chatUploadGrant: {} })).chatUploadGrant!;
    const fileId = await tusUpload(
      Buffer.from('фото тетради'),
      { chatId: grant.chatId!, filename: 'тетрадь.txt', filetype: 'text/plain' },
      grant.token!,
    );
    const sent = await guest.request({ chatSend: { clientMessageId: 'lf-g', fileIds: [fileId] } });
    expect(sent.chatMessage!.attachments![0]!.name).toBe('тетрадь.txt');
    await host.request({ chatSettings: { settings: { guestsMayWrite: false } } });
  });

  it('a grant opens no other chat, and is no user token', async () => {
    const grant = (await pupil.request({ chatUploadGrant: {} })).chatUploadGrant!;
    const teacher = await s.client({ userId: 'lf-other', displayName: 'Другой учитель' });
    const other = (await teacher.request({ createChat: { title: 'Учительская' } })).chat!.chatId!;
    const err = await tusUpload(Buffer.from('x'), { chatId: other, filename: 'x.txt' }, grant.token!).then(
      () => null,
      (e: unknown) => e,
    );
    expect(statusOf(err)).toBe(403);
    // The messenger's socket does not take a grant as a user token.
    const raw = await TestChatClient.connect(s.wsUrl);
    const auth = await raw.rawRequest({ authenticate: { token: grant.token! } });
    expect(auth.error?.code).toBe(cpb.ChatErrorCode.CHAT_ERROR_UNAUTHENTICATED);
    raw.close();
    teacher.close();
  });
});
