// A connection whose read to follow a change fails is closed and resumes
// from its cursor (messaging/feed.ts fellBehind), the feed's rule for a
// follower that falls behind. Here the read fails for real: another
// connection holds a lock on the pins table the summary reads, and the
// summary's backend is terminated while it waits (as a pool wait past 5 s
// or a lost connection would fail it). Before, a member added to a chat
// stayed connected and never heard of that chat until they reconnected by
// chance; a member made admin kept their old role on screen.
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ChatTestServer, TestChatClient, cpb, startChatServer } from '../helpers/chatServer.js';

let s: ChatTestServer;
let teacher: TestChatClient;

const teacherP = { userId: 't1', displayName: 'Анна Петровна' };
const teacher2 = { userId: 't2', displayName: 'Ольга Ивановна' };
const pupil1 = { userId: 'p1', displayName: 'Иван Смирнов', role: 'student' as const };
const pupil2 = { userId: 'p2', displayName: 'Мария Козлова', role: 'student' as const };

beforeAll(async () => {
  s = await startChatServer();
  teacher = await s.client(teacherP);
});

afterAll(async () => {
  teacher?.close();
  await s?.stop();
});

async function fellBehind(): Promise<number> {
  const metric = await s.server.metrics.registry.getSingleMetric('school_call_chat_fell_behind_total')?.get();
  return metric?.values[0]?.value ?? 0;
}

/** Runs `change` while the summary reads block on the pins table, and fails the first one that waits. */
async function failingSummaryRead(change: () => Promise<void>): Promise<void> {
  const locker = new pg.Client({ connectionString: s.server.config.databaseUrl! });
  await locker.connect();
  try {
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE messaging.pin IN ACCESS EXCLUSIVE MODE');
    await change();
    const waiting = async () =>
      (
        await locker.query<{ pid: number }>(
          // By the lock it waits for, not by its text: pg_stat_activity cuts a long query's text.
          `SELECT DISTINCT pid FROM pg_locks WHERE NOT granted AND relation = 'messaging.pin'::regclass`,
        )
      ).rows.map((r) => r.pid);
    await expect.poll(waiting, { timeout: 10_000 }).toHaveLength(1);
    const [pid] = await waiting();
    await locker.query('SELECT pg_terminate_backend($1)', [pid]);
  } finally {
    await locker.query('ROLLBACK').catch(() => undefined);
    await locker.end();
  }
}

it('a member added to a chat whose summary cannot be read is closed, and resumes into the chat', async () => {
  await s.token(teacher2);
  const pupil = await s.client(pupil1);
  const before = await fellBehind();
  let chatId = '';
  await failingSummaryRead(async () => {
    const res = await fetch(`${s.httpUrl}/api/chats`, {
      method: 'POST',
      headers: s.adminHeaders,
      // Only the pupil is connected among the members: one summary read to fail.
      body: JSON.stringify({ title: '5 «Б»', members: [{ userId: 't2' }, { userId: 'p1' }] }),
    });
    expect(res.status).toBe(201);
    chatId = ((await res.json()) as { chatId: string }).chatId;
  });

  // Not left open and deaf to the chat: closed, so the client resumes.
  expect((await pupil.waitForClose(10_000)).reason).toMatch(/reconnect/);
  expect(pupil.events.some((e) => e.chatAdded?.chatId === chatId)).toBe(false);
  expect(await fellBehind()).toBe(before + 1);

  const again = await TestChatClient.connect(s.wsUrl);
  try {
    const auth = await again.authenticate(await s.token(pupil1));
    expect(auth.chats?.map((c) => c.chatId)).toContain(chatId);
    const other = await s.client(teacher2);
    await other.send(chatId, 'Завтра контрольная');
    other.close();
    await again.waitFor((e) => e.message?.chatId === chatId && e.message.text === 'Завтра контрольная');
  } finally {
    again.close();
  }
});

it('a member whose new role cannot be read is closed, and resumes with the new role', async () => {
  const pupil = await s.client(pupil2);
  const { chat } = await teacher.request({ createChat: { title: 'Кружок', members: ['p2'] } });
  const chatId = chat!.chatId!;
  await pupil.waitFor((e) => e.chatAdded?.chatId === chatId);
  const before = await fellBehind();

  await failingSummaryRead(async () => {
    await teacher.request({
      setMemberRole: { chatId, userId: 'p2', role: cpb.MemberRole.MEMBER_ROLE_ADMIN },
    });
  });

  expect((await pupil.waitForClose(10_000)).reason).toMatch(/reconnect/);
  expect(await fellBehind()).toBe(before + 1);
  const again = await TestChatClient.connect(s.wsUrl);
  try {
    const auth = await again.authenticate(await s.token(pupil2));
    expect(auth.chats?.find((c) => c.chatId === chatId)?.myRole).toBe(cpb.MemberRole.MEMBER_ROLE_ADMIN);
  } finally {
    again.close();
  }
});
