// «Итоги урока»: the recap card posted to the class chat when a lesson ends,
// and the lesson's page as one person may see it. Who sees what follows the
// school's rules: the page is for the lesson's people and the class chat's
// members; who came (attendance) only for the lesson's hosts, the class
// chat's teachers and the school's admins; the chat log as the messenger's
// read rule lets the asker read the lesson chat (messages.history).
import { schoolcall } from '../common/protocol/generated/protocol.js';
import { ChatError, ChatErrorCode, forbidden, invalid } from '../messaging/errors.js';
import { lessonChatId } from '../messaging/lesson/lessonChats.js';
import type { Messenger } from '../messaging/messenger.js';
import { type Caller, isChatAdmin } from '../messaging/permissions.js';
import type { LessonFiles, LessonSpan } from './lessonFiles.js';
import type { AttendanceStore, AttendeeRow, LessonRow } from './store.js';

import cpb = schoolcall.chat.v1;

const ID = /^[A-Za-z0-9_.-]{1,64}$/;
/** A transcript's or saved board's name (transcriber/ and whiteboard/ make them from times and ids). */
const FILE_NAME = /^[A-Za-z0-9_.:-]{1,120}$/;
const CHAT_LOG_MAX = 100;
/** Boards are saved as the call closes, a little after the lesson's end. */
const BOARD_SAVE_MARGIN_MS = 2 * 60_000;
const FILE_KINDS = new Set([
  cpb.LessonFileKind.LESSON_FILE_KIND_TRANSCRIPT_TXT,
  cpb.LessonFileKind.LESSON_FILE_KIND_TRANSCRIPT_VTT,
  cpb.LessonFileKind.LESSON_FILE_KIND_BOARD,
]);

/** Posts the lesson's card to its class chat (once: the message's client id is the lesson's). */
export async function postRecap(messenger: Messenger, lesson: LessonRow): Promise<void> {
  if (!lesson.classChat || lesson.endedAt === null) return;
  await messenger.messageStore.append(lesson.classChat, '', `recap-${lesson.id}`, {
    kind: 'text',
    from: '',
    name: '',
    // What a client that does not know the card shows (and the push says).
    text: `Итоги урока: ${lesson.title}`,
    recap: { lesson: lesson.id, title: lesson.title, from: lesson.startedAt, to: lesson.endedAt },
  });
}

/** Posts «Запись урока» to the class chat when the teacher shares the recording (once per lesson). */
async function postRecordingShared(messenger: Messenger, lesson: LessonRow): Promise<void> {
  if (!lesson.classChat || lesson.endedAt === null) return;
  await messenger.messageStore.append(lesson.classChat, '', `recording-${lesson.id}`, {
    kind: 'text',
    from: '',
    name: '',
    text: `Запись урока: ${lesson.title}`,
    recap: { lesson: lesson.id, title: lesson.title, from: lesson.startedAt, to: lesson.endedAt, rec: true },
  });
}

const notFound = () => new ChatError(ChatErrorCode.CHAT_ERROR_CHAT_NOT_FOUND, 'no such lesson');

type Sight = 'all' | 'page' | 'nothing';

export class RecapPages {
  constructor(
    private readonly store: AttendanceStore,
    private readonly messenger: Messenger,
    private readonly files: LessonFiles,
    private readonly now: () => number = Date.now,
  ) {}

  /** The lesson and what the caller sees of it; refuses (before anything changes) what they may not. */
  private async open(caller: Caller, lessonId: string, roomId = ''): Promise<[LessonRow, Sight]> {
    if (caller.guest) throw forbidden('guests have no lesson pages');
    if ((lessonId && !ID.test(lessonId)) || (roomId && !ID.test(roomId)) || (!lessonId && !roomId)) {
      throw invalid('lesson_id or room_id');
    }
    const lesson = lessonId ? await this.store.lesson(lessonId) : await this.store.latestOfRoom(roomId);
    if (!lesson) throw notFound();
    const sees = await this.sight(caller, lesson);
    // Someone the school's rules do not let in learns nothing, not even that the lesson exists.
    if (sees === 'nothing') throw notFound();
    return [lesson, sees];
  }

  /** The recording, transcript and board: the teachers and staff always, the class once shared. */
  private static filesShown(lesson: LessonRow, sees: Sight): boolean {
    return sees === 'all' || (sees === 'page' && lesson.recordingShared);
  }

  private span(lesson: LessonRow): LessonSpan {
    return { roomId: lesson.roomId, from: lesson.startedAt, to: lesson.endedAt ?? this.now() };
  }

  async view(caller: Caller, req: cpb.IGetLessonRecapRequest): Promise<cpb.ILessonRecapPage> {
    const [lesson, sees] = await this.open(caller, req.lessonId ?? '', req.roomId ?? '');
    return this.page(caller, lesson, sees);
  }

  /** «Поделиться записью с классом»: sharing posts «Запись урока» to the class chat (once). */
  async share(caller: Caller, req: cpb.IShareLessonRecordingRequest): Promise<cpb.ILessonRecapPage> {
    const [lesson, sees] = await this.open(caller, req.lessonId ?? '');
    if (sees !== 'all')
      throw forbidden('only the lesson’s teachers and the school’s staff share its recording');
    const shared = req.shared === true;
    await this.store.shareRecording(lesson.id, shared);
    const now = { ...lesson, recordingShared: shared };
    if (shared) await postRecordingShared(this.messenger, now);
    return this.page(caller, now, sees);
  }

  /** A transcript (.txt, .vtt) or a saved board of the lesson, under the page's file rule. */
  async file(caller: Caller, req: cpb.IGetLessonFileRequest): Promise<cpb.ILessonFile> {
    const kind = req.kind ?? 0;
    const name = req.name ?? '';
    if (!FILE_KINDS.has(kind)) throw invalid('kind');
    if (!FILE_NAME.test(name)) throw invalid('name');
    const [lesson, sees] = await this.open(caller, req.lessonId ?? '');
    if (!RecapPages.filesShown(lesson, sees))
      throw forbidden('the teacher has not shared this lesson’s recording');
    const span = this.span(lesson);
    const noFile = () => new ChatError(ChatErrorCode.CHAT_ERROR_CHAT_NOT_FOUND, 'no such file');
    if (kind === cpb.LessonFileKind.LESSON_FILE_KIND_BOARD) {
      // Only a board of this lesson, not another lesson's of the same room.
      if (!(await this.boards(span)).includes(name)) throw noFile();
      const data = await this.files.board(lesson.roomId, name);
      if (!data) throw noFile();
      return { kind, name, data };
    }
    if (!(await this.files.transcripts(span)).includes(name)) throw noFile();
    const vtt = kind === cpb.LessonFileKind.LESSON_FILE_KIND_TRANSCRIPT_VTT;
    const text = await this.files.transcript(lesson.roomId, name, vtt ? 'vtt' : 'txt');
    if (text === null) throw noFile();
    return { kind, name, data: Buffer.from(text, 'utf8') };
  }

  private boards(span: LessonSpan): Promise<string[]> {
    return this.files.boards({ ...span, to: span.to + BOARD_SAVE_MARGIN_MS });
  }

  private async page(caller: Caller, lesson: LessonRow, sees: Sight): Promise<cpb.ILessonRecapPage> {
    const shown = RecapPages.filesShown(lesson, sees);
    const span = this.span(lesson);
    const [recordings, transcripts, boards] = shown
      ? await Promise.all([this.files.recordings(span), this.files.transcripts(span), this.boards(span)])
      : [[], [], []];
    return {
      lesson: {
        lessonId: lesson.id,
        title: lesson.title,
        startedAt: lesson.startedAt,
        endedAt: lesson.endedAt ?? 0,
      },
      chatId: lesson.classChat,
      ended: lesson.endedAt !== null,
      chatLog: await this.chatLog(caller, lesson),
      attendanceShown: sees === 'all',
      attendance: sees === 'all' ? (await this.store.attendees(lesson.id)).map(toWire) : [],
      recordings,
      transcripts,
      boards,
      recordingShared: lesson.recordingShared,
      mayShare: sees === 'all',
    };
  }

  /** 'all' with attendance; 'page' without; 'nothing'. */
  private async sight(caller: Caller, lesson: LessonRow): Promise<Sight> {
    const user = caller.user;
    if (user.role === 'admin' && lesson.school !== '' && user.school === lesson.school) return 'all';
    const me = await this.store.attendee(lesson.id, user.id);
    if (me && !me.guest && me.role <= cpb.LessonRole.LESSON_ROLE_CO_HOST) return 'all';
    const member = lesson.classChat ? await this.messenger.chatStore.member(lesson.classChat, user.id) : null;
    if (member && isChatAdmin(member.role) && (user.role === 'teacher' || user.role === 'admin'))
      return 'all';
    return member || (me && !me.guest) ? 'page' : 'nothing';
  }

  /** The lesson's messages as the caller may read the lesson chat (none if they may not). */
  private async chatLog(caller: Caller, lesson: LessonRow): Promise<cpb.IChatMessage[]> {
    const last = lesson.lastSeq ?? Number.MAX_SAFE_INTEGER;
    if (last < lesson.firstSeq) return [];
    try {
      const page = await this.messenger.messages.history(caller, {
        chatId: lessonChatId(lesson.roomId),
        fromSeq: lesson.firstSeq,
        limit: CHAT_LOG_MAX,
      });
      return (page.messages ?? []).filter((m) => (m.seq ?? 0) <= last && !m.deleted);
    } catch (err) {
      if (err instanceof ChatError) return [];
      throw err;
    }
  }
}

function toWire(a: AttendeeRow): cpb.ILessonAttendee {
  return {
    userId: a.userId,
    name: a.name,
    role: a.role,
    guest: a.guest,
    firstJoinedAt: a.firstJoinedAt,
    lastLeftAt: a.lastLeftAt ?? 0,
    seconds: a.seconds,
    visits: a.visits,
    handsRaised: a.hands,
    messages: a.messages,
    pollAnswers: a.pollAnswers,
  };
}
