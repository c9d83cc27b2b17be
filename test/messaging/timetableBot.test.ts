// The example bot (examples/timetable-bot/bot.mjs) run as it is meant to be:
// a child process with the token and secret the school admin's request gave,
// its webhook set on the bot. With --now it posts tomorrow's lessons into 5А
// with «Понятно»; a pupil presses it (the bot logs the press, so the signed
// webhook reached it and passed its check) and asks for the «расписание»;
// the bot's answer arrives in the chat.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccountSchool, startAccountSchool } from '../helpers/accounts.js';
import type { TestChatClient } from '../helpers/chatServer.js';
import { redisAvailable } from '../helpers/redis.js';

const BOT = fileURLToPath(new URL('../../examples/timetable-bot/bot.mjs', import.meta.url));
const LESSONS = ['Математика', 'Русский язык', 'Физкультура'];

let school: AccountSchool;
let bot: ChildProcess | null = null;
let pupil: TestChatClient | null = null;
let dir = '';
let output = '';

const freePort = () =>
  new Promise<number>((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });

beforeAll(async () => {
  school = await startAccountSchool({ BOT_WEBHOOK_ALLOW_PRIVATE: 'true' });
  dir = mkdtempSync(join(tmpdir(), 'timetable-bot-'));
}, 90_000);

afterAll(async () => {
  pupil?.close();
  if (bot && bot.exitCode === null) {
    const exited = new Promise((r) => bot!.once('exit', r));
    bot.kill();
    await exited;
  }
  await school?.s.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!redisAvailable())('the example timetable bot', () => {
  it('posts the timetable, hears a press and answers a question in the chat', async () => {
    const { admin, schoolId } = school;
    const chats = (await admin.get('/api/school/bots')).body.chats as { id: string; title: string }[];
    const classChat = chats.find((c) => c.title === '5А')!.id;
    const made = await admin.post('/api/school/bots', { name: 'Расписание', chats: [classChat] });
    expect(made.status).toBe(201);
    const { token, secret } = made.body as { token: string; secret: string };
    const port = await freePort();
    const set = await admin.post(`/api/school/bots/${made.body.bot.id}`, {
      webhookUrl: `http://127.0.0.1:${port}/`,
    });
    expect(set.status).toBe(200);

    // Every weekday the same lessons, so "tomorrow" has some whatever day the test runs.
    const timetable = join(dir, 'timetable.json');
    const week = Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [String(d), LESSONS]));
    writeFileSync(timetable, JSON.stringify({ '5А': week }));
    bot = spawn(process.execPath, [BOT, '--now'], {
      env: {
        PATH: process.env.PATH,
        SCHOOL_URL: school.s.httpUrl,
        BOT_TOKEN: token,
        BOT_SECRET: secret,
        TIMETABLE: timetable,
        PORT: String(port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    bot.stdout!.on('data', (c) => {
      output += c;
    });
    bot.stderr!.on('data', (c) => {
      output += c;
    });

    pupil = await school.s.client({
      userId: 'p-ivan',
      displayName: 'Иван Иванов',
      role: 'student',
      schoolId,
    });
    const history = async () =>
      (await pupil!.request({ getHistory: { chatId: classChat, limit: 20 } })).page!.messages ?? [];
    const expected = `${LESSONS.map((l, i) => `${i + 1}. ${l}`).join('\n')}`;
    await expect
      .poll(async () => (await history()).filter((m) => m.fromBot).length, { timeout: 15_000 })
      .toBe(1);
    const posted = (await history()).find((m) => m.fromBot)!;
    expect(posted).toMatchObject({ senderName: 'Расписание', buttons: [{ label: 'Понятно' }] });
    expect(posted.text).toMatch(/^Завтра \(\d{4}-\d{2}-\d{2}\):\n/);
    expect(posted.text).toContain(expected);

    await pupil.request({ pressButton: { chatId: classChat, seq: posted.seq, button: 0 } });
    await expect.poll(() => output, { timeout: 15_000 }).toContain('Иван Иванов pressed «Понятно»');

    const asked = await pupil.send(classChat, 'Какое расписание на завтра?');
    await expect
      .poll(
        async () => (await history()).filter((m) => m.fromBot && Number(m.seq) > Number(asked.seq)).length,
        {
          timeout: 15_000,
        },
      )
      .toBe(1);
    const answer = (await history()).find((m) => m.fromBot && Number(m.seq) > Number(asked.seq))!;
    expect(answer.text).toContain(expected);
    expect(output).not.toMatch(/no answer|not posted|Error/);
  }, 90_000);
});
