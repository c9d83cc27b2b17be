// The lesson's page («Итоги урока», attendance/) offers what the lesson
// left: the recorder's recordings with their signed links, the
// transcriber's transcripts and the whiteboard's saved boards. Parts do not
// import each other, so the composition root joins them here.
import type { LessonFiles } from '../attendance/lessonFiles.js';
import type { FileStorage } from '../common/storage/fileStorage.js';
import type { RecorderFeature } from '../recorder/feature.js';
import { TranscriptStore } from '../transcriber/transcriptStore.js';
import type { WhiteboardFeature } from '../whiteboard/feature.js';

/** A transcript's name is the ISO time its subtitles started (transcriber/subtitlesControl.ts). */
function transcriptTime(name: string): number {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})Z$/.exec(name);
  return m ? Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4]}Z`) : Number.NaN;
}

export function lessonFiles(parts: {
  recorder: () => RecorderFeature;
  whiteboard: () => WhiteboardFeature;
  transcripts: FileStorage;
}): LessonFiles {
  const transcripts = new TranscriptStore(parts.transcripts);
  // Names are to the second; a lesson's start is to the millisecond.
  const within = (at: number, from: number, to: number) => at >= from - 1000 && at <= to;
  return {
    recordings: async ({ roomId, from, to }) => parts.recorder().recordingsBetween(roomId, from, to),
    transcripts: async ({ roomId, from, to }) =>
      (await transcripts.list(roomId)).filter((n) => within(transcriptTime(n), from, to)).sort(),
    transcript: async (roomId, name, format) => {
      const found = await transcripts.read(roomId, name);
      return found ? found[format === 'vtt' ? 'vtt' : 'text'] : null;
    },
    boards: async ({ roomId, from, to }) =>
      (await parts.whiteboard().saved.listLessons(roomId))
        .filter((l) => within(l.endedAt, from, to))
        .map((l) => l.id)
        .sort(),
    board: (roomId, id) => parts.whiteboard().saved.getLesson(roomId, id),
  };
}
