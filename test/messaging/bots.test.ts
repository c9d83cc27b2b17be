// Bots of the school's systems through their API, on a real server with the
// school imported: the admin makes a bot with 5А's class chat only; the bot
// posts a message with a button into it; a local HTTP server (the school's
// system) receives, signed with the bot's secret, a pupil's message there and
// the pupil's press of the button. The bot is refused (403 chat_not_given,
// counted) for 5А's parents' chat, a wrong token is 401, malformed JSON a 400;
// none of them stores anything.
import { createHmac } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccountSchool, startAccountSchool } from '../helpers/accounts.js';
import { type TestChatClient, cpb } from '../helpers/chatServer.js';
import { redisAvailable } from '../helpers/redis.js';

interface Delivery {
  body: string;
  timestamp: string;
  signature: string;
}

let school: AccountSchool;
let hook: Server;
let hookUrl: string;
const deliveries: Delivery[] = [];
let pupil: TestChatClient;

const botApi = (token: string, path: string, body?: string) =>
  fetch(`${school.s.httpUrl}/api/bot/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body,
  });
const botMetric = async (result: string) => {
  const m = await school.s.server.metrics.registry.getSingleMetric('school_call_bot_api_total')?.get();
  return m?.values.find((v) => v.labels.result === result)?.value ?? 0;
};
const messageCount = async (chatId: string) =>
  Number(
    (
      await school.s.server.database!.query(
        'SELECT count(*) AS n FROM messaging.message WHERE chat_id = $1',
        [chatId],
      )
    ).rows[0].n,
  );
const arrived = async (match: (p: Record<string, unknown>) => boolean): Promise<Delivery> => {
  for (let i = 0; i < 100; i++) {
    const d = deliveries.find((x) => match(JSON.parse(x.body)));
    if (d) return d;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('no such webhook delivery');
};

beforeAll(async () => {
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      deliveries.push({
        body,
        timestamp: String(req.headers['x-bot-timestamp']),
        signature: String(req.headers['x-bot-signature']),
      });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
  school = await startAccountSchool({ BOT_WEBHOOK_ALLOW_PRIVATE: 'true' });
}, 90_000);

afterAll(async () => {
  pupil?.close();
  await school?.s.stop();
  await new Promise((r) => hook?.close(r));
});

describe.skipIf(!redisAvailable())("bots of the school's systems", () => {
  it('posts with a button into its own chat, hears it signed, and is refused elsewhere', async () => {
    const { admin, schoolId } = school;
    const listed = await admin.get('/api/school/bots');
    expect(listed.status).toBe(200);
    const chats = listed.body.chats as { id: string; title: string }[];
    const classChat = chats.find((c) => c.title === '5А')!.id;
    const parentsChat = chats.find((c) => c.title === '5А · родители')!.id;

    // A chat of no school's directory cannot be given.
    expect((await admin.post('/api/school/bots', { name: 'Расписание', chats: ['elsewhere'] })).status).toBe(
      400,
    );
    const made = await admin.post('/api/school/bots', { name: 'Расписание', chats: [classChat] });
    expect(made.status).toBe(201);
    const { token, secret, bot } = made.body as { token: string; secret: string; bot: { id: string } };
    // A private address is refused unless the server allows it (this one does, for the test).
    const set = await admin.post(`/api/school/bots/${bot.id}`, { webhookUrl: hookUrl });
    expect(set.status).toBe(200);
    expect(
      (await admin.post(`/api/school/bots/${bot.id}`, { webhookUrl: 'ftp://example.com/' })).status,
    ).toBe(400);

    const me = await botApi(token, 'me');
    expect(await me.json()).toMatchObject({
      id: bot.id,
      name: 'Расписание',
      chats: [{ id: classChat, title: '5А' }],
    });

    pupil = await school.s.client({
      userId: 'p-ivan',
      displayName: 'Иван Иванов',
      sortName: 'Иванов Иван',
      role: 'student',
      schoolId,
    });
    const sent = await botApi(
      token,
      'messages',
      JSON.stringify({
        chatId: classChat,
        text: 'Завтра: математика, русский язык',
        buttons: [{ label: 'Понятно', data: 'ack:2026-12-08' }],
      }),
    );
    expect(sent.status).toBe(201);
    const { seq } = (await sent.json()) as { seq: number };
    const history = await pupil.request({ getHistory: { chatId: classChat, limit: 10 } });
    const shown = history.page!.messages!.find((m) => m.seq === seq)!;
    expect(shown).toMatchObject({ senderName: 'Расписание', fromBot: true, buttons: [{ label: 'Понятно' }] });
    // The button's data is the bot's: readers do not get it.
    expect(JSON.stringify(cpb.ChatMessage.toObject(cpb.ChatMessage.fromObject(shown)))).not.toContain('ack:');

    await pupil.request({ pressButton: { chatId: classChat, seq, button: 0 } });
    const press = await arrived((p) => p.type === 'button');
    const expected = `sha256=${createHmac('sha256', secret).update(`${press.timestamp}.${press.body}`).digest('hex')}`;
    expect(press.signature).toBe(expected);
    expect(Math.abs(Date.now() - Number(press.timestamp))).toBeLessThan(60_000);
    expect(JSON.parse(press.body)).toMatchObject({
      type: 'button',
      bot: bot.id,
      chatId: classChat,
      message: { seq },
      button: { index: 0, label: 'Понятно', data: 'ack:2026-12-08' },
      from: { id: 'p-ivan', role: 'student' },
    });
    // A button the message does not have is refused.
    await expect(pupil.request({ pressButton: { chatId: classChat, seq, button: 3 } })).rejects.toMatchObject(
      {
        code: cpb.ChatErrorCode.CHAT_ERROR_INVALID_ARGUMENT,
      },
    );

    // What a person writes in the bot's chat reaches it too, signed the same way.
    await pupil.send(classChat, 'А физкультура будет?');
    const heard = await arrived((p) => p.type === 'message');
    expect(heard.signature).toBe(
      `sha256=${createHmac('sha256', secret).update(`${heard.timestamp}.${heard.body}`).digest('hex')}`,
    );
    expect(JSON.parse(heard.body)).toMatchObject({
      chatId: classChat,
      message: { text: 'А физкультура будет?' },
      from: { id: 'p-ivan' },
    });

    // The parents' chat was not given: 403, counted, nothing stored.
    const before = await messageCount(parentsChat);
    const refusedBefore = await botMetric('chat_not_given');
    const refused = await botApi(
      token,
      'messages',
      JSON.stringify({ chatId: parentsChat, text: 'Привет, родители' }),
    );
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ reason: 'chat_not_given' });
    expect(await botMetric('chat_not_given')).toBe(refusedBefore + 1);
    expect(await messageCount(parentsChat)).toBe(before);

    // A wrong token is 401; malformed JSON and bad buttons are 400; nothing stored.
    const inClass = await messageCount(classChat);
    const wrong = await botApi(
      `${bot.id}.not-the-token`,
      'messages',
      JSON.stringify({ chatId: classChat, text: 'x' }),
    );
    expect(wrong.status).toBe(401);
    expect((await fetch(`${school.s.httpUrl}/api/bot/me`)).status).toBe(401);
    const malformed = await botApi(token, 'messages', '{"chatId": ');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ reason: 'invalid' });
    const tooMany = await botApi(
      token,
      'messages',
      JSON.stringify({ chatId: classChat, text: 'x', buttons: Array(6).fill({ label: 'a', data: 'b' }) }),
    );
    expect(tooMany.status).toBe(400);
    expect(await messageCount(classChat)).toBe(inClass);

    // A disabled bot's token is refused.
    await admin.post(`/api/school/bots/${bot.id}`, { disabled: true });
    expect((await botApi(token, 'messages', JSON.stringify({ chatId: classChat, text: 'x' }))).status).toBe(
      403,
    );
    expect(await messageCount(classChat)).toBe(inClass);
  });
});

describe.skipIf(!redisAvailable())("changing a bot's chats", () => {
  it("takes the school's chats only, at least one, and changes nothing otherwise", async () => {
    const { admin } = school;
    const chats = (await admin.get('/api/school/bots')).body.chats as { id: string; title: string }[];
    const classChat = chats.find((c) => c.title === '6А')!.id;
    const made = await admin.post('/api/school/bots', { name: 'Столовая', chats: [classChat] });
    const { bot } = made.body as { bot: { id: string } };
    const change = (chats: unknown) => admin.post(`/api/school/bots/${bot.id}`, { chats });
    expect((await change(['elsewhere'])).status).toBe(400);
    expect((await change([])).status).toBe(400);
    expect((await change('6А')).status).toBe(400);
    expect((await change([classChat, 7])).status).toBe(400);
    expect((await admin.post('/api/school/bots/bot-nobody', { chats: [classChat] })).status).toBe(404);
    const listed = (await admin.get('/api/school/bots')).body.bots as { id: string; chats: string[] }[];
    expect(listed.find((b) => b.id === bot.id)!.chats).toEqual([classChat]);
    const { rows } = await school.s.server.database!.query(
      'SELECT source FROM messaging.member WHERE chat_id = $1 AND user_id = $2',
      [classChat, bot.id],
    );
    expect(rows).toEqual([{ source: 'bot' }]);
  });
});
