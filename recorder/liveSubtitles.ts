// The subtitles of one live broadcast: whether the room's subtitles are on
// (the viewer page offers its "Субтитры" toggle then), and the WebVTT track
// of final lines (recorder/liveSubtitleTrack.ts) on the video's own grid:
// its origin is the first live segment, whose wall-clock time the recorder
// knows (EXT-X-PROGRAM-DATE-TIME) and whose start PTS the segment itself
// says (tfdt); after a pipeline restart, the first segment of the new run
// gives a new origin. Lines that come before the first segment wait for it.
import type { SubtitleFinal } from '../signaling/domain/roomEvents.js';
import { DEFAULT_LIVE_SUBTITLE_OPTIONS, LiveSubtitleTrack } from './liveSubtitleTrack.js';
import { segmentStart90k, trackTimescales } from './mp4Time.js';

export interface SubtitlesState {
  enabled: boolean;
  /** What the lines come in: 'ru', 'en' or 'auto'. */
  language: string;
}

/** Lines kept while the first segment is still being made. */
const EARLY_LINES = 20;
/** The track's name in players' menus (Safari shows it; our page has its own button). */
const NAMES: Record<string, string> = { ru: 'Русский', en: 'English' };

export class LiveSubtitles {
  state: SubtitlesState = { enabled: false, language: 'ru' };
  private track: LiveSubtitleTrack | null = null;
  private readonly early: SubtitleFinal[] = [];
  private ended = false;

  constructor(
    /** Segment URIs are `<prefix><n>.vtt` (the broadcast session's directory). */
    private readonly segmentPrefix: string,
    private readonly segmentSeconds: number,
  ) {}

  /**
   * A video segment went live: the first sets the track's origin, the first
   * after a discontinuity (the pipeline restarted) a new one; each publishes what is due.
   */
  videoSegment(init: Buffer, bytes: Buffer, programDateTime: number, discontinuity: boolean): void {
    if (this.ended) return;
    if (this.track && !discontinuity) {
      this.track.advance();
      return;
    }
    const originPts90k = segmentStart90k(trackTimescales(init), bytes);
    if (this.track) {
      // Unreadable (never seen): a new run of ffmpeg's muxer starts at PTS 0.
      this.track.restart(programDateTime, originPts90k ?? 0);
      this.track.advance();
      return;
    }
    if (originPts90k === null) return; // unreadable: the next segment will do
    this.track = new LiveSubtitleTrack({
      ...DEFAULT_LIVE_SUBTITLE_OPTIONS,
      originWallMs: programDateTime,
      originPts90k,
      segmentSeconds: this.segmentSeconds,
      segmentPrefix: this.segmentPrefix,
    });
    for (const line of this.early.splice(0)) this.add(line);
  }

  add(line: SubtitleFinal): void {
    if (this.ended) return;
    if (!this.track) {
      if (this.early.length < EARLY_LINES) this.early.push(line);
      return;
    }
    this.track.add({ startMs: line.startMs, endMs: line.endMs, speaker: line.speaker, text: line.text });
  }

  /** The media playlist (empty, and still live, until the first segment). */
  playlist(): string {
    if (this.track) return this.track.playlist();
    const head = [
      '#EXTM3U',
      '#EXT-X-VERSION:6',
      `#EXT-X-TARGETDURATION:${Math.ceil(this.segmentSeconds)}`,
      '#EXT-X-MEDIA-SEQUENCE:0',
    ];
    if (this.ended) head.push('#EXT-X-ENDLIST');
    return `${head.join('\n')}\n`;
  }

  /** WebVTT of `<n>.vtt`, if published and still kept. */
  segment(name: string): string | null {
    return this.track?.segment(name) ?? null;
  }

  /** The master playlist's rendition; not DEFAULT: a viewer turns subtitles on. */
  mediaTag(uri: string): string {
    const language = this.state.language === 'auto' ? 'und' : this.state.language;
    return LiveSubtitleTrack.mediaTag(uri, language, NAMES[language] ?? 'Субтитры', 'subs', false);
  }

  /** The broadcast ended: publish what is left, close the playlist. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.track?.end();
  }
}
