// Untried fault of #21: the HLS packager (the ffmpeg segmenter) is killed in
// the middle of a broadcast. The pipeline is replaced (with back-off, like a
// recording's); the live playlist goes on after a discontinuity, with media
// sequence numbers that only grow, so a viewer's player continues after a
// short gap; the room is told meanwhile. Real components: mediasoup,
// GStreamer, ffmpeg, SIGKILL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../common/log.js';
import { RecordingStore } from '../../recorder/recordingStore.js';
import { RoomRecorder } from '../../recorder/roomRecorder.js';
import { RecordedRoom, participantClip } from '../helpers/recordedRoom.js';

const log = createLogger('warn', { test: 'hls-packager-killed' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let room: RecordedRoom;
let dir: string;

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const mediaSequence = (playlist: string) => Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(playlist)?.[1] ?? -1);
const segmentNames = (playlist: string) => playlist.split('\n').filter((l) => l && !l.startsWith('#'));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hls-killed-'));
  room = await RecordedRoom.create('assembly');
  await room.join('anna', 'Анна Петрова', true, participantClip('0xd02020', 440));
}, 60_000);

afterAll(async () => {
  await room?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the HLS packager is killed mid-broadcast', () => {
  it('the live playlist goes on after a discontinuity; the room was told', async () => {
    const store = new RecordingStore(
      { dir: join(dir, 'recordings'), retentionDays: 1, minFreeBytes: 1 },
      log,
    );
    const recorder = new RoomRecorder(room, store, join(dir, 'work'), log);
    const told: string[] = [];
    recorder.on('pipelineDown', () => told.push('down'));
    recorder.on('pipelineBack', () => told.push('back'));
    room.speak('anna');
    const live = await recorder.startBroadcast();
    await waitFor(() => live.segmentCount >= 3, 60_000, 'the first segments');
    const before = live.playlist();
    const seen = new Set(segmentNames(before));

    process.kill(recorder.programProcess!.pids.ffmpeg!, 'SIGKILL');
    await waitFor(() => told.includes('down'), 10_000, 'the room to be told');
    await waitFor(() => told.includes('back'), 60_000, 'the broadcast to go on');
    await waitFor(() => live.playlist().includes('#EXT-X-DISCONTINUITY'), 10_000, 'a discontinuity');
    const countAfter = live.segmentCount;
    await waitFor(() => live.segmentCount >= countAfter + 2, 30_000, 'segments after the gap');

    const after = live.playlist();
    expect(live.ended).toBe(false);
    expect(recorder.isBroadcasting).toBe(true);
    // A player that polls goes on: sequence numbers grow, and new segment names follow the ones it had.
    expect(mediaSequence(after)).toBeGreaterThanOrEqual(mediaSequence(before));
    const fresh = segmentNames(after).filter((n) => !seen.has(n));
    expect(fresh.length).toBeGreaterThanOrEqual(2);
    // The recording of the broadcast keeps the gap in its metadata.
    await recorder.stopBroadcast();
    const meta = (await store.list('assembly'))[0]!;
    expect(meta.gaps?.length).toBe(1);
    await recorder.close();
  }, 180_000);
});
