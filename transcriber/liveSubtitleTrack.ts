// The live subtitles of an HLS broadcast: a WebVTT media playlist and its
// segments, in memory, cut on the same wall-clock grid as the video so
// players (hls.js) line cues up with the picture. Cue times are seconds since
// `originWallMs`; X-TIMESTAMP-MAP ties that zero to the video's PTS at that
// instant, and every segment carries EXT-X-PROGRAM-DATE-TIME as well.
//
// A segment is published only once its last moment is `holdbackMs` in the
// past: a final line arrives up to a couple of seconds after its words, and
// viewers play several seconds behind the live edge anyway. A cue that spans
// segments is repeated in each (players drop the duplicates).
import { vttCue, vttTimestamp } from './webvtt.js';

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
}

export const DEFAULT_LIVE_SUBTITLE_OPTIONS = { holdbackMs: 3000, listed: 6, kept: 30 } as const;

interface Line {
  startMs: number;
  endMs: number;
  speaker: string;
  text: string;
}

export class LiveSubtitleTrack {
  private readonly lines: Line[] = [];
  /** Segment number published last (-1: none yet). */
  private published = -1;
  private readonly segments = new Map<number, string>();
  private ended = false;

  constructor(private readonly options: LiveSubtitleTrackOptions) {}

  /** The `#EXT-X-MEDIA` line for the master playlist; the video's `EXT-X-STREAM-INF` adds `SUBTITLES="subs"`. */
  static mediaTag(uri: string, language: string, name: string, groupId = 'subs'): string {
    const quoted = (v: string): string => `"${v.replace(/["\r\n]/g, '')}"`;
    return (
      `#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID=${quoted(groupId)},NAME=${quoted(name)},` +
      `LANGUAGE=${quoted(language)},DEFAULT=YES,AUTOSELECT=YES,FORCED=NO,URI=${quoted(uri)}`
    );
  }

  /** A final subtitle line. */
  add(line: Line): void {
    if (this.ended || !line.text.trim()) return;
    // A segment already published cannot change; a line that late is shown from the next one.
    const firstOpenMs = this.segmentStartMs(this.published + 1);
    const startMs = Math.max(line.startMs, firstOpenMs);
    if (line.endMs <= startMs) return;
    this.lines.push({ ...line, startMs });
  }

  /** Publishes every segment whose time has come (call on a timer, or before serving). */
  advance(nowMs = Date.now()): void {
    const segMs = this.options.segmentSeconds * 1000;
    const ready = Math.floor((nowMs - this.options.holdbackMs - this.options.originWallMs) / segMs) - 1;
    while (this.published < ready) {
      const n = ++this.published;
      this.segments.set(n, this.render(n));
      this.segments.delete(n - this.options.kept);
      const endMs = this.segmentStartMs(n + 1);
      for (let i = this.lines.length - 1; i >= 0; i--)
        if (this.lines[i]!.endMs <= endMs) this.lines.splice(i, 1);
    }
  }

  /** The broadcast ended: publish what is left and close the playlist. */
  end(nowMs = Date.now()): void {
    this.advance(nowMs + this.options.holdbackMs + this.options.segmentSeconds * 1000);
    this.ended = true;
  }

  playlist(nowMs = Date.now()): string {
    if (!this.ended) this.advance(nowMs);
    const first = Math.max(0, this.published - this.options.listed + 1);
    const lines = [
      '#EXTM3U',
      '#EXT-X-VERSION:6',
      `#EXT-X-TARGETDURATION:${Math.ceil(this.options.segmentSeconds)}`,
      `#EXT-X-MEDIA-SEQUENCE:${first}`,
    ];
    for (let n = first; n <= this.published; n++) {
      lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(this.segmentStartMs(n)).toISOString()}`);
      lines.push(`#EXTINF:${this.options.segmentSeconds.toFixed(3)},`);
      lines.push(`${n}.vtt`);
    }
    if (this.ended) lines.push('#EXT-X-ENDLIST');
    return `${lines.join('\n')}\n`;
  }

  /** The WebVTT of segment `<n>.vtt`, if published and still kept. */
  segment(name: string): string | null {
    const m = /^(\d{1,9})\.vtt$/.exec(name);
    return m ? (this.segments.get(Number(m[1])) ?? null) : null;
  }

  private segmentStartMs(n: number): number {
    return this.options.originWallMs + n * this.options.segmentSeconds * 1000;
  }

  private render(n: number): string {
    const start = this.segmentStartMs(n);
    const end = this.segmentStartMs(n + 1);
    const origin = this.options.originWallMs;
    const cues = this.lines
      .filter((l) => l.startMs < end && l.endMs > start)
      .sort((a, b) => a.startMs - b.startMs)
      .map((l) => vttCue({ ...l, startMs: l.startMs - origin, endMs: l.endMs - origin }));
    const header = `WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:${this.options.originPts90k},LOCAL:${vttTimestamp(0)}`;
    return `${[header, ...cues].join('\n\n')}\n`;
  }
}
