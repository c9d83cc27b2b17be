// Lesson reminders through a real push service on loopback: a teacher
// schedules a lesson from a class chat (the messenger socket, as the
// «Запланировать урок» form does); shortly before it starts each member's
// browser that turned notifications on gets «Урок через N минут» once,
// however many times the hosts look; a lesson further off is not reminded
// of yet, and a parent in quiet hours is left alone. With the test clock
// moved forward instead of waiting: the teacher and the class get the note
// in the chat (the messenger's banner) and a push 15 minutes before and
// again at the start, each once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatTestServer, startChatServer } from '../helpers/chatServer.js';
import { TestClock } from '../helpers/clock.js';
import { type LocalPushService, startPushService } from '../helpers/pushService.js';

let push: LocalPushService;
let s: ChatTestServer;
const clock = new TestClock();
const teacher = { userId: 'lr-t', displayName: 'Ирина Павловна', role: 'teacher' as const };
const mother = { userId: 'lr-m', displayName: 'Вера Смирнова', role: 'parent' as const };
const father = { userId: 'lr-f', displayName: 'Олег Петров', role: 'parent' as const };

beforeAll(async () => {
  push = await startPushService();
  s = await startChatServer(
    { PUSH_SERVICE_HOSTS: push.host, LESSON_REMINDER_MINUTES: '15' },
    { extras: { pushAgent: push.agent, reminderEveryMs: 200, clock: clock.now } },
  );
  for (const p of [teacher, mother, father]) await s.token(p);
});
afterAll(async () => {
  await s?.stop();
  await push?.close();
});

/** Moscow wall-clock time `minutes` from now, as the form sends it (Moscow has no DST). */
const moscowIn = (minutes: number) =>
  new Date(Date.now() + minutes * 60_000 + 3 * 3600_000).toISOString().slice(0, 16);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('lesson reminders', () => {
  it('reminds the chat’s members once, shortly before the lesson, not in quiet hours', async () => {
    const api = await s.client(teacher);
    const mum = await s.client(mother);
    const dad = await s.client(father);
    const phone = push.browser('lr-mother-phone');
    const dadPhone = push.browser('lr-father-phone');
    await mum.request({
      savePushSubscription: { endpoint: phone.endpoint, p256dh: phone.p256dh, auth: phone.auth },
    });
    await dad.request({
      savePushSubscription: { endpoint: dadPhone.endpoint, p256dh: dadPhone.p256dh, auth: dadPhone.auth },
    });
    const hh = (h: number) => `${String((h + 24) % 24).padStart(2, '0')}:00`;
    const hour = new Date().getUTCHours();
    await dad.request({
      setQuietHours: { quietHours: { from: hh(hour - 1), to: hh(hour + 2), timeZone: 'UTC' } },
    });

    const chatId = (
      await api.request({ createChat: { title: '5А класс', members: [mother.userId, father.userId] } })
    ).chat!.chatId!;
    const later = { chatId, timeZone: 'Europe/Moscow', durationMinutes: 45 };
    await api.request({ scheduleLesson: { ...later, title: 'Литература', startsAt: moscowIn(60) } });
    await api.request({ scheduleLesson: { ...later, title: 'Математика', startsAt: moscowIn(10) } });

    const end = Date.now() + 10_000;
    while (phone.received().length === 0 && Date.now() < end) await sleep(50);
    // Several more looks by the host: the reminder is not repeated.
    await sleep(1_000);
    const reminders = phone.received().filter((r) => (r.payload as { kind: string }).kind === 'lesson');
    expect(reminders).toHaveLength(1);
    const got = reminders[0]!;
    expect(got.payload).toMatchObject({
      v: 1,
      kind: 'lesson',
      chat: chatId,
      chatTitle: '5А класс',
      text: 'Математика',
      url: `/messenger#chat=${encodeURIComponent(chatId)}`,
    });
    const startsAt = (got.payload as { startsAt: number }).startsAt;
    expect(startsAt - Date.now()).toBeGreaterThan(8 * 60_000);
    expect(startsAt - Date.now()).toBeLessThanOrEqual(10 * 60_000);
    // Urgent, and worth nothing once the lesson has started.
    expect(got.headers.urgency).toBe('high');
    expect(Number(got.headers.ttl)).toBeLessThanOrEqual(600);
    expect(dadPhone.received().filter((r) => (r.payload as { kind: string }).kind === 'lesson')).toEqual([]);
    for (const c of [api, mum, dad]) c.close();
  });

  it('reminds the teacher and the class 15 minutes before and at the start, in the chat and by push, each once', async () => {
    const api = await s.client(teacher);
    const mum = await s.client(mother);
    const teacherPhone = push.browser('lr-teacher-laptop');
    const phone = push.browser('lr-mother-phone-2');
    await api.request({
      savePushSubscription: {
        endpoint: teacherPhone.endpoint,
        p256dh: teacherPhone.p256dh,
        auth: teacherPhone.auth,
      },
    });
    await mum.request({
      savePushSubscription: { endpoint: phone.endpoint, p256dh: phone.p256dh, auth: phone.auth },
    });
    const chatId = (await api.request({ createChat: { title: '6Б класс', members: [mother.userId] } })).chat!
      .chatId!;
    // Forty minutes off, from the test clock's now.
    const startsAt = new Date(clock.now() + 40 * 60_000 + 3 * 3600_000).toISOString().slice(0, 16);
    await api.request({
      scheduleLesson: { chatId, timeZone: 'Europe/Moscow', durationMinutes: 45, title: 'Химия', startsAt },
    });
    const chemistry = (b: ReturnType<typeof push.browser>) =>
      b.received().filter((r) => (r.payload as { text: string }).text === 'Химия');
    const notes = async () =>
      ((await api.request({ getHistory: { chatId } })).page!.messages ?? []).filter((m) => m.reminder);

    // Not yet: the hosts look several times.
    await sleep(1_000);
    expect(chemistry(phone)).toEqual([]);
    expect(await notes()).toEqual([]);

    clock.advance(26 * 60_000);
    await expect.poll(() => chemistry(phone).length, { timeout: 10_000 }).toBe(1);
    await expect.poll(() => chemistry(teacherPhone).length, { timeout: 10_000 }).toBe(1);
    const soon = await notes();
    expect(soon).toHaveLength(1);
    expect(soon[0]!.reminder).toMatchObject({ title: 'Химия' });
    expect(soon[0]!.reminder!.minutesBefore).toBeGreaterThanOrEqual(13);
    expect(soon[0]!.reminder!.minutesBefore).toBeLessThanOrEqual(15);
    expect(soon[0]!.text).toMatch(/^Урок «Химия» через 1\d мин$/);

    clock.advance(15 * 60_000);
    await expect.poll(() => chemistry(phone).length, { timeout: 10_000 }).toBe(2);
    await expect.poll(() => chemistry(teacherPhone).length, { timeout: 10_000 }).toBe(2);
    await sleep(1_000);
    const both = await notes();
    expect(both.map((m) => m.reminder!.minutesBefore)).toEqual([soon[0]!.reminder!.minutesBefore, 0]);
    expect(both[1]!.text).toBe('Урок «Химия» начинается');
    // Each once, and the notes themselves are not pushed again as chat messages.
    expect(chemistry(phone)).toHaveLength(2);
    expect(phone.received().filter((r) => (r.payload as { text: string }).text.startsWith('Урок «'))).toEqual(
      [],
    );
    const startsAtMs = (chemistry(phone)[1]!.payload as { startsAt: number }).startsAt;
    expect(both[1]!.reminder!.startsAt).toBe(startsAtMs);
    for (const c of [api, mum]) c.close();
  });
});
