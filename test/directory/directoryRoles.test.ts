// The school's rules in the messenger, from a directory imported through the
// admin API and the CLI: who may write to a pupil, who may be put in a
// class's chats. Refusals are typed, counted, and change nothing.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportReport } from '../../directory/importer.js';
import type { Directory } from '../../directory/model.js';
import { sampleSchool } from '../../directory/sampleSchool.js';
import { DirectoryStore } from '../../directory/store.js';
import type { ChatStore } from '../../messaging/store/chatStore.js';
import {
  type ChatTestServer,
  type TestChatClient,
  cpb,
  messagingStores,
  startChatServer,
} from '../helpers/chatServer.js';
import { TestClient } from '../helpers/protocolClient.js';

let s: ChatTestServer;
let r: Redis;
let store: DirectoryStore;
let chatStore: ChatStore;
const d: Directory = sampleSchool({
  schoolId: 'school-1',
  schoolName: 'Школа № 3',
  grades: 1,
  lettersPerGrade: 2,
  pupilsPerClass: 2,
  parentsPerPupil: 1,
});
const pupilA = d.pupils.find((p) => p.classId === '5a')!;
const pupilB = d.pupils.find((p) => p.classId === '5b')!;
const parentOf = (pupil: string) => d.parents.find((p) => p.children.includes(pupil))!;
const teacherA = d.teachers.find((t) => t.id === d.classes[0]!.teacher)!;

function personOf(id: string) {
  const p = [...d.teachers, ...d.pupils, ...d.parents].find((x) => x.id === id)!;
  const role = d.teachers.some((t) => t.id === id)
    ? 'teacher'
    : d.pupils.some((x) => x.id === id)
      ? 'student'
      : 'parent';
  return { userId: p.id, displayName: p.name, sortName: p.sort, role, schoolId: 'school-1' } as const;
}

async function importFile(body: string, query = ''): Promise<{ status: number; json: ImportReport }> {
  const res = await fetch(`${s.httpUrl}/api/directory/import${query}`, {
    method: 'POST',
    headers: { authorization: s.adminHeaders.authorization!, 'content-type': 'application/json' },
    body,
  });
  return { status: res.status, json: (await res.json()) as ImportReport };
}

async function refused(c: TestChatClient, req: cpb.IChatClientMessage, code: cpb.ChatErrorCode) {
  await expect(c.request(req)).rejects.toMatchObject({ code });
}

beforeAll(async () => {
  s = await startChatServer();
  r = new Redis(s.redis!.url);
  store = new DirectoryStore(r);
  chatStore = messagingStores(s.server.database!, r).chatStore;
});
afterAll(async () => {
  r.disconnect();
  await s.stop();
});

describe('importing through the admin API and the CLI', () => {
  it('the CLI dry run reports and writes nothing; the API import builds the chats', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'school-'));
    const file = join(dir, 'school.json');
    writeFileSync(file, JSON.stringify(d));
    const out = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = spawn('npx', ['tsx', 'directory/cli.ts', 'import', file, '--dry-run'], {
        env: { ...process.env, REDIS_URL: s.redis!.url, DATABASE_URL: s.server.config.databaseUrl! },
      });
      let stdout = '';
      child.stdout.on('data', (b) => {
        stdout += b;
      });
      child.on('exit', (code) => resolve({ code, stdout }));
    });
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('Пробный прогон');
    expect(out.stdout).toMatch(/Чаты: создано 9/);
    expect(await store.load('school-1')).toBeNull();

    const first = await importFile(JSON.stringify(d));
    expect(first.status).toBe(200);
    expect(first.json.chats.created).toBe(9);
    const again = await importFile(JSON.stringify(d));
    expect(again.json.changed).toBe(false);
  });

  it('a bad file gets 400 with its problems and changes nothing', async () => {
    const bad = JSON.parse(JSON.stringify(d)) as Directory;
    bad.pupils[0]!.classId = '11z';
    const res = await importFile(JSON.stringify(bad));
    expect(res.status).toBe(400);
    expect((res.json as unknown as { problems: string[] }).problems).toContain(
      `ученик №1 (${bad.pupils[0]!.name}): класса 11z в файле нет`,
    );
    expect((await store.load('school-1'))!.pupils[0]!.classId).toBe(pupilA.classId);
  });
});

describe('role rules', () => {
  it('a parent of another class cannot write to a pupil directly: typed, counted, nothing created', async () => {
    const stranger = await s.client(personOf(parentOf(pupilB.id).id));
    const before = await s.rejected('pupil_protected');
    const chatsBefore = await chatStore.userChatIds(pupilA.id);
    await refused(
      stranger,
      { openDirectChat: { userId: pupilA.id } },
      cpb.ChatErrorCode.CHAT_ERROR_PUPIL_PROTECTED,
    );
    await refused(
      stranger,
      { createChat: { title: 'Секретный', members: [pupilA.id] } },
      cpb.ChatErrorCode.CHAT_ERROR_PUPIL_PROTECTED,
    );
    expect(await s.rejected('pupil_protected')).toBe(before + 2);
    expect(await chatStore.userChatIds(pupilA.id)).toEqual(chatsBefore);
    stranger.close();
  });

  it('someone of the school who is not in the directory cannot reach a pupil', async () => {
    const outsider = await s.client({ userId: 'visitor', displayName: 'Гость Школы', role: 'teacher' });
    await refused(
      outsider,
      { openDirectChat: { userId: pupilA.id } },
      cpb.ChatErrorCode.CHAT_ERROR_PUPIL_PROTECTED,
    );
    outsider.close();
  });

  it('teachers, classmates and the own parent do reach the pupil', async () => {
    for (const id of [teacherA.id, parentOf(pupilA.id).id, pupilB.id]) {
      const c = await s.client(personOf(id));
      const { chat } = await c.request({ openDirectChat: { userId: pupilA.id } });
      expect(chat!.kind).toBe(cpb.ChatKind.CHAT_KIND_DIRECT);
      c.close();
    }
  });

  it("a parent sees only their own child's class parents' chat and cannot be put in another", async () => {
    const parentA = parentOf(pupilA.id);
    const c = await s.client(personOf(parentA.id));
    const { chats } = await c.request({ listChats: {} });
    const titles = chats!.chats!.map((x) => x.title);
    expect(titles).toContain('5А · родители');
    expect(titles).not.toContain('5Б · родители');

    const parentsB = (await store.slots('school-1')).get('parents:5b')!;
    await refused(c, { getHistory: { chatId: parentsB } }, cpb.ChatErrorCode.CHAT_ERROR_NOT_A_MEMBER);
    // Even 5Б's class teacher, an admin there, cannot add 5А's parent.
    const teacherB = await s.client(personOf(d.classes[1]!.teacher));
    const before = await chatStore.allMembers(parentsB);
    await refused(
      teacherB,
      { addMembers: { chatId: parentsB, userIds: [parentA.id] } },
      cpb.ChatErrorCode.CHAT_ERROR_OUTSIDE_AUDIENCE,
    );
    expect(await chatStore.allMembers(parentsB)).toEqual(before);
    expect(await s.rejected('outside_audience')).toBeGreaterThanOrEqual(1);
    c.close();
    teacherB.close();
  });
});

describe('a meeting for a class', () => {
  async function schedule(audience: 'class' | 'parents') {
    const startsAt = new Date(Date.now() + 3600_000).toISOString().slice(0, 16);
    const res = await fetch(`${s.httpUrl}/api/meetings`, {
      method: 'POST',
      headers: s.adminHeaders,
      body: JSON.stringify({
        title: audience === 'class' ? 'Математика, 5А' : 'Родительское собрание 5А',
        startsAt,
        timeZone: 'UTC',
        durationMinutes: 45,
        settings: { waitingRoom: 'everyone' },
        class: { schoolId: 'school-1', classId: '5a', audience },
      }),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as { roomId: string; class: { chatId: string; seq: number } };
  }

  async function invitationIn(c: TestChatClient, chatId: string, roomId: string) {
    const { page } = await c.request({ getHistory: { chatId } });
    const found = page!.messages!.find((x) => x.call?.roomId === roomId);
    if (!found) throw new Error('no invitation in the chat');
    return found;
  }

  async function joinFromChat(c: TestChatClient, chatId: string, seq: number, roomId: string) {
    const link = await c.request({ joinCall: { chatId, seq } });
    const token = link.call!.joinUrl!.split('#token=')[1]!;
    const call = await TestClient.connect(s.server.wsUrl);
    const joined = await call.request({ join: { roomId, token } });
    return { call, joined: joined.join! };
  }

  it('posts the invitation in the class chat; the class skips the waiting room, others wait', async () => {
    const m = await schedule('class');
    const pupil = await s.client(personOf(pupilA.id));
    const posted = await invitationIn(pupil, m.class.chatId, m.roomId);
    expect(posted.text).toContain('Математика, 5А');
    expect(posted.seq).toBe(m.class.seq);
    const { call, joined } = await joinFromChat(pupil, m.class.chatId, m.class.seq, m.roomId);
    expect(joined.waiting).toBeFalsy();
    expect(joined.self?.userId).toBe(pupilA.id);
    // Someone with a link to the room but not of the class waits for the teacher.
    const other = await fetch(`${s.httpUrl}/api/rooms/${m.roomId}/tokens`, {
      method: 'POST',
      headers: s.adminHeaders,
      body: JSON.stringify({ displayName: 'Посторонний', userId: pupilB.id, role: 'participant' }),
    });
    const { token } = (await other.json()) as { token: string };
    const outsider = await TestClient.connect(s.server.wsUrl);
    const waited = await outsider.request({ join: { roomId: m.roomId, token } });
    expect(waited.join!.waiting).toBe(true);
    for (const x of [call, outsider]) x.close();
    pupil.close();
  });

  it("a parents' meeting goes to the parents' chat only, and names an existing class", async () => {
    const m = await schedule('parents');
    const parent = await s.client(personOf(parentOf(pupilA.id).id));
    expect((await invitationIn(parent, m.class.chatId, m.roomId)).text).toContain('Родительское собрание');
    const { call, joined } = await joinFromChat(parent, m.class.chatId, m.class.seq, m.roomId);
    expect(joined.waiting).toBeFalsy();
    const classChat = (await store.slots('school-1')).get('class:5a')!;
    const pupilInClassChat = (await chatStore.userChatIds(pupilA.id)).includes(classChat);
    expect(pupilInClassChat).toBe(true);
    expect(m.class.chatId).not.toBe(classChat);
    const bad = await fetch(`${s.httpUrl}/api/meetings`, {
      method: 'POST',
      headers: s.adminHeaders,
      body: JSON.stringify({
        title: 'Нет такого класса',
        startsAt: new Date(Date.now() + 3600_000).toISOString().slice(0, 16),
        timeZone: 'UTC',
        durationMinutes: 45,
        class: { schoolId: 'school-1', classId: '11z' },
      }),
    });
    expect(bad.status).toBe(404);
    call.close();
    parent.close();
  });
});
