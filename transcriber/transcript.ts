// The lesson transcript: every final subtitle line with its speaker and time,
// written at call end as plain text and WebVTT into the transcripts'
// storage (TRANSCRIPT_DIR, or the shared bucket: any host serves it).
import type { FileStorage } from '../common/storage/fileStorage.js';
import { vttDocument, vttTimestamp } from './webvtt.js';

export interface TranscriptLine {
  participantId: string;
  speaker: string;
  startMs: number;
  endMs: number;
  text: string;
}

export interface TranscriptFiles {
  text: string;
  vtt: string;
}

export class Transcript {
  private readonly lines: TranscriptLine[] = [];

  constructor(
    readonly roomId: string,
    /** Wall-clock time the transcript's timeline starts at (ms since the epoch). */
    readonly startedAtMs: number,
  ) {}

  add(line: TranscriptLine): void {
    if (!line.text.trim()) return;
    this.lines.push(line);
  }

  get length(): number {
    return this.lines.length;
  }

  /** Lines in the order they were spoken (inference may finish them out of order). */
  ordered(): TranscriptLine[] {
    return [...this.lines].sort((a, b) => a.startMs - b.startMs);
  }

  /** "[00:01:02] Анна Петрова: text" lines under a short header. */
  toText(title: string): string {
    const started = new Date(this.startedAtMs)
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d+Z$/, ' UTC');
    const body = this.ordered().map(
      (l) => `[${vttTimestamp(l.startMs - this.startedAtMs).slice(0, 8)}] ${l.speaker}: ${l.text.trim()}`,
    );
    return `${title}\n${started}\n\n${body.join('\n')}\n`;
  }

  toVtt(): string {
    return vttDocument(
      this.ordered().map((l) => ({
        startMs: l.startMs - this.startedAtMs,
        endMs: l.endMs - this.startedAtMs,
        speaker: l.speaker,
        text: l.text,
      })),
    );
  }

  /** Writes `<room>/<name>.transcript.txt` and `.vtt` into the storage (each whole); returns their keys. */
  async write(storage: FileStorage, name: string, title: string): Promise<TranscriptFiles> {
    const room = storage.folder(safeName(this.roomId));
    const files = {
      text: `${safeName(name)}.transcript.txt`,
      vtt: `${safeName(name)}.transcript.vtt`,
    };
    await room.write(files.text, this.toText(title));
    await room.write(files.vtt, this.toVtt());
    return files;
  }
}

/** Room ids and names become file names: nothing that could leave the directory. */
export function safeName(name: string): string {
  return name.replace(/[^\p{L}\p{N}._-]+/gu, '_').replace(/^\.+/, '_') || '_';
}
