// One's own organisation of the messenger against a real server and Redis:
// folders of one's own chats, pinned chats, "Saved messages" and quiet hours.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isQuiet } from '../../messaging/prefs.js';
import { type ChatTestServer, cpb, startChatServer } from '../helpers/chatServer.js';

let s: ChatTestServer;
const teacher = { userId: 'ot', displayName: 'Ольга Тихонова', sortName: 'Тихонова Ольга' };
const other = { userId: 'oo', displayName: 'Олег Осипов', sortName: 'Осипов Олег' };

beforeAll(async () => {
  s = await startChatServer();
  await s.token(other);
});
afterAll(async () => {
  await s.stop();
});

describe('folders, pins, saved messages, quiet hours', () => {
  it('folders hold one’s own chats only; pins keep their order; both survive a reconnect', async () => {
    const t = await s.client(teacher);
    const ids: string[] = [];
    for (const title of ['5А', '5А · родители', 'Учительская']) {
      ids.push((await t.request({ createChat: { title, members: [other.userId] } })).chat!.chatId!);
    }
    const o = await s.client(other);
    const foreign = (await o.request({ createChat: { title: 'Не твой' } })).chat!.chatId!;
    await expect(
      t.request({ setFolders: { folders: [{ name: 'Классы', chatIds: [ids[0]!, foreign] }] } }),
    ).rejects.toMatchObject({ code: cpb.ChatErrorCode.CHAT_ERROR_INVALID_ARGUMENT });
    await t.request({
      setFolders: {
        folders: [
          { id: 'classes', name: 'Классы', chatIds: [ids[0]!, ids[1]!] },
          { id: 'work', name: 'Работа', chatIds: [ids[2]!] },
        ],
      },
    });
    await t.request({ pinChat: { chatId: ids[2], pinned: true } });
    await t.request({ pinChat: { chatId: ids[0], pinned: true } });
    t.close();
    const again = await s.client(teacher);
    const { prefs } = await again.request({ getPrefs: {} });
    expect(prefs!.folders!.map((f) => [f.name, f.chatIds])).toEqual([
      ['Классы', [ids[0], ids[1]]],
      ['Работа', [ids[2]]],
    ]);
    expect(prefs!.pinnedChats).toEqual([ids[0], ids[2]]);
    const unpinned = await again.request({ pinChat: { chatId: ids[2], pinned: false } });
    expect(unpinned.prefs!.pinnedChats).toEqual([ids[0]]);
    again.close();
    o.close();
  });

  it('two folders with one id are refused, typed, and the saved folders stay (attack 6, 4a)', async () => {
    const t = await s.client(teacher);
    const id = (await t.request({ createChat: { title: 'Кружок', members: [other.userId] } })).chat!.chatId!;
    await t.request({ setFolders: { folders: [{ id: 'mine', name: 'Мои', chatIds: [id] }] } });
    for (const folders of [
      [
        { id: 'f', name: 'Один', chatIds: [id] },
        { id: 'f', name: 'Два', chatIds: [] },
      ],
      // A bad id falls back to its place (f2), which another folder already has.
      [
        { id: 'f2', name: 'Один', chatIds: [] },
        { id: '../x', name: 'Два', chatIds: [] },
      ],
    ]) {
      await expect(t.request({ setFolders: { folders } })).rejects.toMatchObject({
        code: cpb.ChatErrorCode.CHAT_ERROR_INVALID_ARGUMENT,
      });
    }
    const { prefs } = await t.request({ getPrefs: {} });
    expect(prefs!.folders!.map((f) => [f.id, f.name])).toEqual([['mine', 'Мои']]);
    t.close();
  });

  it('one’s archive holds one’s own chats only, survives a reconnect, and lets them back', async () => {
    const t = await s.client(teacher);
    const a = (await t.request({ createChat: { title: 'Кружок 2023', members: [other.userId] } })).chat!
      .chatId!;
    const b = (await t.request({ createChat: { title: 'Экскурсия', members: [other.userId] } })).chat!
      .chatId!;
    const o = await s.client(other);
    const foreign = (await o.request({ createChat: { title: 'Чужой' } })).chat!.chatId!;
    await expect(t.request({ archiveChat: { chatId: foreign, archived: true } })).rejects.toMatchObject({
      code: cpb.ChatErrorCode.CHAT_ERROR_INVALID_ARGUMENT,
    });
    await t.request({ archiveChat: { chatId: a, archived: true } });
    await t.request({ archiveChat: { chatId: b, archived: true } });
    await t.request({ archiveChat: { chatId: a, archived: true } });
    t.close();
    const again = await s.client(teacher);
    expect((await again.request({ getPrefs: {} })).prefs!.archivedChats).toEqual([a, b]);
    // Only hers: the other member's list is untouched.
    expect((await o.request({ getPrefs: {} })).prefs!.archivedChats ?? []).toEqual([]);
    const back = await again.request({ archiveChat: { chatId: a, archived: false } });
    expect(back.prefs!.archivedChats).toEqual([b]);
    again.close();
    o.close();
  });

  it('"Saved messages" is a chat with oneself, the same one every time', async () => {
    const t = await s.client(teacher);
    const first = await t.request({ openSavedMessages: {} });
    await t.send(first.chat!.chatId!, 'Не забыть: журнал до пятницы');
    const second = await t.request({ openSavedMessages: {} });
    expect(second.chat!.chatId).toBe(first.chat!.chatId);
    expect(second.chat!.memberCount).toBe(1);
    expect((await t.request({ getPrefs: {} })).prefs!.savedChatId).toBe(first.chat!.chatId);
    t.close();
  });

  it('quiet hours: set, checked across midnight, refused when malformed, turned off', async () => {
    const t = await s.client(teacher);
    const now = new Date();
    const hh = (h: number) => `${String((h + 24) % 24).padStart(2, '0')}:00`;
    const h = now.getUTCHours();
    const on = await t.request({
      setQuietHours: { quietHours: { from: hh(h), to: hh(h + 1), timeZone: 'UTC' } },
    });
    expect(on.prefs!.quietNow).toBe(true);
    const off = await t.request({
      setQuietHours: { quietHours: { from: hh(h + 2), to: hh(h + 3), timeZone: 'UTC' } },
    });
    expect(off.prefs!.quietNow).toBe(false);
    expect(isQuiet({ from: '21:00', to: '08:00', tz: 'UTC' }, Date.UTC(2026, 0, 1, 23, 30))).toBe(true);
    expect(isQuiet({ from: '21:00', to: '08:00', tz: 'UTC' }, Date.UTC(2026, 0, 1, 7, 59))).toBe(true);
    expect(isQuiet({ from: '21:00', to: '08:00', tz: 'UTC' }, Date.UTC(2026, 0, 1, 12, 0))).toBe(false);
    await expect(
      t.request({ setQuietHours: { quietHours: { from: '25:00', to: '08:00' } } }),
    ).rejects.toMatchObject({ code: cpb.ChatErrorCode.CHAT_ERROR_INVALID_ARGUMENT });
    // Someone who shares a chat with the teacher is told; a stranger is not.
    await t.request({ setQuietHours: { quietHours: { from: hh(h), to: hh(h + 1), timeZone: 'UTC' } } });
    await t.request({ openDirectChat: { userId: other.userId } });
    const o = await s.client(other);
    const told = await o.request({ getQuiet: { userId: teacher.userId } });
    expect(told.quiet).toMatchObject({ quietNow: true, until: hh(h + 1), timeZone: 'UTC' });
    const stranger = await s.client({ userId: 'os', displayName: 'Посторонний' });
    await expect(stranger.request({ getQuiet: { userId: teacher.userId } })).rejects.toMatchObject({
      code: cpb.ChatErrorCode.CHAT_ERROR_USER_NOT_FOUND,
    });
    o.close();
    stranger.close();
    const none = await t.request({ setQuietHours: { quietHours: {} } });
    expect(none.prefs!.quietHours).toBeFalsy();
    expect(none.prefs!.quietNow).toBe(false);
    t.close();
  });
});
