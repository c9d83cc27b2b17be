import { describe, expect, it } from 'vitest';
import { DEFAULT_LIVE_SUBTITLE_OPTIONS, LiveSubtitleTrack } from '../../recorder/liveSubtitleTrack.js';
import { escapeCueText, vttCue, vttDocument, vttTimestamp } from '../../transcriber/webvtt.js';

describe('WebVTT text', () => {
  it('writes timestamps as HH:MM:SS.mmm', () => {
    expect(vttTimestamp(0)).toBe('00:00:00.000');
    expect(vttTimestamp(3_723_004)).toBe('01:02:03.004');
    expect(vttTimestamp(-5)).toBe('00:00:00.000');
  });

  it('escapes markup and keeps a cue from ending early', () => {
    expect(escapeCueText('a < b && c > d')).toBe('a &lt; b &amp;&amp; c &gt; d');
    expect(escapeCueText('x --> y')).toBe('x --&gt; y');
    expect(escapeCueText('one\n\ntwo')).toBe('one\ntwo');
  });

  it('puts the speaker in a voice span', () => {
    expect(vttCue({ startMs: 1000, endMs: 2500, speaker: 'Анна <Петрова>', text: 'Привет' })).toBe(
      '00:00:01.000 --> 00:00:02.500\n<v Анна &lt;Петрова&gt;>Привет',
    );
    expect(vttDocument([])).toBe('WEBVTT\n');
  });
});

describe('live subtitle track for HLS', () => {
  const origin = Date.UTC(2026, 0, 1, 9, 0, 0);
  const track = (): LiveSubtitleTrack =>
    new LiveSubtitleTrack({
      ...DEFAULT_LIVE_SUBTITLE_OPTIONS,
      holdbackMs: 3000,
      originWallMs: origin,
      originPts90k: 126000,
      segmentSeconds: 2,
    });

  it('publishes a segment once its time and the holdback have passed, with its cues', () => {
    const t = track();
    t.add({ startMs: origin + 500, endMs: origin + 3000, speaker: 'Учитель', text: 'Доброе утро' });
    // Segment 0 is [0 s, 2 s): published at 2 s + 3 s holdback.
    expect(t.playlist(origin + 4900)).not.toContain('0.vtt');
    const playlist = t.playlist(origin + 5000);
    expect(playlist).toContain('#EXT-X-TARGETDURATION:2');
    expect(playlist).toContain('#EXT-X-MEDIA-SEQUENCE:0');
    expect(playlist).toContain(
      `#EXT-X-PROGRAM-DATE-TIME:${new Date(origin).toISOString()}\n#EXTINF:2.000,\n0.vtt`,
    );
    // The map names origin + 0.5 s on both clocks (see MAP_OFFSET_MS); the speaker is in the text too.
    expect(t.segment('0.vtt')).toBe(
      'WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:171000,LOCAL:00:00:00.500\n\n00:00:00.500 --> 00:00:03.000\n<v Учитель>Учитель: Доброе утро\n',
    );
    // The cue runs into segment 1 and is repeated there.
    t.playlist(origin + 7000);
    expect(t.segment('1.vtt')).toContain('00:00:00.500 --> 00:00:03.000');
    expect(t.segment('2.vtt')).toBeNull();
    t.playlist(origin + 9000);
    expect(t.segment('2.vtt')).toBe('WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:171000,LOCAL:00:00:00.500\n');
    expect(t.segment('../0.vtt')).toBeNull();
  });

  it('shows a line too late for its segment from the next open one, for as long as it was said, and closes at the end', () => {
    const t = track();
    t.playlist(origin + 5000); // segment 0 published
    t.add({ startMs: origin + 1000, endMs: origin + 2600, speaker: 'A', text: 'поздно' });
    t.add({ startMs: origin + 100, endMs: origin + 900, speaker: 'A', text: 'совсем поздно' });
    t.end(origin + 5000);
    expect(t.segment('1.vtt')).toContain('00:00:02.000 --> 00:00:03.600\n<v A>A: поздно');
    expect(t.segment('1.vtt')).toContain('00:00:02.000 --> 00:00:02.800\n<v A>A: совсем поздно');
    expect(t.segment('0.vtt')).not.toContain('поздно');
    expect(t.playlist()).toMatch(/#EXT-X-ENDLIST\n$/);
  });

  it('names segments under a prefix and offers a rendition that is not on by default', () => {
    const t = new LiveSubtitleTrack({
      ...DEFAULT_LIVE_SUBTITLE_OPTIONS,
      originWallMs: origin,
      originPts90k: 0,
      segmentSeconds: 1,
      segmentPrefix: 'abc123/',
    });
    // 1 s segments, 4 s holdback: segment 0 is listed at 5 s.
    expect(t.playlist(origin + 4999)).not.toContain('.vtt');
    expect(t.playlist(origin + 5000)).toContain('\nabc123/0.vtt\n');
    expect(t.segment('0.vtt')).not.toBeNull();
    expect(LiveSubtitleTrack.mediaTag('subtitles.m3u8', 'ru', 'Русский', 'subs', false)).toContain(
      'DEFAULT=NO,AUTOSELECT=YES',
    );
  });

  it('follows the video across a restart: a discontinuity, then cues on the new run’s origin', () => {
    const t = new LiveSubtitleTrack({
      ...DEFAULT_LIVE_SUBTITLE_OPTIONS,
      originWallMs: origin,
      originPts90k: 900_000,
      segmentSeconds: 1,
    });
    t.playlist(origin + 7000); // segments 0-2 published (4 s holdback)
    // The pipeline died; its new run starts at 4.3 s with PTS from (about) zero.
    t.restart(origin + 4300, 5000);
    t.add({ startMs: origin + 4500, endMs: origin + 5500, speaker: 'A', text: 'снова' });
    // Said after the new origin but within the old run's last segment (4-5 s): the new run's.
    t.add({ startMs: origin + 4400, endMs: origin + 4450, speaker: 'A', text: 'сразу' });
    const playlist = t.playlist(origin + 9300);
    expect(playlist).toContain('#EXT-X-DISCONTINUITY-SEQUENCE:0\n');
    expect(playlist).toContain(
      `\n4.vtt\n#EXT-X-DISCONTINUITY\n#EXT-X-PROGRAM-DATE-TIME:${new Date(origin + 4300).toISOString()}\n#EXTINF:1.000,\n5.vtt\n`,
    );
    expect(t.segment('4.vtt')).toBe('WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:945000,LOCAL:00:00:00.500\n');
    expect(t.segment('5.vtt')).toBe(
      'WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:50000,LOCAL:00:00:00.500\n\n' +
        '00:00:00.100 --> 00:00:00.150\n<v A>A: сразу\n\n00:00:00.200 --> 00:00:01.200\n<v A>A: снова\n',
    );
    // Once the tag has scrolled out of the playlist, the count carries it.
    const later = t.playlist(origin + 4300 + 14_000);
    expect(later).toContain('#EXT-X-DISCONTINUITY-SEQUENCE:1\n');
    expect(later).not.toContain('#EXT-X-DISCONTINUITY\n');
    expect(later).toContain(`#EXT-X-PROGRAM-DATE-TIME:${new Date(origin + 4300 + 5000).toISOString()}`);
  });

  it('lists the last segments only and forgets old ones', () => {
    const t = track();
    t.playlist(origin + 200_000);
    const listed = t.playlist(origin + 200_000).match(/^\d+\.vtt$/gm)!;
    expect(listed.length).toBe(DEFAULT_LIVE_SUBTITLE_OPTIONS.listed);
    expect(t.segment('0.vtt')).toBeNull();
    expect(t.segment(listed.at(-1)!)).not.toBeNull();
  });

  it('makes the master playlist entry', () => {
    expect(LiveSubtitleTrack.mediaTag('subtitles.m3u8', 'ru', 'Русские субтитры')).toBe(
      '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="Русские субтитры",LANGUAGE="ru",DEFAULT=YES,AUTOSELECT=YES,FORCED=NO,URI="subtitles.m3u8"',
    );
  });
});
