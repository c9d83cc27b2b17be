import { describe, expect, it } from 'vitest';
import { DEFAULT_LIVE_SUBTITLE_OPTIONS, LiveSubtitleTrack } from '../../transcriber/liveSubtitleTrack.js';
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
    expect(t.segment('0.vtt')).toBe(
      'WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:126000,LOCAL:00:00:00.000\n\n00:00:00.500 --> 00:00:03.000\n<v Учитель>Доброе утро\n',
    );
    // The cue runs into segment 1 and is repeated there.
    t.playlist(origin + 7000);
    expect(t.segment('1.vtt')).toContain('00:00:00.500 --> 00:00:03.000');
    expect(t.segment('2.vtt')).toBeNull();
    t.playlist(origin + 9000);
    expect(t.segment('2.vtt')).toBe('WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:126000,LOCAL:00:00:00.000\n');
    expect(t.segment('../0.vtt')).toBeNull();
  });

  it('shows a line that comes too late for its segment from the next open one, and closes at the end', () => {
    const t = track();
    t.playlist(origin + 5000); // segment 0 published
    t.add({ startMs: origin + 1000, endMs: origin + 2600, speaker: 'A', text: 'поздно' });
    t.add({ startMs: origin + 100, endMs: origin + 900, speaker: 'A', text: 'слишком поздно' });
    t.end(origin + 5000);
    expect(t.segment('1.vtt')).toContain('00:00:02.000 --> 00:00:02.600\n<v A>поздно');
    expect(t.segment('1.vtt')).not.toContain('слишком');
    expect(t.playlist()).toMatch(/#EXT-X-ENDLIST\n$/);
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
