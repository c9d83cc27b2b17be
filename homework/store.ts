// Collections, who must hand in, and what each pupil handed in, in
// PostgreSQL (migrations/0001_collections.sql). No rules here: service.ts
// decides who may read and change what.
import type { Postgres } from '../common/postgres/connect.js';
import { inTransaction } from '../common/postgres/connect.js';

export interface CollectionRecord {
  id: string;
  school: string;
  chatId: string;
  teacherId: string;
  teacherName: string;
  title: string;
  description: string;
  deadline: number;
  allowedTypes: string[];
  maxBytes: number;
  createdAt: number;
}

export interface HandedFile {
  fileId: string;
  name: string;
  type: string;
  size: number;
}

export interface AssigneeRecord {
  pupilId: string;
  pupilName: string;
  remindedAt: number | null;
  submission: {
    submittedAt: number;
    late: boolean;
    comment: string;
    returned: boolean;
    files: HandedFile[];
  } | null;
}

interface CollectionRow {
  id: string;
  school: string;
  chat_id: string;
  teacher_id: string;
  teacher_name: string;
  title: string;
  description: string;
  deadline: string;
  allowed_types: string[];
  max_bytes: string;
  created_at: string;
}

const COLUMNS =
  'c.id, c.school, c.chat_id, c.teacher_id, c.teacher_name, c.title, c.description, c.deadline, c.allowed_types, c.max_bytes, c.created_at';

function collectionOfRow(r: CollectionRow): CollectionRecord {
  return {
    id: r.id,
    school: r.school,
    chatId: r.chat_id,
    teacherId: r.teacher_id,
    teacherName: r.teacher_name,
    title: r.title,
    description: r.description,
    deadline: Number(r.deadline),
    allowedTypes: r.allowed_types,
    maxBytes: Number(r.max_bytes),
    createdAt: Number(r.created_at),
  };
}

export class HomeworkStore {
  constructor(private readonly db: Postgres) {}

  async create(c: CollectionRecord, pupils: { id: string; name: string }[]): Promise<void> {
    await inTransaction(this.db, async (client) => {
      await client.query(
        `INSERT INTO homework.collection (id, school, chat_id, teacher_id, teacher_name, title, description,
           deadline, allowed_types, max_bytes, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`,
        [
          c.id,
          c.school,
          c.chatId,
          c.teacherId,
          c.teacherName,
          c.title,
          c.description,
          c.deadline,
          c.allowedTypes,
          c.maxBytes,
          c.createdAt,
        ],
      );
      await client.query(
        `INSERT INTO homework.assignee (collection_id, pupil_id, pupil_name)
         SELECT $1, unnest($2::text[]), unnest($3::text[])`,
        [c.id, pupils.map((p) => p.id), pupils.map((p) => p.name)],
      );
    });
  }

  async get(id: string): Promise<CollectionRecord | null> {
    const r = await this.db.query<CollectionRow>(
      `SELECT ${COLUMNS} FROM homework.collection c WHERE c.id = $1`,
      [id],
    );
    return r.rows[0] ? collectionOfRow(r.rows[0]) : null;
  }

  async ofChat(chatId: string): Promise<CollectionRecord[]> {
    const r = await this.db.query<CollectionRow>(
      `SELECT ${COLUMNS} FROM homework.collection c WHERE c.chat_id = $1 ORDER BY c.created_at DESC LIMIT 100`,
      [chatId],
    );
    return r.rows.map(collectionOfRow);
  }

  /** Collections a teacher made or any of these pupils must hand in, newest first. */
  async concerning(teacherId: string, pupilIds: string[]): Promise<CollectionRecord[]> {
    const r = await this.db.query<CollectionRow>(
      `SELECT ${COLUMNS} FROM homework.collection c
       WHERE c.teacher_id = $1 OR EXISTS (
         SELECT 1 FROM homework.assignee a WHERE a.collection_id = c.id AND a.pupil_id = ANY($2))
       ORDER BY c.created_at DESC LIMIT 100`,
      [teacherId, pupilIds],
    );
    return r.rows.map(collectionOfRow);
  }

  /** Counts per collection: assigned, handed in (not returned). */
  async counts(ids: string[]): Promise<Map<string, { assigned: number; submitted: number }>> {
    const r = await this.db.query<{ id: string; assigned: string; submitted: string }>(
      `SELECT a.collection_id AS id, count(*) AS assigned,
              count(s.pupil_id) FILTER (WHERE NOT s.returned) AS submitted
       FROM homework.assignee a LEFT JOIN homework.submission s
         ON s.collection_id = a.collection_id AND s.pupil_id = a.pupil_id
       WHERE a.collection_id = ANY($1) GROUP BY a.collection_id`,
      [ids],
    );
    return new Map(
      r.rows.map((row) => [row.id, { assigned: Number(row.assigned), submitted: Number(row.submitted) }]),
    );
  }

  /** Assignees of a collection (all, or only these pupils), sorted by name, with their hand-ins. */
  async assignees(collectionId: string, only: string[] | null = null): Promise<AssigneeRecord[]> {
    const r = await this.db.query<{
      pupil_id: string;
      pupil_name: string;
      reminded_at: string | null;
      submitted_at: string | null;
      late: boolean | null;
      comment: string | null;
      returned: boolean | null;
    }>(
      `SELECT a.pupil_id, a.pupil_name, a.reminded_at, s.submitted_at, s.late, s.comment, s.returned
       FROM homework.assignee a LEFT JOIN homework.submission s
         ON s.collection_id = a.collection_id AND s.pupil_id = a.pupil_id
       WHERE a.collection_id = $1 AND ($2::text[] IS NULL OR a.pupil_id = ANY($2))
       ORDER BY a.pupil_name, a.pupil_id`,
      [collectionId, only],
    );
    const files = await this.db.query<{
      pupil_id: string;
      file_id: string;
      name: string;
      type: string;
      size: string;
    }>(
      `SELECT pupil_id, file_id, name, type, size FROM homework.submission_file
       WHERE collection_id = $1 AND ($2::text[] IS NULL OR pupil_id = ANY($2)) ORDER BY pupil_id, position`,
      [collectionId, only],
    );
    const byPupil = new Map<string, HandedFile[]>();
    for (const f of files.rows) {
      const list = byPupil.get(f.pupil_id) ?? [];
      list.push({ fileId: f.file_id, name: f.name, type: f.type, size: Number(f.size) });
      byPupil.set(f.pupil_id, list);
    }
    return r.rows.map((row) => ({
      pupilId: row.pupil_id,
      pupilName: row.pupil_name,
      remindedAt: row.reminded_at === null ? null : Number(row.reminded_at),
      submission:
        row.submitted_at === null
          ? null
          : {
              submittedAt: Number(row.submitted_at),
              late: row.late ?? false,
              comment: row.comment ?? '',
              returned: row.returned ?? false,
              files: byPupil.get(row.pupil_id) ?? [],
            },
    }));
  }

  /** Replaces a pupil's hand-in; resolves with the file ids it no longer holds. */
  async submit(
    collectionId: string,
    pupilId: string,
    files: HandedFile[],
    at: number,
    late: boolean,
  ): Promise<string[]> {
    return inTransaction(this.db, async (client) => {
      const old = await client.query<{ file_id: string }>(
        'DELETE FROM homework.submission_file WHERE collection_id = $1 AND pupil_id = $2 RETURNING file_id',
        [collectionId, pupilId],
      );
      await client.query(
        `INSERT INTO homework.submission (collection_id, pupil_id, submitted_at, late) VALUES ($1, $2, $3, $4)
         ON CONFLICT (collection_id, pupil_id) DO UPDATE
           SET submitted_at = excluded.submitted_at, late = excluded.late, returned = false`,
        [collectionId, pupilId, at, late],
      );
      await client.query(
        `INSERT INTO homework.submission_file (collection_id, pupil_id, position, file_id, name, type, size)
         SELECT $1, $2, p, f, n, t, s FROM unnest($3::int[], $4::text[], $5::text[], $6::text[], $7::bigint[])
           AS x(p, f, n, t, s)`,
        [
          collectionId,
          pupilId,
          files.map((_, i) => i),
          files.map((f) => f.fileId),
          files.map((f) => f.name),
          files.map((f) => f.type),
          files.map((f) => f.size),
        ],
      );
      const kept = new Set(files.map((f) => f.fileId));
      return old.rows.map((row) => row.file_id).filter((id) => !kept.has(id));
    });
  }

  /** The teacher's word on a hand-in; false if the pupil handed in nothing. */
  async review(collectionId: string, pupilId: string, comment: string, returned: boolean): Promise<boolean> {
    const r = await this.db.query(
      'UPDATE homework.submission SET comment = $3, returned = $4 WHERE collection_id = $1 AND pupil_id = $2',
      [collectionId, pupilId, comment, returned],
    );
    return (r.rowCount ?? 0) > 0;
  }

  async reminded(collectionId: string, pupilIds: string[], at: number): Promise<void> {
    await this.db.query(
      'UPDATE homework.assignee SET reminded_at = $3 WHERE collection_id = $1 AND pupil_id = ANY($2)',
      [collectionId, pupilIds, at],
    );
  }

  /** The hand-ins a file belongs to (normally one). */
  async handInsOf(fileId: string): Promise<{ collectionId: string; pupilId: string }[]> {
    const r = await this.db.query<{ collection_id: string; pupil_id: string }>(
      'SELECT collection_id, pupil_id FROM homework.submission_file WHERE file_id = $1',
      [fileId],
    );
    return r.rows.map((x) => ({ collectionId: x.collection_id, pupilId: x.pupil_id }));
  }
}
