// The live end of a broadcast, in memory: the last segments and the init
// segment of each pipeline run ("piece"), and the media playlist over them.
// A pipeline restart starts a new piece, announced to players with
// EXT-X-DISCONTINUITY and a new EXT-X-MAP. Names carry the session id, so a
// segment's URL always means the same bytes and can be cached for good.
import { randomBytes } from 'node:crypto';
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

export class LiveWindow {
  readonly sessionId = randomBytes(6).toString('hex');
  private readonly inits = new Map<number, Buffer>();
  private readonly segments: LiveSegment[] = [];
  private piece = -1;
  private nextSeq = 0;
  private discontinuities = 0;
  private pieceHasSegments = false;
  ended = false;
  readonly startedAt = Date.now();

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
    if (this.ended) lines.push('#EXT-X-ENDLIST');
    return `${lines.join('\n')}\n`;
  }

  /** Bytes of `<session>/<n>.m4s` or `<session>/init-<n>.mp4`, if still kept. */
  file(sessionId: string, name: string): { bytes: Buffer; init: boolean } | null {
    if (sessionId !== this.sessionId) return null;
    const init = /^init-(\d{1,6})\.mp4$/.exec(name);
    if (init) {
      const bytes = this.inits.get(Number(init[1]));
      return bytes ? { bytes, init: true } : null;
    }
    const seg = /^(\d{1,9})\.m4s$/.exec(name);
    if (!seg) return null;
    const n = Number(seg[1]);
    const found = this.segments.find((s) => s.seq === n);
    return found ? { bytes: found.bytes, init: false } : null;
  }
}
