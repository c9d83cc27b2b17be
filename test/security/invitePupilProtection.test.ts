// The pupil protection (a pupil is reached only by the school's teachers,
// other pupils and their own parents) covers every way into a chat: a parent
// of another class who may not write to a pupil directly cannot bring the
// pupil into their group by an invitation link or by accepting a join
// request either (issue #21). Real server, Redis, PostgreSQL, a directory.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Directory } from '../../directory/model.js';
import { sampleSchool } from '../../directory/sampleSchool.js';
import type { ChatStore } from '../../messaging/store/chatStore.js';
import { type ChatTestServer, cpb, messagingStores, startChatServer } from '../helpers/chatServer.js';

let s: ChatTestServer;
let r: Redis;
let chatStore: ChatStore;
const d: Directory = sampleSchool({
  schoolId: 'school-1',
  schoolName: 'Школа № 5',
  grades: 1,
  lettersPerGrade: 2,
  pupilsPerClass: 2,
  parentsPerPupil: 1,
});
const pupil = d.pupils.find((p) => p.classId === '5a')!;
const otherParent = d.parents.find((p) => d.pupils.find((x) => x.id === p.children[0])!.classId === '5b')!;
const teacher = d.teachers.find((t) => t.id === d.classes[0]!.teacher)!;

function as(id: string, role: 'teacher' | 'student' | 'parent') {
  const p = [...d.teachers, ...d.pupils, ...d.parents].find((x) => x.id === id)!;
  return { userId: p.id, displayName: p.name, sortName: p.sort, role, schoolId: 'school-1' };
}

beforeAll(async () => {
  s = await startChatServer();
  r = new Redis(s.redis!.url);
  chatStore = messagingStores(s.server.database!, r).chatStore;
  const res = await fetch(`${s.httpUrl}/api/directory/import`, {
    method: 'POST',
    headers: s.adminHeaders,
    body: JSON.stringify(d),
  });
  expect(res.status).toBe(200);
});
afterAll(async () => {
  r.disconnect();
  await s.stop();
});

describe('a parent of another class', () => {
  it('cannot bring a pupil into their group by a link or by accepting a join request; a teacher can', async () => {
    const parent = await s.client(as(otherParent.id, 'parent'));
    const child = await s.client(as(pupil.id, 'student'));
    const t = await s.client(as(teacher.id, 'teacher'));
    try {
      // The baseline: no direct chat.
      const direct = await parent.rawRequest({ openDirectChat: { userId: pupil.id } });
      expect(direct.error?.code).toBe(cpb.ChatErrorCode.CHAT_ERROR_PUPIL_PROTECTED);

      const open = (await parent.request({ createChat: { title: 'Поиграем?' } })).chat!.chatId!;
      const { invite } = await parent.request({ createInvite: { chatId: open } });
      const before = await s.rejected('pupil_protected');
      const joined = await child.rawRequest({ joinByInvite: { code: invite!.code } });
      expect(joined.error?.code).toBe(cpb.ChatErrorCode.CHAT_ERROR_PUPIL_PROTECTED);
      expect(await s.rejected('pupil_protected')).toBe(before + 1);
      expect(await chatStore.member(open, pupil.id)).toBeNull();

      const asking = (
        await parent.request({ createChat: { title: 'Закрытый клуб', settings: { joinApproval: true } } })
      ).chat!.chatId!;
      const link = (await parent.request({ createInvite: { chatId: asking } })).invite!;
      const asked = await child.request({ joinByInvite: { code: link.code } });
      expect(asked.joinRequest).toBeTruthy();
      const accepted = await parent.rawRequest({
        decideJoinRequest: { chatId: asking, userId: pupil.id, accept: true },
      });
      expect(accepted.error?.code).toBe(cpb.ChatErrorCode.CHAT_ERROR_PUPIL_PROTECTED);
      expect(await chatStore.member(asking, pupil.id)).toBeNull();

      // A teacher's link works for the same pupil.
      const club = (await t.request({ createChat: { title: 'Кружок' } })).chat!.chatId!;
      const teachers = (await t.request({ createInvite: { chatId: club } })).invite!;
      const ok = await child.request({ joinByInvite: { code: teachers.code } });
      expect(ok.chat!.chatId).toBe(club);
    } finally {
      for (const c of [parent, child, t]) c.close();
    }
  });
});
