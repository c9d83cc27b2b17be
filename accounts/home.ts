// What a signed-in person's home shows: their chats (with unread counts),
// their lessons and meetings (the class meetings announced in their
// classes' chats, next occurrence first), and, for pupils and parents, the
// class teachers with their verified mark. Read from the messenger and the
// directory; nothing here is stored.
import type { ClassMeetings } from '../directory/classMeetings.js';
import type { Messenger } from '../messaging/messenger.js';
import { type Meeting, occurrences } from '../signaling/domain/meetings.js';
import type { AccountStore } from './model.js';
import type { People, SignedInPerson } from './people.js';

export interface HomeChat {
  id: string;
  title: string;
  kind: string;
  unread: number;
}

export interface HomeLesson {
  roomId: string;
  title: string;
  /** The next occurrence (or the current one, while it lasts). */
  startsAt: string;
  durationMinutes: number;
  className: string;
  audience: 'class' | 'parents';
  /** Where its invitation is: the call token is asked for with these. Absent: shown, not joinable. */
  chatId?: string;
  seq?: number;
}

export interface HomeTeacher {
  id: string;
  name: string;
  className: string;
  verified: boolean;
}

export interface HomeData {
  chats: HomeChat[];
  lessons: HomeLesson[];
  teachers: HomeTeacher[];
}

const MAX_CHATS = 200;

export class Home {
  constructor(
    private readonly d: {
      messenger: Messenger;
      classMeetings: ClassMeetings;
      meetings: () => Meeting[];
      people: People;
      store: AccountStore;
    },
  ) {}

  async of(person: SignedInPerson): Promise<HomeData> {
    const [chats, lessons, teachers] = await Promise.all([
      this.chats(person),
      this.lessons(person),
      this.teachers(person),
    ]);
    return { chats, lessons, teachers };
  }

  private async chats(person: SignedInPerson): Promise<HomeChat[]> {
    const { chatStore } = this.d.messenger;
    const ids = (await chatStore.userChatIds(person.id)).slice(0, MAX_CHATS);
    const summaries = await chatStore.summaries(ids, person.id);
    return summaries
      .map((s) => ({
        id: s.chat.id,
        title: s.chat.title,
        kind: s.chat.kind,
        unread: s.unread,
        at: s.chat.seq,
      }))
      .sort((a, b) => b.unread - a.unread || a.title.localeCompare(b.title, 'ru'))
      .map(({ at: _, ...c }) => c);
  }

  private async lessons(person: SignedInPerson): Promise<HomeLesson[]> {
    const mine = new Set(person.classes.map((c) => c.id));
    const className = new Map(person.classes.map((c) => [c.id, c.name]));
    const all = this.d.meetings();
    const targets = await this.d.classMeetings.targetOf(all.map((m) => m.roomId));
    const now = Date.now();
    const out: HomeLesson[] = [];
    all.forEach((m, i) => {
      const t = targets[i];
      if (!t || t.schoolId !== person.schoolId || !mine.has(t.classId)) return;
      // Pupils see their class's lessons; parents their meetings and (not joinable) their children's lessons.
      if (person.role === 'student' && t.audience !== 'class') return;
      const next = occurrences(m).find((at) => at.getTime() + m.durationMinutes * 60_000 > now);
      if (!next) return;
      const joinable = person.role !== 'parent' || t.audience === 'parents';
      out.push({
        roomId: m.roomId,
        title: m.title,
        startsAt: next.toISOString(),
        durationMinutes: m.durationMinutes,
        className: className.get(t.classId) ?? t.classId,
        audience: t.audience,
        ...(joinable && t.seq !== undefined ? { chatId: t.chatId, seq: t.seq } : {}),
      });
    });
    return out.sort((a, b) => a.startsAt.localeCompare(b.startsAt)).slice(0, 50);
  }

  /** Class teachers of a pupil's or a parent's classes, with the mark pupils and parents see. */
  private async teachers(person: SignedInPerson): Promise<HomeTeacher[]> {
    if (person.role !== 'student' && person.role !== 'parent') return [];
    const d = await this.d.people.school(person.schoolId);
    if (!d) return [];
    const verified = await this.d.store.verified(person.schoolId);
    const mine = new Set(person.classes.map((c) => c.id));
    const out: HomeTeacher[] = [];
    for (const c of d.classes) {
      if (!mine.has(c.id) || !c.teacher) continue;
      const t = d.teachers.find((x) => x.id === c.teacher);
      if (t) out.push({ id: t.id, name: t.name, className: c.name, verified: verified.has(t.id) });
    }
    return out;
  }
}
