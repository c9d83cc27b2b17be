import type { BoardMeta } from './board.js';
// Where boards are kept: the live boards of a running lesson (so a server
// restart keeps them) and, once a lesson ends, its boards for hosts to
// download. Redis with REDIS_URL (redisBoardStore.ts); otherwise memory,
// where live boards are simply the ones in the process and only finished
// lessons are kept here.
import type { BoardFile } from './boardFiles.js';

export interface StoredBoard {
  location: string;
  meta: BoardMeta;
  /** A snapshot and the updates after it, in order. */
  updates: Uint8Array[];
  files: Map<string, BoardFile>;
}

export interface LessonSummary {
  id: string;
  endedAt: number;
  boards: { location: string; name: string }[];
}

export interface BoardStore {
  /** False while the store is known to be away: drawing is refused "try again" before anything changes. */
  available(): boolean;
  /** Live boards of a room, as they were last written. */
  loadLive(roomId: string): Promise<StoredBoard[]>;
  saveMeta(roomId: string, location: string, meta: BoardMeta): void;
  /** Resolves once the update is stored (it is acknowledged only then); rejects if it was not. */
  appendUpdate(roomId: string, location: string, update: Uint8Array): Promise<void>;
  /** Replaces a board's stored updates with one snapshot. */
  compact(roomId: string, location: string, snapshot: Uint8Array): void;
  /** Resolves once the picture is stored; rejects if it was not. */
  putFile(roomId: string, location: string, fileId: string, file: BoardFile): Promise<void>;
  /** Forgets one live board (its breakout round closed and it was archived). */
  dropBoard(roomId: string, location: string): void;
  /** Forgets a room's live boards (the lesson ended). */
  dropLive(roomId: string): void;
  /** A finished board kept for the lesson's end (a breakout round that closed): encoded SavedWhiteboard. */
  archive(roomId: string, board: Uint8Array): void;
  loadArchived(roomId: string): Promise<Uint8Array[]>;
  /** Keeps a finished lesson (an encoded SavedLesson) and forgets the room's archived boards. */
  saveLesson(roomId: string, summary: LessonSummary, lesson: Uint8Array): Promise<void>;
  listLessons(roomId: string): Promise<LessonSummary[]>;
  getLesson(roomId: string, id: string): Promise<Uint8Array | null>;
  close(): Promise<void>;
}

/** One host without Redis: finished lessons in memory, newest first, at most `keep` per room. */
export class MemoryBoardStore implements BoardStore {
  private readonly lessons = new Map<string, { summary: LessonSummary; bytes: Uint8Array }[]>();
  private readonly archived = new Map<string, Uint8Array[]>();

  constructor(private readonly keep: number) {}

  async loadLive(): Promise<StoredBoard[]> {
    return [];
  }
  available(): boolean {
    return true;
  }
  saveMeta(): void {}
  async appendUpdate(): Promise<void> {}
  compact(): void {}
  async putFile(): Promise<void> {}
  dropBoard(): void {}
  dropLive(): void {}

  archive(roomId: string, board: Uint8Array): void {
    const list = this.archived.get(roomId) ?? [];
    list.push(board);
    this.archived.set(roomId, list);
  }

  async loadArchived(roomId: string): Promise<Uint8Array[]> {
    return this.archived.get(roomId) ?? [];
  }

  async saveLesson(roomId: string, summary: LessonSummary, bytes: Uint8Array): Promise<void> {
    this.archived.delete(roomId);
    const list = [{ summary, bytes }, ...(this.lessons.get(roomId) ?? [])].slice(0, this.keep);
    this.lessons.set(roomId, list);
  }

  async listLessons(roomId: string): Promise<LessonSummary[]> {
    return (this.lessons.get(roomId) ?? []).map((l) => l.summary);
  }

  async getLesson(roomId: string, id: string): Promise<Uint8Array | null> {
    return (this.lessons.get(roomId) ?? []).find((l) => l.summary.id === id)?.bytes ?? null;
  }

  async close(): Promise<void> {}
}
