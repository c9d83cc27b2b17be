// Without Redis the messenger reports itself unavailable, cleanly: typed
// errors on its socket and on the call's, "off" in the health check, and
// the call itself works as before. When Redis goes away under a running
// server, requests get UNAVAILABLE (the durability test brings it back);
// so do they when PostgreSQL goes away, and they work again once it is back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestChatClient, cpb, startChatServer } from '../helpers/chatServer.js';
import type { ChatTestServer } from '../helpers/chatServer.js';
import { PostgresCluster } from '../helpers/postgres.js';
import { TestClient, pb } from '../helpers/protocolClient.js';
import { createRoomWithToken } from '../helpers/testServer.js';

describe('no REDIS_URL', () => {
  let s: ChatTestServer;
  beforeAll(async () => {
    s = await startChatServer({}, { redis: false });
  });
  afterAll(async () => {
    await s.stop();
  });

  it('the chat socket answers UNAVAILABLE and stays up; health says off', async () => {
    const c = await TestChatClient.connect(s.wsUrl);
    const r = await c.rawRequest({ authenticate: { token: 'whatever' } });
    expect(r.error?.code).toBe(cpb.ChatErrorCode.CHAT_ERROR_UNAVAILABLE);
    expect(c.isOpen).toBe(true);
    const health = (await (await fetch(`${s.httpUrl}/healthz`)).json()) as { messenger: { status: string } };
    expect(health.messenger.status).toBe('off');
    const tokens = await fetch(`${s.httpUrl}/api/users/tokens`, {
      method: 'POST',
      headers: s.adminHeaders,
      body: '{}',
    });
    expect(tokens.status).toBe(400);
    c.close();
  });

  it("the call's chat requests get ERROR_CODE_CHAT_UNAVAILABLE; the call goes on", async () => {
    const [host] = await createRoomWithToken(s.server, 'no-chat', [{ displayName: 'Host', role: 'host' }]);
    const c = await TestClient.connect(s.server.wsUrl);
    await c.request({ join: { roomId: 'no-chat', token: host!.token } });
    const r = await c.rawRequest({ chatSend: { text: 'hi', clientMessageId: 'x' } });
    expect(r.error?.code).toBe(pb.ErrorCode.ERROR_CODE_CHAT_UNAVAILABLE);
    const list = await c.request({ listParticipants: {} });
    expect(list.participantPage).toBeTruthy();
    c.close();
  });
});

describe('Redis goes away under a running server', () => {
  it('requests get UNAVAILABLE and nothing crashes', async () => {
    const s = await startChatServer();
    const person = { userId: 'u1', displayName: 'Ученик', sortName: 'Ученик' };
    const c = await s.client(person);
    const chatId = (await c.request({ createChat: { title: 'Тест' } })).chat!.chatId!;
    await s.redis!.stop();
    const r = await c.rawRequest({ sendMessage: { chatId, text: 'где Redis?', clientMessageId: 'r-1' } });
    expect(r.error?.code).toBe(cpb.ChatErrorCode.CHAT_ERROR_UNAVAILABLE);
    const health = (await (await fetch(`${s.httpUrl}/healthz`)).json()) as { messenger: { status: string } };
    expect(health.messenger.status).toBe('unavailable');
    c.close();
    await s.server.close();
  });
});

describe('PostgreSQL goes away under a running server', () => {
  it('requests get UNAVAILABLE, nothing crashes, and they work again once it is back', async () => {
    const pg = new PostgresCluster();
    await pg.start();
    const s = await startChatServer({ DATABASE_URL: pg.url() });
    try {
      const person = { userId: 'u1', displayName: 'Ученик', sortName: 'Ученик' };
      const c = await s.client(person);
      const chatId = (await c.request({ createChat: { title: 'Тест' } })).chat!.chatId!;
      // The feed follows the new chat for this connection with a read of its own;
      // killed under that read, the connection is closed to resume (feed.ts).
      await c.waitFor((e) => e.chatAdded?.chatId === chatId);
      await pg.kill('SIGKILL');
      const r = await c.rawRequest({ sendMessage: { chatId, text: 'где база?', clientMessageId: 'p-1' } });
      expect(r.error?.code).toBe(cpb.ChatErrorCode.CHAT_ERROR_UNAVAILABLE);
      await pg.start();
      const again = await c.request({ sendMessage: { chatId, text: 'снова тут', clientMessageId: 'p-2' } });
      expect(again.message?.text).toBe('снова тут');
      c.close();
    } finally {
      await s.server.close();
      await s.redis?.stop();
      await pg.stop();
    }
  });
});
