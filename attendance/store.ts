// The attendance tables (schema `attendance`): lessons as they ran and who
// came. Every change is one statement, so hosts writing the same lesson (a
// handover) never lose a count; the running lesson of a room is unique in
// the database, so two hosts never start two.
import { randomBytes } from 'node:crypto';
import { type Postgres, inTransaction } from '../common/postgres/connect.js';

export interface LessonRow {
  id: string;
  roomId: string;
  school: string;
  title: string;
  classChat: string;
  firstSeq: number;
  lastSeq: number | null;
  startedAt: number;
  endedAt: number | null;
  /** The teacher shared the recording (and the lesson's other files) with the class. */
  recordingShared: boolean;
}

export interface AttendeeRow {
  userId: string;
  name: string;
  /** 1 host, 2 co-host, 3 participant, 4 guest (the proto's LessonRole). */
  role: number;
  guest: boolean;
  firstJoinedAt: number;
  lastLeftAt: number | null;
  seconds: number;
  visits: number;
  hands: number;
  messages: number;
  pollAnswers: number;
}

export type Counter = 'hands' | 'messages' | 'poll_answers';

const LESSON_COLUMNS = `id, room_id AS "roomId", school, title, class_chat AS "classChat",
  first_seq AS "firstSeq", last_seq AS "lastSeq", started_at::float8 AS "startedAt", ended_at::float8 AS "endedAt",
  recording_shared AS "recordingShared"`;

const ATTENDEE_COLUMNS = `user_id AS "userId", name, role, guest, first_joined_at::float8 AS "firstJoinedAt",
  last_left_at::float8 AS "lastLeftAt", seconds, visits, hands, messages, poll_answers AS "pollAnswers"`;

/** A lesson left running longer than this (its host died and nobody came back) is over. */
export const STALE_LESSON_MS = 24 * 3600_000;

export class AttendanceStore {
  constructor(private readonly db: Postgres) {}

  /** The room's running lesson, started now unless one runs already (on this host or another). */
  async running(
    start: Omit<LessonRow, 'id' | 'lastSeq' | 'endedAt' | 'recordingShared'>,
    onStale: (stale: LessonRow) => Promise<void>,
  ): Promise<LessonRow> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const open = await this.runningOf(start.roomId);
      if (open && start.startedAt - open.startedAt < STALE_LESSON_MS) return open;
      if (open) {
        await onStale(open);
        continue;
      }
      await this.db.query(
        `INSERT INTO attendance.lesson (id, room_id, school, title, class_chat, first_seq, started_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (room_id) WHERE ended_at IS NULL DO NOTHING`,
        [
          randomBytes(12).toString('base64url'),
          start.roomId,
          start.school,
          start.title,
          start.classChat,
          start.firstSeq,
          start.startedAt,
        ],
      );
    }
    throw new Error(`no running lesson for room ${start.roomId}`);
  }

  async runningOf(roomId: string): Promise<LessonRow | null> {
    const r = await this.db.query<LessonRow>(
      `SELECT ${LESSON_COLUMNS} FROM attendance.lesson WHERE room_id = $1 AND ended_at IS NULL`,
      [roomId],
    );
    return r.rows[0] ?? null;
  }

  /** Someone entered: a new visit unless one is open (a handover keeps it). */
  async arrived(
    lessonId: string,
    a: { userId: string; name: string; role: number; guest: boolean },
    at: number,
  ) {
    await this.db.query(
      `INSERT INTO attendance.attendee (lesson_id, user_id, name, role, guest, first_joined_at, present_since, visits)
       VALUES ($1, $2, $3, $4, $5, $6, $6, 1)
       ON CONFLICT (lesson_id, user_id) DO UPDATE SET
         name = EXCLUDED.name,
         role = LEAST(attendance.attendee.role, EXCLUDED.role),
         visits = attendance.attendee.visits + CASE WHEN attendance.attendee.present_since IS NULL THEN 1 ELSE 0 END,
         present_since = COALESCE(attendance.attendee.present_since, EXCLUDED.present_since)`,
      [lessonId, a.userId, a.name, a.role, a.guest, at],
    );
  }

  /** A host made them co-host (or back): the highest role is kept. */
  async roleHeld(lessonId: string, userId: string, role: number): Promise<void> {
    await this.db.query(
      'UPDATE attendance.attendee SET role = LEAST(role, $3) WHERE lesson_id = $1 AND user_id = $2',
      [lessonId, userId, role],
    );
  }

  /** Someone left: their open visit is counted. */
  async left(lessonId: string, userId: string, at: number): Promise<void> {
    await this.db.query(
      `UPDATE attendance.attendee SET
         seconds = seconds + GREATEST(0, ($3 - present_since) / 1000)::integer,
         present_since = NULL, last_left_at = $3
       WHERE lesson_id = $1 AND user_id = $2 AND present_since IS NOT NULL`,
      [lessonId, userId, at],
    );
  }

  async count(lessonId: string, userId: string, what: Counter): Promise<void> {
    await this.db.query(
      `UPDATE attendance.attendee SET ${what} = ${what} + 1 WHERE lesson_id = $1 AND user_id = $2`,
      [lessonId, userId],
    );
  }

  /**
   * Ends the lesson (every open visit counted); the ended lesson, or null if
   * it had ended already (another host, or an earlier call, ended it).
   */
  async end(lessonId: string, at: number, lastSeq: number): Promise<LessonRow | null> {
    return inTransaction(this.db, async (c) => {
      const r = await c.query<LessonRow>(
        `UPDATE attendance.lesson SET ended_at = $2, last_seq = $3 WHERE id = $1 AND ended_at IS NULL
         RETURNING ${LESSON_COLUMNS}`,
        [lessonId, at, lastSeq],
      );
      const ended = r.rows[0] ?? null;
      if (ended) {
        await c.query(
          `UPDATE attendance.attendee SET
             seconds = seconds + GREATEST(0, ($2 - present_since) / 1000)::integer,
             present_since = NULL, last_left_at = $2
           WHERE lesson_id = $1 AND present_since IS NOT NULL`,
          [lessonId, at],
        );
      }
      return ended;
    });
  }

  async lesson(id: string): Promise<LessonRow | null> {
    const r = await this.db.query<LessonRow>(
      `SELECT ${LESSON_COLUMNS} FROM attendance.lesson WHERE id = $1`,
      [id],
    );
    return r.rows[0] ?? null;
  }

  /** The room's latest lesson (the call's end screen asks by room). */
  async latestOfRoom(roomId: string): Promise<LessonRow | null> {
    const r = await this.db.query<LessonRow>(
      `SELECT ${LESSON_COLUMNS} FROM attendance.lesson WHERE room_id = $1 ORDER BY started_at DESC LIMIT 1`,
      [roomId],
    );
    return r.rows[0] ?? null;
  }

  async attendees(lessonId: string): Promise<AttendeeRow[]> {
    const r = await this.db.query<AttendeeRow>(
      `SELECT ${ATTENDEE_COLUMNS} FROM attendance.attendee WHERE lesson_id = $1 ORDER BY role, name`,
      [lessonId],
    );
    return r.rows;
  }

  async attendee(lessonId: string, userId: string): Promise<AttendeeRow | null> {
    const r = await this.db.query<AttendeeRow>(
      `SELECT ${ATTENDEE_COLUMNS} FROM attendance.attendee WHERE lesson_id = $1 AND user_id = $2`,
      [lessonId, userId],
    );
    return r.rows[0] ?? null;
  }

  /** Sets whether the class may see the recording; false if there is no such lesson. */
  async shareRecording(lessonId: string, shared: boolean): Promise<boolean> {
    const r = await this.db.query('UPDATE attendance.lesson SET recording_shared = $2 WHERE id = $1', [
      lessonId,
      shared,
    ]);
    return (r.rowCount ?? 0) > 0;
  }

  /** A call was started in this chat: its lessons are handed back there. */
  async rememberChat(roomId: string, chatId: string): Promise<void> {
    await this.db.query(
      `INSERT INTO attendance.room_chat (room_id, chat_id) VALUES ($1, $2)
       ON CONFLICT (room_id) DO UPDATE SET chat_id = EXCLUDED.chat_id`,
      [roomId, chatId],
    );
  }

  async chatOfRoom(roomId: string): Promise<string | null> {
    const r = await this.db.query<{ chat_id: string }>(
      'SELECT chat_id FROM attendance.room_chat WHERE room_id = $1',
      [roomId],
    );
    return r.rows[0]?.chat_id ?? null;
  }
}
