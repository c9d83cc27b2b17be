// An example bot of the school's systems (docs/bots.md): every day at 18:00
// it posts tomorrow's lessons into each class chat it was given, with a
// «Понятно» button; on its webhook (signature checked, repeats of a delivery
// ignored) it answers a message that asks for the «расписание» with
// tomorrow's lessons, and logs presses. Plain Node (18+), no packages. Run:
//   SCHOOL_URL=https://school.example BOT_TOKEN=… BOT_SECRET=… \
//   TIMETABLE=./timetable.json PORT=8080 node bot.mjs
// timetable.json maps a chat's title to its lessons per weekday (1 = Monday):
//   { "5А": { "1": ["Математика", "Русский язык"], "2": ["Физкультура"] } }
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const { SCHOOL_URL, BOT_TOKEN, BOT_SECRET, TIMETABLE = './timetable.json', PORT = '8080' } = process.env;
if (!SCHOOL_URL || !BOT_TOKEN || !BOT_SECRET) throw new Error('set SCHOOL_URL, BOT_TOKEN and BOT_SECRET');

async function api(path, body) {
  const res = await fetch(`${SCHOOL_URL}/api/bot/${path}`, {
    method: body ? 'POST' : 'GET',
    headers: { authorization: `Bearer ${BOT_TOKEN}`, 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  const answer = await res.json();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${answer.reason ?? ''} ${answer.error ?? ''}`);
  return answer;
}

/** Tomorrow's lessons of a chat (by its title) as a message, or null when it has none. */
function tomorrowIn(title) {
  const timetable = JSON.parse(readFileSync(TIMETABLE, 'utf8'));
  const tomorrow = new Date(Date.now() + 24 * 3600 * 1000);
  const lessons = timetable[title]?.[String(tomorrow.getDay() || 7)];
  if (!lessons?.length) return null;
  const date = tomorrow.toISOString().slice(0, 10);
  return {
    date,
    text: `Завтра (${date}):\n${lessons.map((l, i) => `${i + 1}. ${l}`).join('\n')}`,
  };
}

async function postTomorrow() {
  const { chats } = await api('me');
  for (const chat of chats) {
    const day = tomorrowIn(chat.title);
    if (!day) continue;
    await api('messages', {
      chatId: chat.id,
      // The same id for the same day: a retry after a lost answer does not post twice.
      clientMessageId: `timetable-${day.date}`,
      text: day.text,
      buttons: [{ label: 'Понятно', data: `ack:${day.date}` }],
    });
  }
}

/** Someone asked for the timetable in a chat: tomorrow's lessons there, once per delivery. */
async function answer(event) {
  if (!/расписани/i.test(event.message.text)) return;
  const { chats } = await api('me');
  const chat = chats.find((c) => c.id === event.chatId);
  const day = chat && tomorrowIn(chat.title);
  await api('messages', {
    chatId: event.chatId,
    clientMessageId: `answer-${event.delivery}`,
    text: day ? day.text : 'На завтра уроков нет.',
  });
}

// Delivery is at least once: a delivery id seen in the last hour is answered 2xx and not acted on again.
const seen = new Map();
function firstTime(id) {
  const now = Date.now();
  for (const [old, at] of seen) if (now - at > 3600_000) seen.delete(old);
  if (seen.has(id)) return false;
  seen.set(id, now);
  return true;
}

function msUntil18() {
  const next = new Date();
  next.setHours(18, 0, 0, 0);
  if (next.getTime() <= Date.now()) next.setDate(next.getDate() + 1);
  return next.getTime() - Date.now();
}

function every18() {
  setTimeout(() => {
    postTomorrow().catch((err) => console.error('timetable not posted:', err.message));
    every18();
  }, msUntil18());
}

// The webhook: answer 2xx quickly; a signature that does not match, or older than 5 minutes, is refused.
createServer((req, res) => {
  let body = '';
  req.on('data', (c) => {
    body += c;
  });
  req.on('end', () => {
    const timestamp = String(req.headers['x-bot-timestamp'] ?? '');
    const got = Buffer.from(String(req.headers['x-bot-signature'] ?? ''));
    const want = Buffer.from(
      `sha256=${createHmac('sha256', BOT_SECRET).update(`${timestamp}.${body}`).digest('hex')}`,
    );
    const fresh = Math.abs(Date.now() - Number(timestamp)) < 5 * 60_000;
    if (!fresh || got.length !== want.length || !timingSafeEqual(got, want)) {
      res.writeHead(401).end();
      return;
    }
    const event = JSON.parse(body);
    res.writeHead(204).end();
    if (!firstTime(event.delivery)) return;
    if (event.type === 'button') console.log(`${event.from.name} pressed «${event.button.label}»`);
    if (event.type === 'message') {
      console.log(`${event.from.name} wrote: ${event.message.text}`);
      answer(event).catch((err) => console.error('no answer:', err.message));
    }
  });
}).listen(Number(PORT), () => console.log(`webhook listening on port ${PORT}`));

every18();
if (process.argv.includes('--now')) await postTomorrow();
