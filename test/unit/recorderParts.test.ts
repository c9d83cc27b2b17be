// The recorder's pure parts: who the program shows and hears, one steady RTP
// stream per slot over a real UDP socket, the live playlist, and ids that
// can never be paths.
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../common/log.js';
import { LiveWindow } from '../../recorder/liveWindow.js';
import { type DirectorSource, directProgram } from '../../recorder/programDirector.js';
import { RecordingStore, isRecordingId } from '../../recorder/recordingStore.js';
import { SlotRelay } from '../../recorder/slotRelay.js';

const people = [
  { id: 'host', displayName: 'Учитель', isHost: true },
  { id: 'p1', displayName: 'Аня', isHost: false },
  { id: 'p2', displayName: 'Боря', isHost: false },
];
const src = (participantId: string, source: DirectorSource['source'], paused = false): DirectorSource => ({
  producerId: `${participantId}-${source}`,
  participantId,
  source,
  paused,
});
const base = { participants: people, speaking: [], previousAudio: [], audioSlots: 4 };

describe('program director', () => {
  it('shows the screen share with the presenter in the corner, else the speaker, else the host', () => {
    const sources = [
      src('host', 'camera'),
      src('p1', 'camera'),
      src('p1', 'screen'),
      src('p1', 'microphone'),
    ];
    expect(directProgram({ ...base, sources, activeSpeaker: 'host' })).toMatchObject({
      main: 'p1-screen',
      corner: 'p1-camera',
      label: 'Аня',
    });
    const noShare = sources.filter((s) => s.source !== 'screen');
    expect(directProgram({ ...base, sources: noShare, activeSpeaker: 'p1' })).toMatchObject({
      main: 'p1-camera',
      corner: null,
    });
    expect(directProgram({ ...base, sources: noShare, activeSpeaker: 'p2' })).toMatchObject({
      main: 'host-camera',
      label: 'Учитель',
    });
    const camerasOff = [src('host', 'camera', true), src('p1', 'camera', true)];
    expect(directProgram({ ...base, sources: camerasOff, activeSpeaker: 'p1' })).toMatchObject({
      main: null,
      label: '',
    });
  });

  it('shows the open whiteboard with its host in the corner, unless someone shares a screen', () => {
    const sources = [src('host', 'camera'), src('host', 'whiteboard'), src('p1', 'camera')];
    expect(directProgram({ ...base, sources, activeSpeaker: 'p1' })).toMatchObject({
      main: 'host-whiteboard',
      corner: 'host-camera',
      label: 'Учитель',
    });
    expect(
      directProgram({ ...base, sources: [...sources, src('p1', 'screen')], activeSpeaker: 'p1' }),
    ).toMatchObject({ main: 'p1-screen', corner: 'p1-camera' });
  });

  it('shows a presented document before an open whiteboard, after a screen share', () => {
    const sources = [
      src('host', 'camera'),
      src('host', 'whiteboard'),
      src('host', 'document'),
      src('p1', 'camera'),
    ];
    expect(directProgram({ ...base, sources, activeSpeaker: 'p1' })).toMatchObject({
      main: 'host-document',
      corner: 'host-camera',
      label: 'Учитель',
    });
    expect(
      directProgram({ ...base, sources: [...sources, src('p1', 'screen')], activeSpeaker: 'p1' }),
    ).toMatchObject({ main: 'p1-screen', corner: 'p1-camera' });
  });

  it('mixes every unmuted microphone that fits, else the loudest; slots stay put', () => {
    const mics = ['host', 'p1', 'p2', 'a', 'b', 'c'].map((id) => src(id, 'microphone', id === 'p2'));
    const first = directProgram({ ...base, sources: mics.slice(0, 3), activeSpeaker: null });
    expect(first.audio).toEqual(['host-microphone', 'p1-microphone', null, null]);
    const crowded = directProgram({
      ...base,
      sources: mics,
      activeSpeaker: null,
      speaking: ['c', 'b'],
      previousAudio: first.audio,
    });
    expect(crowded.audio).toHaveLength(4);
    expect(crowded.audio).not.toContain('p2-microphone'); // muted
    expect(crowded.audio).toEqual(expect.arrayContaining(['c-microphone', 'b-microphone']));
    expect(crowded.audio[0]).toBe('host-microphone'); // kept its slot
    expect(crowded.audio[1]).toBe('p1-microphone');
  });
});

function rtp(seq: number, ts: number, ssrc: number, vp8Key: boolean): Buffer {
  const b = Buffer.alloc(20);
  b[0] = 0x80;
  b[1] = 101;
  b.writeUInt16BE(seq, 2);
  b.writeUInt32BE(ts, 4);
  b.writeUInt32BE(ssrc, 8);
  b[12] = 0x10; // VP8 descriptor: S=1, PID 0
  b[13] = vp8Key ? 0x00 : 0x01; // payload header: P bit
  return b;
}

describe('slot relay', () => {
  it('keeps one SSRC and continuous sequence numbers across a switch made at a keyframe', async () => {
    const sink = createSocket('udp4');
    await new Promise<void>((r) => sink.bind(0, '127.0.0.1', r));
    const got: Buffer[] = [];
    sink.on('message', (m) => got.push(m));
    const out = createSocket('udp4');
    const asked: string[] = [];
    const relay = new SlotRelay(out, {
      kind: 'video',
      port: sink.address().port,
      payloadType: 96,
      clockRate: 90000,
      ssrc: 1234,
      requestKeyFrame: (id) => asked.push(id),
    });
    relay.select('a');
    relay.feed('a', rtp(100, 5000, 1, false)); // not a keyframe: waits
    relay.feed('a', rtp(101, 5000, 1, true));
    relay.feed('a', rtp(102, 8000, 1, false));
    relay.select('b');
    relay.feed('b', rtp(9000, 70000, 2, false)); // b waits for its keyframe; a goes on
    relay.feed('a', rtp(103, 11000, 1, false));
    relay.feed('b', rtp(9001, 73000, 2, true));
    relay.feed('a', rtp(104, 14000, 1, false)); // a is off air now
    relay.feed('b', rtp(9002, 76000, 2, false));
    await new Promise((r) => setTimeout(r, 100));
    sink.close();
    out.close();
    expect(asked).toEqual(['a', 'b']);
    expect(got).toHaveLength(5);
    expect(new Set(got.map((p) => p.readUInt32BE(8)))).toEqual(new Set([1234]));
    expect(got.every((p) => (p[1]! & 0x7f) === 96)).toBe(true);
    const seqs = got.map((p) => p.readUInt16BE(2));
    expect(seqs.slice(1).map((s, i) => (s - seqs[i]!) & 0xffff)).toEqual([1, 1, 1, 1]);
    const ts = got.map((p) => p.readUInt32BE(4));
    expect(ts[4]! - ts[3]!).toBe(3000); // b's own spacing kept after the switch
    expect(ts[3]! - ts[2]!).toBeGreaterThan(0);
  });
});

describe('live window', () => {
  it('lists the newest segments with date-times, and marks a pipeline restart', () => {
    const w = new LiveWindow();
    const seg = (i: number) => ({
      seq: i,
      durationSeconds: 1,
      programDateTime: Date.UTC(2026, 0, 1, 9, 0, i),
      bytes: Buffer.from([i]),
    });
    w.addInit(Buffer.from('init0'));
    for (let i = 0; i < 8; i++) w.addSegment(seg(i));
    w.addInit(Buffer.from('init1'));
    w.addSegment(seg(10));
    const text = w.playlist();
    expect(text).toContain('#EXT-X-MEDIA-SEQUENCE:3');
    expect(text).toContain('#EXT-X-PROGRAM-DATE-TIME:2026-01-01T09:00:03.000Z');
    expect(text).toContain(`#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI="${w.sessionId}/init-1.mp4"`);
    expect(w.file(w.sessionId, '8.m4s')?.bytes).toEqual(Buffer.from([10]));
    expect(w.file(w.sessionId, 'init-1.mp4')?.contentType).toBe('video/mp4');
    expect(w.file('other', '8.m4s')).toBeNull();
    expect(w.file(w.sessionId, '../8.m4s')).toBeNull();
  });
});

describe('recording ids', () => {
  it('are never paths', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rec-ids-'));
    const store = new RecordingStore({ dir, retentionDays: 1, minFreeBytes: 1 }, createLogger('error'));
    for (const bad of ['../x', '..%2F..', '/etc/passwd', 'a'.repeat(21), 'ABCDEFGHIJKLMNOPQRST', '']) {
      expect(isRecordingId(bad)).toBe(false);
      expect(await store.get(bad)).toBeNull();
      expect(await store.delete(bad)).toBe(false);
    }
    rmSync(dir, { recursive: true, force: true });
  });
});
