// Fault of #21: a frozen Redis (SIGSTOP, as under memory pressure or a
// stalled disk). Chat sends got no answer for 15 s, /healthz said ok, and
// when Redis resumed the lone host ended its own lesson ("another host took
// this room over") though there is no other host. Now every connection is
// opened by signaling/redisClients.ts: a watchdog notices the silence, what
// needs Redis is answered "try again" at once (the chat, on PostgreSQL,
// just works), /healthz says degraded, and
// the host's claims on its rooms survive the checks that piled up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatTestServer, type TestChatClient, startChatServer } from '../helpers/chatServer.js';
import { TestClient, pb } from '../helpers/protocolClient.js';
import { createRoomWithToken } from '../helpers/testServer.js';

const HEARTBEAT_MS = 200;
let s: ChatTestServer;
let member: TestChatClient;
let chatId: string;
let frozen = false;

beforeAll(async () => {
  s = await startChatServer({ HOST_HEARTBEAT_MS: String(HEARTBEAT_MS) });
  member = await s.client({ userId: 'fz-1', displayName: 'Учитель', sortName: 'Учитель' });
  chatId = (await member.request({ createChat: { title: 'Класс', members: [] } })).chat!.chatId!;
}, 60_000);

afterAll(async () => {
  if (frozen) s.redis!.signal('SIGCONT');
  member?.close();
  await s?.stop();
});

async function health(): Promise<{ status: string }> {
  return (await (await fetch(`${s.httpUrl}/healthz`)).json()) as { status: string };
}

/** The answer, or null when none came within 5 s (Redis stays frozen far longer). */
function within<T>(p: Promise<T>): Promise<T | null> {
  return Promise.race([p, new Promise<null>((r) => setTimeout(() => r(null), 5000))]);
}

async function until(check: () => Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Redis freezes for longer than a room claim lives', () => {
  it('requests are answered "try again" while it is frozen, /healthz says so, and the lone host keeps its lesson', async () => {
    const [teacher] = await createRoomWithToken(s.server, 'frozen-lesson', [
      { displayName: 'Учитель', role: 'host', userId: 't-fz' },
    ]);
    const [guest] = await createRoomWithToken(s.server, 'frozen-other', [
      { displayName: 'Ученик', role: 'participant', userId: 'p-fz' },
    ]);
    const call = await TestClient.connect(s.server.wsUrl);
    await call.request({ join: { roomId: 'frozen-lesson', token: teacher!.token } });
    expect((await health()).status).toBe('ok');

    s.redis!.signal('SIGSTOP');
    frozen = true;
    const frozenAt = Date.now();
    await until(async () => (await health()).status === 'degraded', '/healthz to say degraded');
    // Nothing waits for the frozen Redis: the chat's history is PostgreSQL's, so
    // a message is stored and acknowledged; a join that needs Redis (a room not
    // running here) is refused "try again" at once instead of hanging.
    const answer = await within(
      member.rawRequest({ sendMessage: { chatId, text: 'есть кто?', clientMessageId: 'fz-m1' } }),
    );
    expect(answer, 'chat answered while Redis is still frozen').not.toBeNull();
    expect(answer!.error ?? null).toBeNull();
    expect(answer!.message?.seq).toBeGreaterThan(0);
    const other = await TestClient.connect(s.server.wsUrl);
    const joined = await within(other.rawRequest({ join: { roomId: 'frozen-other', token: guest!.token } }));
    expect(joined, 'join answered while Redis is still frozen').not.toBeNull();
    expect(joined!.error?.code).toBe(pb.ErrorCode.ERROR_CODE_UNAVAILABLE);
    other.close();
    // The lesson runs here: its own requests need no Redis.
    await call.request({ raiseHand: { raised: true } });
    // Frozen well past the claim's life (3 heartbeats), as in the report (20 s).
    await new Promise((r) => setTimeout(r, Math.max(0, HEARTBEAT_MS * 15 - (Date.now() - frozenAt))));

    s.redis!.signal('SIGCONT');
    frozen = false;
    await until(async () => (await health()).status === 'ok', '/healthz to say ok again');
    // Several cluster checks after Redis came back: the claim is still this host's.
    await new Promise((r) => setTimeout(r, HEARTBEAT_MS * 10));
    expect(call.events.filter((e) => e.sessionClosed)).toEqual([]);
    expect(s.server.registry.get('frozen-lesson')?.peers.size).toBe(1);
    await call.request({ raiseHand: { raised: false } });
    const sent = await member.send(chatId, 'снова на связи');
    expect(sent.seq).toBeGreaterThan(0);
    call.close();
  });
});
