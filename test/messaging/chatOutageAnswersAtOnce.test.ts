// Fault of #21: during a Redis outage the chat answered late (typed errors
// after 2.6 s median, up to 5.3 s) where the call's own requests answer at
// once. While Redis is known to be away, every chat request, on the
// messenger's socket and on the call's (the lesson chat), is refused
// "try again" without waiting for anything, and stores nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatTestServer, type TestChatClient, cpb, startChatServer } from '../helpers/chatServer.js';
import { TestClient, pb } from '../helpers/protocolClient.js';
import { createRoomWithToken } from '../helpers/testServer.js';

let s: ChatTestServer;
let member: TestChatClient;
let chatId: string;
let call: TestClient;

beforeAll(async () => {
  s = await startChatServer();
  member = await s.client({ userId: 'out-1', displayName: 'Учитель', sortName: 'Учитель' });
  chatId = (await member.request({ createChat: { title: 'Класс', members: [] } })).chat!.chatId!;
  const [host] = await createRoomWithToken(s.server, 'outage-lesson', [
    { displayName: 'Учитель', role: 'host', userId: 'out-1' },
  ]);
  call = await TestClient.connect(s.server.wsUrl);
  await call.request({ join: { roomId: 'outage-lesson', token: host!.token } });
  await call.request({ chatSend: { text: 'до', clientMessageId: 'before' } });
}, 60_000);

afterAll(async () => {
  member?.close();
  call?.close();
  await s?.stop();
});

async function timed<T>(p: Promise<T>): Promise<{ ms: number; answer: T }> {
  const started = performance.now();
  const answer = await p;
  return { ms: performance.now() - started, answer };
}

async function until(check: () => Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('chat requests while Redis is away', () => {
  it('are refused "try again" at once, on both sockets, and store nothing', async () => {
    await s.redis!.stop();
    await until(
      async () =>
        ((await (await fetch(`${s.httpUrl}/healthz`)).json()) as { status: string }).status === 'degraded',
      '/healthz to say degraded',
    );
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const m = await timed(
        member.rawRequest({ sendMessage: { chatId, text: `м${i}`, clientMessageId: `m-${i}` } }),
      );
      expect(m.answer.error?.code).toBe(cpb.ChatErrorCode.CHAT_ERROR_UNAVAILABLE);
      times.push(m.ms);
      const l = await timed(call.rawRequest({ chatSend: { text: `у${i}`, clientMessageId: `l-${i}` } }));
      expect(l.answer.error?.code).toBe(pb.ErrorCode.ERROR_CODE_CHAT_UNAVAILABLE);
      times.push(l.ms);
      const h = await timed(call.rawRequest({ chatHistory: {} }));
      expect(h.answer.error?.code).toBe(pb.ErrorCode.ERROR_CODE_CHAT_UNAVAILABLE);
      times.push(h.ms);
    }
    // A call request, for comparison, and the chat's: none waits for a timeout
    // (Redis's command timeout is 3 s, the watchdog's 1.5 s).
    const hand = await timed(call.request({ raiseHand: { raised: true } }));
    expect(
      Math.max(...times),
      `chat answers (ms): ${times.map(Math.round).join(', ')}; call ${Math.round(hand.ms)}`,
    ).toBeLessThan(500);

    await s.redis!.start();
    // This host's chat connections were dropped when the bus came back (they
    // resume from their cursors): a new one is served again.
    await until(async () => {
      member.close();
      member = await s.client({ userId: 'out-1', displayName: 'Учитель', sortName: 'Учитель' });
      return true;
    }, 'the messenger again');
    const page = await member.request({ getHistory: { chatId } });
    expect(page.page!.messages!.filter((m) => m.text).map((m) => m.text)).toEqual([]);
    const lesson = await call.request({ chatHistory: {} });
    expect(lesson.chatPage!.messages!.map((m) => m.text)).toEqual(['до']);
  });
});
