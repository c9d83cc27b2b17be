// The activity part's tables (schema `activity`): counts per person-week,
// school-week and group-chat-week, written in batches; the regions and who
// administers them. Nothing here holds a message's text.
import { type Postgres, inTransaction } from '../common/postgres/connect.js';

/** One counted message: who wrote it in which school's week (no content). */
export interface CountedMessage {
  seq: number;
  person: string;
  school: string;
  week: string;
}

export interface CountedLesson {
  id: string;
  /** The school it is counted for (its host's). */
  school: string;
  week: string;
  seconds: number;
  people: { person: string; school: string; led: boolean; seconds: number }[];
}

export interface PersonWeekRow {
  week: string;
  person: string;
  groupMessages: number;
  callsJoined: number;
  callsLed: number;
  callSeconds: number;
}

export interface SchoolWeekRow {
  week: string;
  lessons: number;
  lessonSeconds: number;
  /** Group chats with at least one message that week. */
  chats: number;
}

export interface Region {
  id: string;
  name: string;
  schools: string[];
}

const day = (d: Date | string) => (typeof d === 'string' ? d : d.toISOString().slice(0, 10));

export class ActivityStore {
  constructor(private readonly db: Postgres) {}

  /**
   * Counts a chat's messages past its mark and moves the mark to `upTo`
   * (messages this host heard but does not count, e.g. system notes, move it
   * too). Hosts that heard the same messages find them behind the mark.
   */
  async countMessages(chatId: string, upTo: number, messages: CountedMessage[]): Promise<number> {
    return inTransaction(this.db, async (c) => {
      await c.query('INSERT INTO activity.chat_mark (chat_id, seq) VALUES ($1, 0) ON CONFLICT DO NOTHING', [
        chatId,
      ]);
      const mark = (
        await c.query<{ seq: number }>('SELECT seq FROM activity.chat_mark WHERE chat_id = $1 FOR UPDATE', [
          chatId,
        ])
      ).rows[0]!.seq;
      const fresh = messages.filter((m) => m.seq > mark);
      if (upTo > mark) {
        await c.query('UPDATE activity.chat_mark SET seq = $2 WHERE chat_id = $1', [chatId, upTo]);
      }
      const people = new Map<string, { school: string; week: string; person: string; n: number }>();
      const chats = new Map<string, { school: string; week: string; n: number }>();
      for (const m of fresh) {
        const pk = `${m.school}\n${m.week}\n${m.person}`;
        const p = people.get(pk) ?? { school: m.school, week: m.week, person: m.person, n: 0 };
        p.n++;
        people.set(pk, p);
        const ck = `${m.school}\n${m.week}`;
        const ch = chats.get(ck) ?? { school: m.school, week: m.week, n: 0 };
        ch.n++;
        chats.set(ck, ch);
      }
      for (const p of people.values()) {
        await c.query(
          `INSERT INTO activity.person_week (school, week, person, group_messages) VALUES ($1, $2, $3, $4)
           ON CONFLICT (school, week, person) DO UPDATE SET group_messages = person_week.group_messages + $4`,
          [p.school, p.week, p.person, p.n],
        );
      }
      for (const ch of chats.values()) {
        await c.query(
          `INSERT INTO activity.chat_week (school, week, chat_id, messages) VALUES ($1, $2, $3, $4)
           ON CONFLICT (school, week, chat_id) DO UPDATE SET messages = chat_week.messages + $4`,
          [ch.school, ch.week, chatId, ch.n],
        );
      }
      return fresh.length;
    });
  }

  /** Counts a lesson that ended, once (false if it was counted already). */
  async countLesson(l: CountedLesson, at: number): Promise<boolean> {
    return inTransaction(this.db, async (c) => {
      const first = await c.query(
        'INSERT INTO activity.lesson_counted (lesson_id, counted_at) VALUES ($1, $2) ON CONFLICT DO NOTHING',
        [l.id, at],
      );
      if (first.rowCount === 0) return false;
      await c.query(
        `INSERT INTO activity.school_week (school, week, lessons, lesson_seconds, attendees) VALUES ($1, $2, 1, $3, $4)
         ON CONFLICT (school, week) DO UPDATE SET lessons = school_week.lessons + 1,
           lesson_seconds = school_week.lesson_seconds + $3, attendees = school_week.attendees + $4`,
        [l.school, l.week, l.seconds, l.people.length],
      );
      for (const p of l.people) {
        await c.query(
          `INSERT INTO activity.person_week (school, week, person, calls_joined, calls_led, call_seconds)
           VALUES ($1, $2, $3, 1, $4, $5)
           ON CONFLICT (school, week, person) DO UPDATE SET calls_joined = person_week.calls_joined + 1,
             calls_led = person_week.calls_led + $4, call_seconds = person_week.call_seconds + $5`,
          [p.school, l.week, p.person, p.led ? 1 : 0, p.seconds],
        );
      }
      return true;
    });
  }

  async personWeeks(school: string, from: string, to: string): Promise<PersonWeekRow[]> {
    const r = await this.db.query(
      `SELECT week, person, group_messages, calls_joined, calls_led, call_seconds FROM activity.person_week
       WHERE school = $1 AND week BETWEEN $2 AND $3 ORDER BY week, person`,
      [school, from, to],
    );
    return r.rows.map((x) => ({
      week: day(x.week),
      person: x.person,
      groupMessages: x.group_messages,
      callsJoined: x.calls_joined,
      callsLed: x.calls_led,
      callSeconds: Number(x.call_seconds),
    }));
  }

  async schoolWeeks(school: string, from: string, to: string): Promise<SchoolWeekRow[]> {
    const r = await this.db.query(
      `SELECT w.week, coalesce(s.lessons, 0) AS lessons, coalesce(s.lesson_seconds, 0) AS lesson_seconds,
              (SELECT count(*) FROM activity.chat_week c WHERE c.school = $1 AND c.week = w.week) AS chats
       FROM (SELECT week FROM activity.school_week WHERE school = $1 AND week BETWEEN $2 AND $3
             UNION SELECT week FROM activity.chat_week WHERE school = $1 AND week BETWEEN $2 AND $3) w
       LEFT JOIN activity.school_week s ON s.school = $1 AND s.week = w.week
       ORDER BY w.week`,
      [school, from, to],
    );
    return r.rows.map((x) => ({
      week: day(x.week),
      lessons: x.lessons,
      lessonSeconds: Number(x.lesson_seconds),
      chats: Number(x.chats),
    }));
  }

  /** The regions this person (of their school) administers, with their schools. */
  async regionsOf(school: string, person: string): Promise<Region[]> {
    const r = await this.db.query(
      `SELECT g.id, g.name, coalesce(array_agg(s.school ORDER BY s.school) FILTER (WHERE s.school IS NOT NULL), '{}') AS schools
       FROM activity.region_admin a JOIN activity.region g ON g.id = a.region_id
       LEFT JOIN activity.region_school s ON s.region_id = g.id
       WHERE a.school = $1 AND a.person = $2 GROUP BY g.id, g.name ORDER BY g.name`,
      [school, person],
    );
    return r.rows.map((x) => ({ id: x.id, name: x.name, schools: x.schools }));
  }

  /** Sets a region's name, schools and administrators (replacing what it had). */
  async setRegion(
    id: string,
    name: string,
    schools: string[],
    admins: { school: string; person: string }[],
  ): Promise<void> {
    await inTransaction(this.db, async (c) => {
      await c.query(
        'INSERT INTO activity.region (id, name) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET name = $2',
        [id, name],
      );
      await c.query('DELETE FROM activity.region_school WHERE region_id = $1', [id]);
      await c.query('DELETE FROM activity.region_admin WHERE region_id = $1', [id]);
      for (const s of new Set(schools)) {
        await c.query('INSERT INTO activity.region_school (region_id, school) VALUES ($1, $2)', [id, s]);
      }
      for (const a of admins) {
        await c.query(
          'INSERT INTO activity.region_admin (region_id, school, person) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
          [id, a.school, a.person],
        );
      }
    });
  }
}
