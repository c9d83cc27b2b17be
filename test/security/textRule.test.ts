// Attack report 6, item 1, against the real server: text with a NUL, another
// control character or a lone surrogate used to reach PostgreSQL and fail
// as an internal error, sometimes after part of the work was done (a lesson
// scheduled without its reminders; a guest left out of the attendance). Now
// every edge refuses it with its own typed error, counts it, and stores
// nothing: the messenger's socket, the call's socket, JSON bodies (viewers'
// comments, tokens) and upload metadata.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatTestServer, type TestChatClient, cpb, startChatServer } from '../helpers/chatServer.js';
import { TestClient, pb } from '../helpers/protocolClient.js';

let s: ChatTestServer;
let teacher: TestChatClient;
let chatId: string;
const ROOM = 'text-rule';

beforeAll(async () => {
  s = await startChatServer();
  teacher = await s.client({ userId: 'tr-t', displayName: 'Анна Петровна', sortName: 'Петровна Анна' });
  chatId = (await teacher.request({ createChat: { title: 'Кружок' } })).chat!.chatId!;
});
afterAll(async () => {
  teacher?.close();
  await s?.stop();
});

const messengerRejected = () => s.rejected('invalid_argument');

describe('text with a control character or a broken surrogate', () => {
  it('the messenger refuses it typed and counted, and stores nothing: a message, a lesson', async () => {
    const before = await messengerRejected();
    const sent = await teacher.rawRequest({
      sendMessage: { chatId, text: 'a\u0000b', clientMessageId: 'nul-1' },
    });
    expect(sent.error?.code).toBe(cpb.ChatErrorCode.CHAT_ERROR_INVALID_ARGUMENT);
    const lesson = await teacher.rawRequest({
      scheduleLesson: {
        chatId,
        title: 'Урок\u0000',
        startsAt: '2030-01-10T09:00',
        timeZone: 'Europe/Moscow',
        durationMinutes: 45,
        weeklyCount: 1,
      },
    });
    expect(lesson.error?.code).toBe(cpb.ChatErrorCode.CHAT_ERROR_INVALID_ARGUMENT);
    // Report 8: a direction override or isolate in a message's text, a poll's question or option.
    const override = await teacher.rawRequest({
      sendMessage: { chatId, text: 'Оценка: 5\u202e2', clientMessageId: 'rlo-1' },
    });
    expect(override.error?.code).toBe(cpb.ChatErrorCode.CHAT_ERROR_INVALID_ARGUMENT);
    const poll = await teacher.rawRequest({
      sendMessage: {
        chatId,
        clientMessageId: 'rlo-2',
        poll: { question: 'Когда\u2067 экскурсия?', options: ['Во вторник', 'В среду'] },
      },
    });
    expect(poll.error?.code).toBe(cpb.ChatErrorCode.CHAT_ERROR_INVALID_ARGUMENT);
    const option = await teacher.rawRequest({
      sendMessage: {
        chatId,
        clientMessageId: 'rlo-3',
        poll: { question: 'Когда экскурсия?', options: ['Во вторник', 'В\u202d среду'] },
      },
    });
    expect(option.error?.code).toBe(cpb.ChatErrorCode.CHAT_ERROR_INVALID_ARGUMENT);
    expect(await messengerRejected()).toBe(before + 5);
    const history = await teacher.request({ getHistory: { chatId } });
    expect((history.page!.messages ?? []).map((m) => m.text)).not.toContain('a\u0000b');
    expect(JSON.stringify(history)).not.toMatch(/[\u202a-\u202e\u2066-\u2069]|экскурсия/);
    const lessons = await teacher.request({ listMyLessons: {} });
    expect(JSON.stringify(lessons)).not.toContain('Урок\\u0000');
    // The same requests with ordinary text go through.
    expect(
      (await teacher.request({ sendMessage: { chatId, text: 'a\tb', clientMessageId: 'ok-1' } })).message,
    ).toBeTruthy();
  });

  it('JSON bodies: a token for a guest named with controls and a viewer’s comment are 400, not 500', async () => {
    const created = await fetch(`${s.httpUrl}/api/rooms`, {
      method: 'POST',
      headers: s.adminHeaders,
      body: JSON.stringify({ id: ROOM, title: 'Концерт', settings: { waitingRoom: 'off' } }),
    });
    expect(created.status).toBe(201);
    const token = (name: string) =>
      fetch(`${s.httpUrl}/api/rooms/${ROOM}/tokens`, {
        method: 'POST',
        headers: s.adminHeaders,
        body: JSON.stringify({ displayName: name, role: 'host', userId: 'tr-host' }),
      });
    expect((await token('\u0001\u0002')).status).toBe(400);
    expect((await token('Мама\u0000Коли')).status).toBe(400);
    const host = await TestClient.connect(s.server.wsUrl);
    try {
      const t = (await (await token('Анна Петровна')).json()) as { token: string };
      await host.request({ join: { roomId: ROOM, token: t.token } });
      await host.request({ startBroadcast: { viewerPassword: '' } });
      await host.request({ chatSettings: { settings: { comments: cpb.CommentsMode.COMMENTS_MODE_ON } } });
      const post = (body: string) =>
        fetch(`${s.httpUrl}/api/rooms/${ROOM}/comments`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
      expect((await post('{"name":"Мама Коли","text":"a\\u0000b"}')).status).toBe(400);
      expect((await post('{"name":"Мама Коли","text":"a\\ud800b"}')).status).toBe(400);
      expect((await post('{"name":"\\u0001\\u0002","text":"Браво"}')).status).toBe(400);
      // Report 8: a comment with a direction override is refused, counted, stored nowhere.
      const invalid = await s.rejected('comment_invalid');
      expect((await post('{"name":"Мама Коли","text":"Браво\\u202e!"}')).status).toBe(400);
      expect(await s.rejected('comment_invalid')).toBe(invalid + 1);
      const listed = await (await fetch(`${s.httpUrl}/api/rooms/${ROOM}/comments`)).json();
      expect(JSON.stringify(listed)).not.toContain('Браво');
      expect((await post('{"name":"Мама Коли","text":"שלום Браво"}')).status).toBe(201);
      // The call's socket: a chat line with a NUL is refused typed.
      const line = await host.rawRequest({ chatSend: { text: 'a\u0000b', clientMessageId: 'c-1' } });
      expect(line.error?.code).toBe(pb.ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
    } finally {
      host.close();
    }
  });

  it('an upload whose file name holds a NUL, DEL, C1 or bidi control is refused at its creation (400), not 500', async () => {
    const userToken = await s.token({
      userId: 'tr-t',
      displayName: 'Анна Петровна',
      sortName: 'Петровна Анна',
    });
    const b64 = (v: string) => Buffer.from(v).toString('base64');
    const create = (filename: string) =>
      fetch(`${s.httpUrl}/api/chat/uploads`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${userToken}`,
          'tus-resumable': '1.0.0',
          'upload-length': '10',
          'upload-metadata': `filename ${b64(filename)},filetype ${b64('text/plain')},chatId ${b64(chatId)}`,
        },
      });
    expect((await create('a\u0000b.txt')).status).toBe(400);
    expect((await create('a\u001bb.txt')).status).toBe(400);
    // Report 7 item 3: DEL and a right-to-left override («aexe.jpg» on screen), C1 controls.
    expect((await create('a\u007f\u202egpj.exe')).status).toBe(400);
    expect((await create('a\u009bb.txt')).status).toBe(400);
    const title = await teacher.rawRequest({ createChat: { title: 'Кружок\u202e' } });
    expect(title.error?.code).toBe(cpb.ChatErrorCode.CHAT_ERROR_INVALID_ARGUMENT);
    const text = await teacher.rawRequest({
      sendMessage: { chatId, text: 'שלום\u200f', clientMessageId: 'rtl-1' },
    });
    expect(text.message).toBeTruthy();
    expect((await create('задание.txt')).status).toBe(201);
  });
});
