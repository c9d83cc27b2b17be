// Follows the playlist ffmpeg's HLS muxer rewrites in a directory and hands
// each finished segment (with its duration and program date-time) to the
// recorder once, in order. ffmpeg writes segments and the playlist through a
// temporary file and a rename, so a listed segment is complete. Segment files
// are deleted once read: the recorder keeps the bytes (memory for the live
// window, the recording's own file on disk).
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

export interface Segment {
  /** ffmpeg's sequence number within this piece. */
  seq: number;
  durationSeconds: number;
  /** Wall-clock time of the segment's first frame, ms since the epoch. */
  programDateTime: number;
  bytes: Buffer;
}

export interface PlaylistEntry {
  seq: number;
  uri: string;
  durationSeconds: number;
  programDateTime: number;
}

export function parseMediaPlaylist(text: string): { entries: PlaylistEntry[]; ended: boolean } {
  const entries: PlaylistEntry[] = [];
  let seq = 0;
  let duration = 0;
  let pdt = 0;
  let ended = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#EXT-X-MEDIA-SEQUENCE:')) seq = Number(line.slice(22));
    else if (line.startsWith('#EXTINF:')) duration = Number.parseFloat(line.slice(8));
    else if (line.startsWith('#EXT-X-PROGRAM-DATE-TIME:'))
      pdt = Date.parse(line.slice(25).replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
    else if (line === '#EXT-X-ENDLIST') ended = true;
    else if (line && !line.startsWith('#')) {
      entries.push({ seq, uri: line, durationSeconds: duration, programDateTime: pdt });
      seq++;
    }
  }
  return { entries, ended };
}

const POLL_MS = 100;

export class SegmentTail {
  private lastSeq = -1;
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> = Promise.resolve();
  private lastText = '';
  init: Buffer | null = null;

  constructor(
    private readonly dir: string,
    private readonly onInit: (init: Buffer) => void,
    private readonly onSegment: (segment: Segment) => void,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.polling = this.polling.then(() => this.poll());
    }, POLL_MS);
  }

  /** Stops polling after reading what the finished muxer left. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.polling = this.polling.then(() => this.poll());
    await this.polling;
  }

  private async poll(): Promise<void> {
    let text: string;
    try {
      text = await readFile(join(this.dir, 'index.m3u8'), 'utf8');
    } catch {
      return; // not written yet
    }
    if (text === this.lastText) return;
    this.lastText = text;
    if (!this.init) {
      try {
        this.init = await readFile(join(this.dir, 'init.mp4'));
      } catch {
        return;
      }
      this.onInit(this.init);
    }
    for (const e of parseMediaPlaylist(text).entries) {
      if (e.seq <= this.lastSeq) continue;
      const path = join(this.dir, e.uri.split('/').pop() ?? e.uri);
      let bytes: Buffer;
      try {
        bytes = await readFile(path);
      } catch {
        continue; // already gone: nothing to hand on
      }
      this.lastSeq = e.seq;
      this.onSegment({
        seq: e.seq,
        durationSeconds: e.durationSeconds,
        programDateTime: e.programDateTime,
        bytes,
      });
      await rm(path, { force: true });
    }
  }
}
