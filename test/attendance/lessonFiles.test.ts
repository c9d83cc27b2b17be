// What a lesson left, on its page (#24), through the real server (call and
// messenger sockets, PostgreSQL, Redis, the GStreamer recorder, the
// transcriber's own transcript writer): the teacher always gets the
// recording's signed link (it plays: the file downloads) and the transcript
// (.txt and .vtt); a pupil of the class gets neither until the teacher
// shares the recording, which posts «Запись урока» to the class chat once;
// unsharing hides it again. Bad input to get_lesson_recap, get_lesson_file
// and share_lesson_recording gets a typed error, is counted, changes nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryStorage } from '../../common/storage/directoryStorage.js';
import { Transcript } from '../../transcriber/transcript.js';
import { type ChatTestServer, type TestChatClient, cpb, startChatServer } from '../helpers/chatServer.js';
import { TestClient } from '../helpers/protocolClient.js';

let s: ChatTestServer;
const dir = mkdtempSync(join(tmpdir(), 'lesson-files-'));
const teacher = { userId: 'lf-t', displayName: 'Анна Сергеевна Котова', role: 'teacher' as const };
const pupil = { userId: 'lf-p', displayName: 'Петя Иванов', role: 'student' as const };
const otherAdmin = {
  userId: 'lf-o',
  displayName: 'Завуч Другой',
  role: 'admin' as const,
  schoolId: 'school-2',
};
const clients: { close(): void }[] = [];

beforeAll(async () => {
  s = await startChatServer({ RECORDINGS_DIR: dir, TRANSCRIPT_DIR: dir });
});
afterAll(async () => {
  for (const c of clients) c.close();
  await s?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function chat(p: { userId: string; displayName: string }): Promise<TestChatClient> {
  const c = await s.client(p);
  clients.push(c);
  return c;
}

async function enterCall(api: TestChatClient, chatId: string, seq: number): Promise<TestClient> {
  const link = (await api.request({ joinCall: { chatId, seq } })).call!;
  const token = new URLSearchParams(new URL(link.joinUrl!).hash.slice(1)).get('token')!;
  const c = await TestClient.connect(s.server.wsUrl);
  clients.push(c);
  await c.request({ join: { roomId: link.roomId!, token } });
  return c;
}

const code = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (err: { code?: number }) => err.code,
  );

const cards = async (api: TestChatClient, chatId: string) =>
  ((await api.request({ getHistory: { chatId } })).page!.messages ?? []).filter((m) => m.recap);

describe('the lesson page offers what the lesson left', () => {
  let t: TestChatClient;
  let p: TestChatClient;
  let chatId: string;
  let lessonId: string;
  let transcriptName: string;

  beforeAll(async () => {
    t = await chat(teacher);
    p = await chat(pupil);
    chatId = (await t.request({ createChat: { title: '8В класс', members: [pupil.userId] } })).chat!.chatId!;
    const started = await t.request({ startCall: { chatId, title: 'История' } });
    const roomId = started.call!.roomId!;
    const seq = (await t.request({ getHistory: { chatId } })).page!.messages!.find((m) => m.call)!.seq!;
    const host = await enterCall(t, chatId, seq);
    await enterCall(p, chatId, seq);
    const rec = await host.request({ startRecording: {} });
    expect(rec.recordingStarted?.status).toBe(1);
    // The transcriber writes its files when subtitles stop; the same writer, a line spoken now.
    const transcript = new Transcript(roomId, Date.now());
    transcript.add({
      participantId: 'x',
      speaker: teacher.displayName,
      startMs: Date.now(),
      endMs: Date.now() + 900,
      text: 'Открываем параграф пять',
    });
    await new Promise((r) => setTimeout(r, 3000));
    const stopped = await host.request({ stopRecording: {} });
    expect(stopped.recordingStopped?.recordingId).toBeTruthy();
    transcriptName = new Date(transcript.startedAtMs)
      .toISOString()
      .replace(/:/g, '-')
      .replace(/\.\d+Z$/, 'Z');
    await transcript.write(new DirectoryStorage(dir), transcriptName, 'История');
    await host.request({ endCall: {} });
    for (let i = 0; i < 150 && (await cards(t, chatId)).length === 0; i++)
      await new Promise((r) => setTimeout(r, 100));
    lessonId = (await cards(t, chatId))[0]!.recap!.lessonId!;
  }, 120_000);

  it('gives the teacher the recording, its link and the transcript; the pupil nothing until shared', async () => {
    const page = (await t.request({ getLessonRecap: { lessonId } })).lessonRecap!;
    expect(page.mayShare).toBe(true);
    expect(page.recordingShared).toBe(false);
    expect(page.recordings).toHaveLength(1);
    const link = page.recordings![0]!;
    expect(link.durationSeconds).toBeGreaterThan(0);
    const file = await fetch(link.url!, { headers: { range: 'bytes=0-15' } });
    expect(file.status).toBe(206);
    expect(
      Buffer.from(await file.arrayBuffer())
        .subarray(4, 8)
        .toString(),
    ).toBe('ftyp');
    expect(page.transcripts).toEqual([transcriptName]);
    const txt = (await t.request({ getLessonFile: { lessonId, kind: 1, name: transcriptName } })).lessonFile!;
    expect(Buffer.from(txt.data!).toString()).toContain('Открываем параграф пять');
    const vtt = (await t.request({ getLessonFile: { lessonId, kind: 2, name: transcriptName } })).lessonFile!;
    expect(Buffer.from(vtt.data!).toString()).toMatch(/^WEBVTT/);

    const kid = (await p.request({ getLessonRecap: { lessonId } })).lessonRecap!;
    expect(kid.mayShare).toBe(false);
    expect(kid.recordings).toEqual([]);
    expect(kid.transcripts).toEqual([]);
    expect(await code(p.request({ getLessonFile: { lessonId, kind: 1, name: transcriptName } }))).toBe(
      cpb.ChatErrorCode.CHAT_ERROR_FORBIDDEN,
    );
    // The pupil cannot share it themselves (the server does not ask the client who they are).
    const denied = await s.rejected('forbidden');
    expect(await code(p.request({ shareLessonRecording: { lessonId, shared: true } }))).toBe(
      cpb.ChatErrorCode.CHAT_ERROR_FORBIDDEN,
    );
    expect(await s.rejected('forbidden')).toBe(denied + 1);
    expect((await t.request({ getLessonRecap: { lessonId } })).lessonRecap!.recordingShared).toBe(false);

    // Shared: the class chat gets «Запись урока» once (sharing twice posts nothing more).
    const shared = (await t.request({ shareLessonRecording: { lessonId, shared: true } })).lessonRecap!;
    expect(shared.recordingShared).toBe(true);
    await t.request({ shareLessonRecording: { lessonId, shared: true } });
    const posted = (await cards(p, chatId)).filter((m) => m.recap!.recording);
    expect(posted).toHaveLength(1);
    expect(posted[0]!.recap!.lessonId).toBe(lessonId);
    const now = (await p.request({ getLessonRecap: { lessonId } })).lessonRecap!;
    expect(now.recordings).toHaveLength(1);
    expect((await fetch(now.recordings![0]!.url!, { headers: { range: 'bytes=0-15' } })).status).toBe(206);
    const kidTxt = (await p.request({ getLessonFile: { lessonId, kind: 1, name: transcriptName } }))
      .lessonFile!;
    expect(Buffer.from(kidTxt.data!).toString()).toContain('Открываем параграф пять');

    // Unshared again: hidden from the class.
    await t.request({ shareLessonRecording: { lessonId, shared: false } });
    expect((await p.request({ getLessonRecap: { lessonId } })).lessonRecap!.recordings).toEqual([]);
  });

  it('refuses bad input with a typed error, counts it and changes nothing', async () => {
    const before = (await t.request({ getLessonRecap: { lessonId } })).lessonRecap!;
    const cardsBefore = (await cards(t, chatId)).length;
    const cases: [string, () => Promise<unknown>, number][] = [
      [
        'malformed id',
        () => t.request({ getLessonRecap: { lessonId: '../etc' } }),
        cpb.ChatErrorCode.CHAT_ERROR_INVALID_ARGUMENT,
      ],
      ['no id', () => t.request({ getLessonRecap: {} }), cpb.ChatErrorCode.CHAT_ERROR_INVALID_ARGUMENT],
      [
        'unknown id',
        () => t.request({ getLessonRecap: { lessonId: 'nosuchlesson' } }),
        cpb.ChatErrorCode.CHAT_ERROR_CHAT_NOT_FOUND,
      ],
      [
        'unknown kind',
        () => t.request({ getLessonFile: { lessonId, kind: 9 as cpb.LessonFileKind, name: transcriptName } }),
        cpb.ChatErrorCode.CHAT_ERROR_INVALID_ARGUMENT,
      ],
      [
        'a path as a name',
        () => t.request({ getLessonFile: { lessonId, kind: 1, name: '../../etc/passwd' } }),
        cpb.ChatErrorCode.CHAT_ERROR_INVALID_ARGUMENT,
      ],
      [
        'a name not of this lesson',
        () => t.request({ getLessonFile: { lessonId, kind: 1, name: '2020-01-01T00-00-00Z' } }),
        cpb.ChatErrorCode.CHAT_ERROR_CHAT_NOT_FOUND,
      ],
      [
        'a board not of this lesson',
        () => t.request({ getLessonFile: { lessonId, kind: 3, name: '1' } }),
        cpb.ChatErrorCode.CHAT_ERROR_CHAT_NOT_FOUND,
      ],
      [
        'share an unknown lesson',
        () => t.request({ shareLessonRecording: { lessonId: 'nosuchlesson', shared: true } }),
        cpb.ChatErrorCode.CHAT_ERROR_CHAT_NOT_FOUND,
      ],
    ];
    for (const [what, ask, want] of cases) {
      const reason = cpb.ChatErrorCode[want]!.replace('CHAT_ERROR_', '').toLowerCase();
      const counted = await s.rejected(reason);
      expect(await code(ask()), what).toBe(want);
      expect(await s.rejected(reason), what).toBe(counted + 1);
    }
    // Another school's admin: the same answer as an unknown lesson, for the page, its files and the switch.
    const other = await chat(otherAdmin);
    for (const ask of [
      () => other.request({ getLessonRecap: { lessonId } }),
      () => other.request({ getLessonFile: { lessonId, kind: 1, name: transcriptName } }),
      () => other.request({ shareLessonRecording: { lessonId, shared: true } }),
    ]) {
      expect(await code(ask())).toBe(cpb.ChatErrorCode.CHAT_ERROR_CHAT_NOT_FOUND);
    }
    const after = (await t.request({ getLessonRecap: { lessonId } })).lessonRecap!;
    expect(after.recordingShared).toBe(before.recordingShared);
    expect(after.recordings!.map((r) => r.id)).toEqual(before.recordings!.map((r) => r.id));
    expect((await cards(t, chatId)).length).toBe(cardsBefore);
  });
});
