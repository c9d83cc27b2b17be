// Untried fault of #21: Redis is SIGKILLed in the middle of an AOF rewrite
// (BGREWRITEAOF running: the fork writing the new base file), with the
// deployment's persistence (scripts/redis.conf: appendonly, appendfsync
// always, an RDB preamble), while a teacher writes in a chat and draws on the
// board. Redis starts again from its files. Nothing that was acknowledged is
// lost: every acknowledged chat message is in the history (PostgreSQL keeps
// it; the bus needs Redis, so sends while Redis is away are refused "try
// again", never acknowledged), and every acknowledged board stroke is on the
// board a restarted server loads from Redis.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createLogger } from '../../common/log.js';
import { RedisBoardStore } from '../../whiteboard/redisBoardStore.js';
import { joinWithBoard } from '../helpers/boardPeer.js';
import { type ChatTestServer, type TestChatClient, startChatServer } from '../helpers/chatServer.js';
import type { TestClient } from '../helpers/protocolClient.js';
import { type TestRedis, redisAvailable, startRedis } from '../helpers/redis.js';

let redis: TestRedis;
let s: ChatTestServer;
const clients: TestClient[] = [];
const ROOM = 'physics-9';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  redis = await startRedis({ persistent: true });
  s = await startChatServer(
    { REDIS_URL: redis.url, WHITEBOARD_UPDATES_PER_SECOND: '1000', HOST_HEARTBEAT_MS: '300' },
    { redis: false },
  );
}, 60_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await s?.server.close().catch(() => undefined);
  await redis?.stop();
});

const cli = (...args: string[]) =>
  execFileSync('redis-cli', ['-u', redis.url, ...args], { encoding: 'utf8' });

describe.skipIf(!redisAvailable())('Redis SIGKILLed during an AOF rewrite', () => {
  it('loses no acknowledged chat message and no acknowledged board stroke', async () => {
    // Enough data that the rewrite takes a while (the fork writes it all to a new base file).
    const filler = Array.from({ length: 20_000 }, (_, i) => `SET filler:${i} ${'x'.repeat(200)}`).join('\n');
    execFileSync('redis-cli', ['-u', redis.url, '--pipe'], { input: filler });
    cli('CONFIG', 'SET', 'aof-use-rdb-preamble', 'yes');
    // The fork writes each key this many microseconds apart: the rewrite lasts seconds, and the kill lands inside it.
    cli('CONFIG', 'SET', 'rdb-key-save-delay', '200');

    const created = await fetch(`${s.httpUrl}/api/rooms`, {
      method: 'POST',
      headers: s.adminHeaders,
      body: JSON.stringify({ id: ROOM, title: 'Физика', settings: { waitingRoom: 'off' } }),
    });
    expect(created.status).toBe(201);
    const teacher = await joinWithBoard(s.server, clients, ROOM, 'Учитель', 'host');
    await teacher.c.request({ openWhiteboard: { open: true } });
    let member: TestChatClient = await s.client({
      userId: 'aof-1',
      displayName: 'Учитель',
      sortName: 'Учитель',
    });
    const chatId = (await member.request({ createChat: { title: 'Класс', members: [] } })).chat!.chatId!;

    const ackedMessages: string[] = [];
    const ackedStrokes: string[] = [];
    let writing = true;
    let refused = 0;
    let boardClosed = false;
    const chat = (async () => {
      for (let i = 0; writing; i++) {
        // A host drops its chat connections when Redis comes back (they resume): connect again.
        if (!member.isOpen)
          member = await s
            .client({ userId: 'aof-1', displayName: 'Учитель', sortName: 'Учитель' })
            .catch(() => member);
        const r = await member
          .rawRequest({ sendMessage: { chatId, text: `сообщение ${i}`, clientMessageId: `aof-${i}` } })
          .catch(() => null);
        if (r && !r.error) ackedMessages.push(`сообщение ${i}`);
        else refused++;
        await sleep(5);
      }
    })();
    // Strokes as the web client sends them: one refused is kept and sent again first.
    const board = (async () => {
      const kept: { id: string; update: Uint8Array }[] = [];
      for (let i = 0; writing || kept.length; i++) {
        if (writing) {
          const id = `s${i}`;
          kept.push({
            id,
            update: teacher.board.change((d) =>
              d.getMap('elements').set(id, { page: 'p1', el: { id, type: 'rectangle', version: 1 } }),
            ),
          });
        }
        while (kept.length) {
          // On a loaded machine the lone host may send its people to rejoin when Redis returns
          // (its heartbeat lapsed: MEDIA_RESTART); strokes not acknowledged by then are not counted.
          const r = await teacher.board.send(kept[0]!.update).catch(() => null);
          if (!r) {
            boardClosed = true;
            kept.length = 0;
            break;
          }
          if (r.error) break;
          ackedStrokes.push(kept.shift()!.id);
        }
        if (boardClosed) break;
        await sleep(10);
      }
    })();

    await sleep(500);
    cli('BGREWRITEAOF');
    const end = Date.now() + 10_000;
    while (!/aof_rewrite_in_progress:1/.test(cli('INFO', 'persistence'))) {
      if (Date.now() > end) throw new Error('the rewrite did not start');
      await sleep(20);
    }
    await sleep(300);
    redis.signal('SIGKILL');
    const killedAt = { messages: ackedMessages.length, strokes: ackedStrokes.length };
    await sleep(1500);
    await redis.start();
    await sleep(1500);
    writing = false;
    await Promise.race([Promise.all([chat, board]), sleep(30_000)]);
    console.log(
      `AOF rewrite kill: acknowledged ${killedAt.messages} messages and ${killedAt.strokes} strokes before the kill, ` +
        `${ackedMessages.length} and ${ackedStrokes.length} in all; ${refused} chat sends refused meanwhile` +
        (boardClosed ? '; the board connection was sent to rejoin' : ''),
    );
    expect(killedAt.messages).toBeGreaterThan(0);
    expect(killedAt.strokes).toBeGreaterThan(0);

    // Redis came back from its files: what was written before the rewrite is there too.
    expect(cli('GET', 'filler:19999').trim()).toBe('x'.repeat(200));
    // Every acknowledged chat message is in the history.
    const history = new Set<string>();
    let before: number | undefined;
    for (;;) {
      const fresh = await s.client({ userId: 'aof-1', displayName: 'Учитель', sortName: 'Учитель' });
      const page = await fresh.request({
        getHistory: { chatId, limit: 100, ...(before ? { beforeSeq: before } : {}) },
      });
      fresh.close();
      for (const m of page.page!.messages!) history.add(m.text ?? '');
      if (page.page!.atStart || !page.page!.messages!.length) break;
      before = page.page!.messages![0]!.seq!;
    }
    expect(ackedMessages.filter((m) => !history.has(m))).toEqual([]);
    // The board as a restarting server loads it from Redis (the same store and path): every acknowledged stroke.
    const store = new RedisBoardStore(redis.url, 10, 1, createLogger('warn'));
    let loaded: Awaited<ReturnType<RedisBoardStore['loadLive']>> | null = null;
    while (!loaded) loaded = await store.loadLive(ROOM).catch(() => sleep(50).then(() => null));
    const [live] = loaded;
    await store.close();
    const doc = new Y.Doc();
    for (const u of live!.updates) Y.applyUpdate(doc, u);
    const onBoard = new Set(doc.getMap('elements').keys());
    expect(ackedStrokes.filter((id) => !onBoard.has(id))).toEqual([]);
  }, 120_000);
});
