// Counts what people do from events the server already has: every message
// of the chat feed (heard on every host, after the messenger committed it)
// and every lesson the attendance part saw end. The feed's listener only
// notes (chat, seq, author, time) in memory; a timer writes the notes in
// batches, one transaction per chat, off the send path. Hosts hearing the
// same messages do not count them twice (ActivityStore.countMessages).
import type { Logger } from '../common/log.js';
import type { FeedEvent } from '../messaging/bus.js';
import type { ChatKindName, StoredChat, StoredUser } from '../messaging/records.js';
import type { ActivityStore, CountedMessage } from './store.js';
import { weekOf } from './weeks.js';

/** A lesson that ended, as the attendance part tells it. */
export interface LessonHeld {
  id: string;
  school: string;
  startedAt: number;
  endedAt: number;
  people: { person: string; led: boolean; guest: boolean; seconds: number }[];
}

export interface CounterDeps {
  store: ActivityStore;
  chat(chatId: string): Promise<StoredChat | null>;
  users(ids: string[]): Promise<Map<string, StoredUser>>;
  now: () => number;
  log: Logger;
  /** How often the notes are written (ms). */
  everyMs?: number;
}

interface Heard {
  seq: number;
  from: string;
  at: number;
  /** A person's own message (not a system note, call card or deleted one). */
  counts: boolean;
}

/** Only messages in these chats count as "group chat" messages. */
const GROUP: ReadonlySet<ChatKindName> = new Set(['group']);
const KINDS_KEPT = 5000;
/** Notes past this many are dropped (counted in the log): the database is away for long. */
const MAX_NOTES = 200_000;

export class ActivityCounter {
  private notes = new Map<string, Heard[]>();
  private noted = 0;
  private readonly kinds = new Map<string, ChatKindName | null>();
  private writing: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly d: CounterDeps) {
    this.timer = setInterval(() => void this.flush(), d.everyMs ?? 2000);
    this.timer.unref();
  }

  /** The feed's listener: cheap, synchronous, no I/O. */
  onEvent(e: FeedEvent): void {
    if (e.t !== 'm') return;
    if (this.noted >= MAX_NOTES) return;
    const r = e.r;
    const counts = (r.kind === 'text' || r.kind === 'poll') && !r.deleted && !r.pending && r.from !== '';
    let list = this.notes.get(e.c);
    if (!list) {
      list = [];
      this.notes.set(e.c, list);
    }
    list.push({ seq: r.seq, from: r.from, at: r.at, counts });
    this.noted++;
  }

  /** Writes what was heard so far; resolves when it is written (tests, shutdown). */
  flush(): Promise<void> {
    this.writing = this.writing
      .then(() => this.write())
      .catch((err: unknown) => {
        this.d.log.error({ err }, 'activity not written');
      });
    return this.writing;
  }

  close(): Promise<void> {
    clearInterval(this.timer);
    return this.flush();
  }

  /** A lesson ended (once per lesson, whichever host saw it). */
  async lessonEnded(l: LessonHeld): Promise<void> {
    const people = l.people.filter((p) => !p.guest);
    const schools = await this.d.users(people.map((p) => p.person));
    const host = people.find((p) => p.led);
    const school = (host && schools.get(host.person)?.school) || l.school;
    if (!school) return;
    await this.d.store.countLesson(
      {
        id: l.id,
        school,
        week: weekOf(l.startedAt),
        seconds: Math.max(0, Math.round((l.endedAt - l.startedAt) / 1000)),
        people: people.flatMap((p) => {
          const s = schools.get(p.person)?.school;
          return s ? [{ person: p.person, school: s, led: p.led, seconds: p.seconds }] : [];
        }),
      },
      this.d.now(),
    );
  }

  private async write(): Promise<void> {
    if (this.notes.size === 0) return;
    const batch = this.notes;
    this.notes = new Map();
    this.noted = 0;
    const authors = new Set<string>();
    for (const list of batch.values()) for (const h of list) if (h.counts) authors.add(h.from);
    const users = await this.d.users([...authors]);
    for (const [chatId, list] of batch) {
      const kind = await this.kindOf(chatId);
      const upTo = Math.max(...list.map((h) => h.seq));
      const counted: CountedMessage[] = [];
      if (kind && GROUP.has(kind)) {
        const seen = new Set<number>();
        for (const h of list) {
          const school = users.get(h.from)?.school;
          if (!h.counts || !school || seen.has(h.seq)) continue;
          seen.add(h.seq);
          counted.push({ seq: h.seq, person: h.from, school, week: weekOf(h.at) });
        }
      }
      await this.d.store.countMessages(chatId, upTo, counted);
    }
  }

  private async kindOf(chatId: string): Promise<ChatKindName | null> {
    if (this.kinds.has(chatId)) return this.kinds.get(chatId) ?? null;
    const kind = (await this.d.chat(chatId))?.kind ?? null;
    if (this.kinds.size >= KINDS_KEPT) this.kinds.delete(this.kinds.keys().next().value!);
    this.kinds.set(chatId, kind);
    return kind;
  }
}
