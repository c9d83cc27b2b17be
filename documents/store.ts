// A person's folders and files, and schools' quotas, in PostgreSQL
// (migrations/0001_documents.sql). No rules here: service.ts decides who may
// read and change what.
import type { Postgres } from '../common/postgres/connect.js';
import { inTransaction } from '../common/postgres/connect.js';

export interface EntryRecord {
  id: string;
  owner: string;
  parentId: string | null;
  folder: boolean;
  name: string;
  fileId: string | null;
  type: string;
  size: number;
  createdAt: number;
}

export type NewFileEntry = Pick<EntryRecord, 'id' | 'name' | 'fileId' | 'type' | 'size'>;

interface EntryRow {
  id: string;
  owner: string;
  parent_id: string | null;
  folder: boolean;
  name: string;
  file_id: string | null;
  type: string;
  size: string;
  created_at: string;
}

const COLUMNS = 'id, owner, parent_id, folder, name, file_id, type, size, created_at';

function entryOfRow(r: EntryRow): EntryRecord {
  return {
    id: r.id,
    owner: r.owner,
    parentId: r.parent_id,
    folder: r.folder,
    name: r.name,
    fileId: r.file_id,
    type: r.type,
    size: Number(r.size),
    createdAt: Number(r.created_at),
  };
}

export class DocumentsStore {
  constructor(private readonly db: Postgres) {}

  async get(id: string): Promise<EntryRecord | null> {
    const r = await this.db.query<EntryRow>(`SELECT ${COLUMNS} FROM documents.entry WHERE id = $1`, [id]);
    return r.rows[0] ? entryOfRow(r.rows[0]) : null;
  }

  async byFile(fileId: string): Promise<EntryRecord | null> {
    const r = await this.db.query<EntryRow>(`SELECT ${COLUMNS} FROM documents.entry WHERE file_id = $1`, [
      fileId,
    ]);
    return r.rows[0] ? entryOfRow(r.rows[0]) : null;
  }

  /** One folder's entries (null: the top level): folders first, then by name. */
  async list(owner: string, parentId: string | null): Promise<EntryRecord[]> {
    const r = await this.db.query<EntryRow>(
      `SELECT ${COLUMNS} FROM documents.entry
       WHERE owner = $1 AND parent_id IS NOT DISTINCT FROM $2
       ORDER BY folder DESC, lower(name), id`,
      [owner, parentId],
    );
    return r.rows.map(entryOfRow);
  }

  /** The folder and the folders above it, the top first. */
  async path(id: string): Promise<EntryRecord[]> {
    const r = await this.db.query<EntryRow & { depth: number }>(
      `WITH RECURSIVE up AS (
         SELECT ${COLUMNS}, 0 AS depth FROM documents.entry WHERE id = $1
         UNION ALL
         SELECT e.id, e.owner, e.parent_id, e.folder, e.name, e.file_id, e.type, e.size, e.created_at, up.depth + 1
         FROM documents.entry e JOIN up ON e.id = up.parent_id)
       SELECT * FROM up ORDER BY depth DESC`,
      [id],
    );
    return r.rows.map(entryOfRow);
  }

  /** The entry and everything under it. */
  async subtree(id: string): Promise<EntryRecord[]> {
    const r = await this.db.query<EntryRow>(
      `WITH RECURSIVE down AS (
         SELECT ${COLUMNS} FROM documents.entry WHERE id = $1
         UNION ALL
         SELECT e.id, e.owner, e.parent_id, e.folder, e.name, e.file_id, e.type, e.size, e.created_at
         FROM documents.entry e JOIN down ON e.parent_id = down.id)
       SELECT * FROM down`,
      [id],
    );
    return r.rows.map(entryOfRow);
  }

  /** Bytes of the person's files. */
  async used(owner: string): Promise<number> {
    const r = await this.db.query<{ used: string }>(
      'SELECT coalesce(sum(size), 0) AS used FROM documents.entry WHERE owner = $1',
      [owner],
    );
    return Number(r.rows[0]?.used ?? 0);
  }

  async createFolder(id: string, owner: string, parentId: string | null, name: string, at: number) {
    await this.db.query(
      `INSERT INTO documents.entry (id, owner, parent_id, folder, name, created_at)
       VALUES ($1, $2, $3, true, $4, $5)`,
      [id, owner, parentId, name, at],
    );
  }

  /**
   * Files the uploads under `parentId` if the person's files then fit in
   * `quota` bytes (one person's additions take turns, so two at once cannot
   * both squeeze in). Resolves with whether they were filed.
   */
  async addFiles(
    owner: string,
    parentId: string | null,
    files: NewFileEntry[],
    quota: number,
    at: number,
  ): Promise<boolean> {
    return inTransaction(this.db, async (client) => {
      await client.query("SELECT pg_advisory_xact_lock(hashtext('documents:' || $1))", [owner]);
      const r = await client.query<{ used: string }>(
        'SELECT coalesce(sum(size), 0) AS used FROM documents.entry WHERE owner = $1',
        [owner],
      );
      const adding = files.reduce((sum, f) => sum + f.size, 0);
      if (Number(r.rows[0]?.used ?? 0) + adding > quota) return false;
      for (const f of files) {
        await client.query(
          `INSERT INTO documents.entry (id, owner, parent_id, folder, name, file_id, type, size, created_at)
           VALUES ($1, $2, $3, false, $4, $5, $6, $7, $8)`,
          [f.id, owner, parentId, f.name, f.fileId, f.type, f.size, at],
        );
      }
      return true;
    });
  }

  async rename(id: string, name: string): Promise<void> {
    await this.db.query('UPDATE documents.entry SET name = $2 WHERE id = $1', [id, name]);
  }

  async move(id: string, parentId: string | null): Promise<void> {
    await this.db.query('UPDATE documents.entry SET parent_id = $2 WHERE id = $1', [id, parentId]);
  }

  /** Removes the entry and everything under it; resolves with the removed files' upload ids. */
  async remove(id: string): Promise<string[]> {
    const files = (await this.subtree(id)).flatMap((e) => (e.fileId ? [e.fileId] : []));
    await this.db.query('DELETE FROM documents.entry WHERE id = $1', [id]);
    return files;
  }

  async quota(school: string): Promise<number | null> {
    const r = await this.db.query<{ quota_bytes: string }>(
      'SELECT quota_bytes FROM documents.school_quota WHERE school = $1',
      [school],
    );
    return r.rows[0] ? Number(r.rows[0].quota_bytes) : null;
  }

  async setQuota(school: string, bytes: number): Promise<void> {
    await this.db.query(
      `INSERT INTO documents.school_quota (school, quota_bytes) VALUES ($1, $2)
       ON CONFLICT (school) DO UPDATE SET quota_bytes = EXCLUDED.quota_bytes`,
      [school, bytes],
    );
  }
}
