// The broadcast's subtitle pieces: segment start times read from real
// ffmpeg fMP4 HLS output (the muxer the recorder uses), the live subtitle
// track set on the first live segment's origin and served under the
// session, the master playlist, and a recording's captions on its own
// timeline across a pipeline restart.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveWindow } from '../../recorder/liveWindow.js';
import { avcCodec, segmentStart90k, trackTimescales } from '../../recorder/mp4Time.js';
import { RecordingCaptions } from '../../recorder/recordingCaptions.js';

let dir: string;
let init: Buffer;
const segments: Buffer[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fmp4-'));
  // Like the program: H.264 main with a keyframe each second, AAC, 1 s fMP4 segments.
  execFileSync('ffmpeg', [
    ...['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x180:rate=25', '-f', 'lavfi'],
    ...['-i', 'sine=frequency=440:sample_rate=48000', '-t', '3'],
    ...[
      '-c:v',
      'libx264',
      '-tune',
      'zerolatency',
      '-profile:v',
      'main',
      '-pix_fmt',
      'yuv420p',
      '-g',
      '25',
      '-c:a',
      'aac',
      '-f',
      'hls',
      '-hls_time',
      '1',
    ],
    ...['-hls_segment_type', 'fmp4', '-hls_fmp4_init_filename', 'init.mp4'],
    ...['-hls_segment_filename', join(dir, 'seg%d.m4s'), join(dir, 'index.m3u8')],
  ]);
  init = readFileSync(join(dir, 'init.mp4'));
  for (let i = 0; i < 3; i++) segments.push(readFileSync(join(dir, `seg${i}.m4s`)));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fMP4 times', () => {
  it('reads each segment’s earliest track start in 90 kHz units, and the video codec', () => {
    const scales = trackTimescales(init);
    // Audio at its sample rate; ffmpeg gives 25 fps video a timescale of its own (12800).
    expect([...scales.values()].sort()).toEqual([12800, 48000]);
    const starts = segments.map((s) => segmentStart90k(scales, s)!);
    // Cut on the keyframe each second (no B-frames, as x264's zerolatency in the program).
    expect(starts).toEqual([0, 90000, 180000]);
    expect(avcCodec(init)).toMatch(/^avc1\.4d[0-9a-f]{4}$/);
    expect(segmentStart90k(scales, Buffer.from('not an mp4'))).toBeNull();
    expect(avcCodec(Buffer.alloc(4))).toBeNull();
  });
});

describe('live window with subtitles', () => {
  it('starts the subtitle track at the first live segment, serves it under the session, and ends it', () => {
    const w = new LiveWindow();
    const origin = Date.now() - 100;
    // A line said before the first segment exists waits for it.
    w.subtitles.add({
      participantId: 'p',
      speaker: 'Анна',
      text: 'Здравствуйте',
      startMs: origin + 200,
      endMs: origin + 1500,
      language: 'ru',
    });
    expect(w.subtitles.playlist()).not.toContain('.vtt');
    w.addInit(init);
    w.addSegment({ seq: 0, durationSeconds: 1, programDateTime: origin, bytes: segments[1]! });
    w.end();
    const playlist = w.subtitles.playlist();
    expect(playlist).toContain(`${w.sessionId}/0.vtt`);
    expect(playlist).toMatch(/#EXT-X-ENDLIST\n$/);
    const vtt = w.file(w.sessionId, '0.vtt')!;
    expect(vtt.contentType).toBe('text/vtt; charset=utf-8');
    const start = segmentStart90k(trackTimescales(init), segments[1]!)!;
    expect(String(vtt.bytes)).toBe(
      `WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:${start + 45000},LOCAL:00:00:00.500\n\n` +
        '00:00:00.200 --> 00:00:01.500\n<v Анна>Анна: Здравствуйте\n',
    );
    expect(w.file('other', '0.vtt')).toBeNull();
    expect(w.file(w.sessionId, '../0.vtt')).toBeNull();

    const master = w.master();
    expect(master).toContain(
      '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="Русский",LANGUAGE="ru",DEFAULT=NO,AUTOSELECT=YES,FORCED=NO,URI="subtitles.m3u8"',
    );
    expect(master).toMatch(
      /#EXT-X-STREAM-INF:BANDWIDTH=\d+,CODECS="avc1\.4d[0-9a-f]{4},mp4a\.40\.2",RESOLUTION=1280x720,FRAME-RATE=25\.000,SUBTITLES="subs"\nlive\.m3u8\n$/,
    );
  });
});

describe('recording captions', () => {
  it('puts lines on the recording’s timeline, piece by piece', () => {
    const c = new RecordingCaptions();
    const wall = Date.UTC(2026, 0, 1, 9);
    const line = (startMs: number, endMs: number, text: string) => ({
      participantId: 'p',
      speaker: 'Учитель',
      text,
      startMs,
      endMs,
      language: 'ru',
    });
    expect(c.toVtt()).toBeNull();
    for (let i = 0; i < 10; i++) c.segment(wall + i * 1000, i);
    // The pipeline died: 3 s of the room are not in the file, which goes on at 10 s.
    for (let i = 0; i < 5; i++) c.segment(wall + 13_000 + i * 1000, 10 + i);
    c.add(line(wall + 14_000, wall + 15_500, 'после'));
    c.add(line(wall + 2000, wall + 4000, 'до'));
    c.add(line(wall - 5000, wall - 4000, 'раньше записи'));
    c.add(line(wall - 500, wall + 1000, 'на границе'));
    expect(c.toVtt()).toBe(
      'WEBVTT\n\n' +
        '00:00:00.000 --> 00:00:01.000\n<v Учитель>Учитель: на границе\n\n' +
        '00:00:02.000 --> 00:00:04.000\n<v Учитель>Учитель: до\n\n' +
        '00:00:11.000 --> 00:00:12.500\n<v Учитель>Учитель: после\n',
    );
  });
});
