// The live subtitles of an HLS broadcast: a WebVTT media playlist and its
// segments, in memory, cut on the same wall-clock grid as the video so
// players (hls.js) line cues up with the picture. Cue times are seconds since
// `originWallMs`; X-TIMESTAMP-MAP ties that zero to the video's PTS at that
// instant, and every segment carries EXT-X-PROGRAM-DATE-TIME as well.
//
// A segment is published only once its last moment is `holdbackMs` in the
// past, and never changes after: a final line arrives a couple of seconds
// after its words. A line too late for its segments is shown late, from the
// first open segment and for its whole length (late subtitles help; lost
// ones do not). A cue that spans segments is repeated in each (players drop
// the duplicates). The speaker's name is part of the cue text: players do
// not show WebVTT voice names.
import { vttCue, vttTimestamp } from '../transcriber/webvtt.js';

export interface LiveSubtitleTrackOptions {
  /** Wall-clock time (ms since the epoch) of media time zero. */
  originWallMs: number;
  /** The video's presentation time at `originWallMs`, in 90 kHz units (0 when it starts at zero). */
  originPts90k: number;
  /** The video's segment length. */
  segmentSeconds: number;
  /** Time allowed for a line to be transcribed before its segment is published. */
  holdbackMs: number;
  /** Segments listed in the playlist. */
  listed: number;
  /** Segments kept for players a little behind. */
  kept: number;
  /** Put before each segment's name in the playlist (e.g. a session directory). */
  segmentPrefix?: string;
}

/**
 * A line is final only after its words (an utterance of 2-4 s, then about
 * a second of inference): with 4 s of holdback most lines make it into
 * their own segments. Players showing subtitles stay far enough behind for
 * that (the viewer page: 6.5 s behind the newest segment, ~8 s behind the
 * room, where a segment is listed 1 s + 4 s + up to 1 s after its start);
 * a line later than that is shown late, never lost.
 */
export const DEFAULT_LIVE_SUBTITLE_OPTIONS = { holdbackMs: 4000, listed: 6, kept: 30 } as const;

/**
 * The timestamp map names a point half a second after the origin rather
 * than the origin itself: hls.js (1.6) misplaces every cue when the map's
 * MPEGTS equals the stream's initial PTS exactly, which it does for a viewer
 * who starts at the first segment. Half a second is neither a 1 s segment
 * boundary nor one of AAC's 1024-sample frames, so they do not meet.
 */
const MAP_OFFSET_MS = 500;

interface Line {
  startMs: number;
  endMs: number;
  speaker: string;
  text: string;
}

/** A run of the video between discontinuities: its first segment here, and its own origin. */
interface Epoch {
  first: number;
  originWallMs: number;
  originPts90k: number;
}

export class LiveSubtitleTrack {
  private readonly lines: Line[] = [];
  /** Segment number published last (-1: none yet). */
  private published = -1;
  private readonly segments = new Map<number, string>();
  private ended = false;
  private readonly epochs: Epoch[];

  constructor(private readonly options: LiveSubtitleTrackOptions) {
    this.epochs = [{ first: 0, originWallMs: options.originWallMs, originPts90k: options.originPts90k }];
  }

  /**
   * The video restarted with a discontinuity (a new run of the encoder, its
   * PTS from a new origin): from the next segment on, the track follows the
   * new origin, behind an EXT-X-DISCONTINUITY of its own, so a player's
   * count of discontinuities (and the PTS it maps cues with) matches the video's.
   */
  restart(originWallMs: number, originPts90k: number): void {
    if (this.ended) return;
    const last = this.epochs.at(-1)!;
    const segMs = this.options.segmentSeconds * 1000;
    // Its first segment: where the new run begins on the old grid; never one already
    // published, never sharing one with the previous run (each run has a segment).
    const onOldGrid = last.first + Math.ceil((originWallMs - last.originWallMs) / segMs);
    const first = Math.max(onOldGrid, this.published + 1, last.first + 1);
    this.epochs.push({ first, originWallMs, originPts90k });
  }

  /** The `#EXT-X-MEDIA` line for the master playlist; the video's `EXT-X-STREAM-INF` adds `SUBTITLES="subs"`. */
  static mediaTag(uri: string, language: string, name: string, groupId = 'subs', isDefault = true): string {
    const quoted = (v: string): string => `"${v.replace(/["\r\n]/g, '')}"`;
    const yes = isDefault ? 'YES' : 'NO';
    return (
      `#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID=${quoted(groupId)},NAME=${quoted(name)},` +
      `LANGUAGE=${quoted(language)},DEFAULT=${yes},AUTOSELECT=YES,FORCED=NO,URI=${quoted(uri)}`
    );
  }

  /** A final subtitle line. */
  add(line: Line): void {
    if (this.ended || !line.text.trim()) return;
    // A segment already published cannot change; a line that late is shown from the next one, as long as it was.
    const lateMs = this.segmentStartMs(this.published + 1) - line.startMs;
    if (lateMs <= 0) this.lines.push(line);
    else this.lines.push({ ...line, startMs: line.startMs + lateMs, endMs: line.endMs + lateMs });
  }

  /** Publishes every segment whose time has come (call on a timer, or before serving). */
  advance(nowMs = Date.now()): void {
    const ready = this.lastEndedBy(nowMs - this.options.holdbackMs);
    // Far behind (a clock jump): only the segments still kept are worth making.
    if (ready - this.published > this.options.kept) this.published = ready - this.options.kept;
    while (this.published < ready) {
      const n = ++this.published;
      this.segments.set(n, this.render(n));
      this.segments.delete(n - this.options.kept);
      // Done with the lines over before the next segment (which may be a new run's, earlier).
      const endMs = this.segmentStartMs(n + 1);
      for (let i = this.lines.length - 1; i >= 0; i--)
        if (this.lines[i]!.endMs <= endMs) this.lines.splice(i, 1);
    }
  }

  /** The last segment that ends by `wallMs`. */
  private lastEndedBy(wallMs: number): number {
    const segMs = this.options.segmentSeconds * 1000;
    for (let i = this.epochs.length - 1; i >= 0; i--) {
      const e = this.epochs[i]!;
      const n = e.first + Math.floor((wallMs - e.originWallMs) / segMs) - 1;
      const next = this.epochs[i + 1];
      // Not even this run's first segment has ended: the answer is in the run before.
      if (n >= e.first || i === 0) return next ? Math.min(n, next.first - 1) : n;
    }
    return -1;
  }

  /** The broadcast ended: publish what is left and close the playlist. */
  end(nowMs = Date.now()): void {
    this.advance(nowMs + this.options.holdbackMs + this.options.segmentSeconds * 1000);
    this.ended = true;
  }

  playlist(nowMs = Date.now()): string {
    if (!this.ended) this.advance(nowMs);
    const first = Math.max(0, this.published - this.options.listed + 1);
    // Discontinuities before the first listed segment (its own tag, if it starts a run, is listed).
    const run = this.epochIndex(first);
    const startsRun = run > 0 && this.epochs[run]!.first === first;
    const lines = [
      '#EXTM3U',
      '#EXT-X-VERSION:6',
      `#EXT-X-TARGETDURATION:${Math.ceil(this.options.segmentSeconds)}`,
      `#EXT-X-MEDIA-SEQUENCE:${first}`,
      `#EXT-X-DISCONTINUITY-SEQUENCE:${startsRun ? run - 1 : run}`,
    ];
    for (let n = first; n <= this.published; n++) {
      if (this.epochs.some((e, i) => i > 0 && e.first === n)) lines.push('#EXT-X-DISCONTINUITY');
      lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(this.segmentStartMs(n)).toISOString()}`);
      lines.push(`#EXTINF:${this.options.segmentSeconds.toFixed(3)},`);
      lines.push(`${this.options.segmentPrefix ?? ''}${n}.vtt`);
    }
    if (this.ended) lines.push('#EXT-X-ENDLIST');
    return `${lines.join('\n')}\n`;
  }

  /** The WebVTT of segment `<n>.vtt`, if published and still kept. */
  segment(name: string): string | null {
    const m = /^(\d{1,9})\.vtt$/.exec(name);
    return m ? (this.segments.get(Number(m[1])) ?? null) : null;
  }

  private epochIndex(n: number): number {
    let i = this.epochs.length - 1;
    while (i > 0 && this.epochs[i]!.first > n) i--;
    return i;
  }

  private segmentStartMs(n: number): number {
    const e = this.epochs[this.epochIndex(n)]!;
    return e.originWallMs + (n - e.first) * this.options.segmentSeconds * 1000;
  }

  private render(n: number): string {
    const index = this.epochIndex(n);
    const epoch = this.epochs[index]!;
    const start = this.segmentStartMs(n);
    // The last segment of a run may reach past the next run's origin: what was said from
    // then on is the next run's (its own PTS), not mapped through this one's.
    const end = Math.min(
      start + this.options.segmentSeconds * 1000,
      this.epochs[index + 1]?.originWallMs ?? Number.POSITIVE_INFINITY,
    );
    const origin = epoch.originWallMs;
    const cues = this.lines
      .filter((l) => l.startMs < end && l.endMs > start)
      .sort((a, b) => a.startMs - b.startMs)
      .map((l) =>
        vttCue({
          ...l,
          text: `${l.speaker}: ${l.text}`,
          startMs: l.startMs - origin,
          endMs: l.endMs - origin,
        }),
      );
    const mpegts = epoch.originPts90k + MAP_OFFSET_MS * 90;
    const header = `WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:${mpegts},LOCAL:${vttTimestamp(MAP_OFFSET_MS)}`;
    return `${[header, ...cues].join('\n\n')}\n`;
  }
}
