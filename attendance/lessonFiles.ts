// What a lesson left behind, as the lesson's page offers it: recordings
// (with signed links), transcripts and saved boards of the lesson's room
// between its start and its end. The parts that keep them (recorder/,
// transcriber/, whiteboard/) are not imported here: app/ hands them in
// (app/lessonFiles.ts), so attendance/ stays a part above the messenger only.

export interface LessonSpan {
  roomId: string;
  /** ms since the epoch. */
  from: number;
  to: number;
}

export interface LessonRecordingLink {
  id: string;
  url: string;
  durationSeconds: number;
  sizeBytes: number;
  startedAt: number;
  linkExpiresAt: number;
}

export interface LessonFiles {
  /** Finished recordings of the span, each with a fresh signed link. */
  recordings(span: LessonSpan): Promise<LessonRecordingLink[]>;
  /** Names of the span's transcripts. */
  transcripts(span: LessonSpan): Promise<string[]>;
  /** One transcript of the room as text, or null. */
  transcript(roomId: string, name: string, format: 'txt' | 'vtt'): Promise<string | null>;
  /** Ids of the span's saved whiteboard lessons. */
  boards(span: LessonSpan): Promise<string[]>;
  /** One saved whiteboard lesson (a SavedLesson protobuf), or null. */
  board(roomId: string, id: string): Promise<Uint8Array | null>;
}

/** A server without recorder, transcriber or boards: the page has no files. */
export const NO_LESSON_FILES: LessonFiles = {
  recordings: async () => [],
  transcripts: async () => [],
  transcript: async () => null,
  boards: async () => [],
  board: async () => null,
};
