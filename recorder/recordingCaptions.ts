// The captions of one recording: the final subtitle lines said while it was
// made, on the recording's own timeline, written as WebVTT next to its MP4
// (a broadcast's link offers them with the replay). A line's wall-clock time
// becomes media time through the segments' program date-times; after a
// pipeline restart the wall clock jumps ahead of the joined file's time (the
// seconds lost), so each piece gets its own anchor.
import type { SubtitleFinal } from '../signaling/domain/roomEvents.js';
import { type VttCue, vttDocument } from '../transcriber/webvtt.js';

interface Anchor {
  wallMs: number;
  mediaMs: number;
}

/** A jump of the wall clock against media time bigger than this is a new piece. */
const JUMP_MS = 500;
/** About ten hours of nonstop talk: enough for any lesson, a bound for a runaway. */
const MAX_LINES = 20_000;

export class RecordingCaptions {
  private readonly anchors: Anchor[] = [];
  private readonly lines: SubtitleFinal[] = [];

  /** A segment dated `programDateTime` is appended `mediaSeconds` into the recording. */
  segment(programDateTime: number, mediaSeconds: number): void {
    const mediaMs = mediaSeconds * 1000;
    const last = this.anchors.at(-1);
    if (!last || Math.abs(last.wallMs + (mediaMs - last.mediaMs) - programDateTime) > JUMP_MS)
      this.anchors.push({ wallMs: programDateTime, mediaMs });
  }

  add(line: SubtitleFinal): void {
    if (this.lines.length < MAX_LINES) this.lines.push(line);
  }

  get length(): number {
    return this.lines.length;
  }

  /** The WebVTT file, or null when there is nothing to show. */
  toVtt(): string | null {
    if (this.anchors.length === 0) return null;
    const cues: VttCue[] = [];
    for (const l of [...this.lines].sort((a, b) => a.startMs - b.startMs)) {
      const start = this.mediaMs(l.startMs);
      const end = start + (l.endMs - l.startMs);
      if (end <= 0) continue; // said before the recording began
      cues.push({
        startMs: Math.max(0, start),
        endMs: end,
        speaker: l.speaker,
        text: `${l.speaker}: ${l.text}`,
      });
    }
    return cues.length > 0 ? vttDocument(cues) : null;
  }

  private mediaMs(wallMs: number): number {
    let a = this.anchors[0]!;
    for (const x of this.anchors) if (x.wallMs <= wallMs) a = x;
    return a.mediaMs + (wallMs - a.wallMs);
  }
}
