// The live end of a broadcast, in memory: the last segments and the init
// segment of each pipeline run ("piece"), and the media playlist over them.
// A pipeline restart starts a new piece, announced to players with
// EXT-X-DISCONTINUITY and a new EXT-X-MAP. Names carry the session id, so a
// segment's URL always means the same bytes and can be cached for good.
// The master playlist offers the live subtitles as a WebVTT rendition
// (liveSubtitles.ts), whose segments live under the same session.
import { randomBytes } from 'node:crypto';
import { LiveSubtitles } from './liveSubtitles.js';
import { avcCodec } from './mp4Time.js';
import { PROGRAM } from './programPipeline.js';
import type { Segment } from './segmentTail.js';

interface LiveSegment {
  seq: number;
  piece: number;
  durationSeconds: number;
  programDateTime: number;
  bytes: Buffer;
  /** Discontinuities up to and including this segment. */
  discontinuities: number;
  discontinuity: boolean;
}

/** Segments listed in the playlist. */
const LISTED = 6;
/** Segments kept for players a little behind. */
const KEPT = 30;
/** Peak bits per second of the program, for the master playlist. */
const BANDWIDTH = Math.round((PROGRAM.videoKbps * 1000 + PROGRAM.audioBps) * 1.25);

export interface LiveFile {
  bytes: Buffer | string;
  contentType: string;
}

export class LiveWindow {
  readonly sessionId = randomBytes(6).toString('hex');
  private readonly inits = new Map<number, Buffer>();
  private readonly segments: LiveSegment[] = [];
  private piece = -1;
  private nextSeq = 0;
  private discontinuities = 0;
  private pieceHasSegments = false;
  private isEnded = false;
  readonly startedAt = Date.now();
  readonly subtitles = new LiveSubtitles(`${this.sessionId}/`, PROGRAM.segmentSeconds);

  get ended(): boolean {
    return this.isEnded;
  }

  /** The broadcast is over: playlists get EXT-X-ENDLIST. */
  end(): void {
    this.isEnded = true;
    this.subtitles.end();
  }

  /** A pipeline run began: its segments follow this init segment. */
  addInit(init: Buffer): void {
    this.piece++;
    this.inits.set(this.piece, init);
    this.pieceHasSegments = false;
    for (const p of this.inits.keys()) {
      if (p < this.piece && !this.segments.some((s) => s.piece === p)) this.inits.delete(p);
    }
  }

  addSegment(segment: Segment): void {
    if (this.piece < 0) return;
    const discontinuity = !this.pieceHasSegments && this.nextSeq > 0;
    if (discontinuity) this.discontinuities++;
    this.pieceHasSegments = true;
    this.segments.push({
      seq: this.nextSeq++,
      piece: this.piece,
      durationSeconds: segment.durationSeconds,
      programDateTime: segment.programDateTime,
      bytes: segment.bytes,
      discontinuities: this.discontinuities,
      discontinuity,
    });
    while (this.segments.length > KEPT) this.segments.shift();
    const init = this.inits.get(this.piece);
    if (init) this.subtitles.videoSegment(init, segment.bytes, segment.programDateTime, discontinuity);
  }

  /** The master playlist: the program and its subtitle rendition. */
  master(): string {
    const init = this.inits.get(this.piece);
    const video = init ? avcCodec(init) : null;
    // The pipeline's audio is AAC-LC (voaacenc).
    const codecs = video ? `,CODECS="${video},mp4a.40.2"` : '';
    const { width, height, fps } = PROGRAM;
    return `${[
      '#EXTM3U',
      '#EXT-X-VERSION:7',
      '#EXT-X-INDEPENDENT-SEGMENTS',
      this.subtitles.mediaTag('subtitles.m3u8'),
      `#EXT-X-STREAM-INF:BANDWIDTH=${BANDWIDTH}${codecs},RESOLUTION=${width}x${height},FRAME-RATE=${fps.toFixed(3)},SUBTITLES="subs"`,
      'live.m3u8',
    ].join('\n')}\n`;
  }

  get segmentCount(): number {
    return this.nextSeq;
  }

  playlist(): string {
    const listed = this.segments.slice(-LISTED);
    const first = listed[0];
    const target = Math.max(1, ...listed.map((s) => Math.ceil(s.durationSeconds)));
    const lines = ['#EXTM3U', '#EXT-X-VERSION:7', `#EXT-X-TARGETDURATION:${target}`];
    lines.push(`#EXT-X-MEDIA-SEQUENCE:${first?.seq ?? this.nextSeq}`);
    if (first)
      lines.push(`#EXT-X-DISCONTINUITY-SEQUENCE:${first.discontinuities - (first.discontinuity ? 1 : 0)}`);
    lines.push('#EXT-X-INDEPENDENT-SEGMENTS');
    let piece = -1;
    for (const s of listed) {
      if (s.discontinuity) lines.push('#EXT-X-DISCONTINUITY');
      if (s.piece !== piece) {
        lines.push(`#EXT-X-MAP:URI="${this.sessionId}/init-${s.piece}.mp4"`);
        piece = s.piece;
      }
      lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(s.programDateTime).toISOString()}`);
      lines.push(`#EXTINF:${s.durationSeconds.toFixed(3)},`);
      lines.push(`${this.sessionId}/${s.seq}.m4s`);
    }
    if (this.isEnded) lines.push('#EXT-X-ENDLIST');
    return `${lines.join('\n')}\n`;
  }

  /** `<session>/<n>.m4s`, `<session>/init-<n>.mp4` or `<session>/<n>.vtt`, if still kept. */
  file(sessionId: string, name: string): LiveFile | null {
    if (sessionId !== this.sessionId) return null;
    const init = /^init-(\d{1,6})\.mp4$/.exec(name);
    if (init) {
      const bytes = this.inits.get(Number(init[1]));
      return bytes ? { bytes, contentType: 'video/mp4' } : null;
    }
    if (name.endsWith('.vtt')) {
      const vtt = this.subtitles.segment(name);
      return vtt === null ? null : { bytes: vtt, contentType: 'text/vtt; charset=utf-8' };
    }
    const seg = /^(\d{1,9})\.m4s$/.exec(name);
    if (!seg) return null;
    const n = Number(seg[1]);
    const found = this.segments.find((s) => s.seq === n);
    return found ? { bytes: found.bytes, contentType: 'video/iso.segment' } : null;
  }
}
