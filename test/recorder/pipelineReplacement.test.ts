// Fault of #21: the recording's pipeline dies, and its replacement dies while
// starting. Before, no further pipeline was started: the recording stayed
// "recording", the host was told nothing, and 40 s of a 70 s lesson were
// silently missing. Now replacements are started with back-off until one
// runs, the room is told the recording is interrupted (and when it goes on),
// and the gap is kept in the recording's metadata. Real components: a
// mediasoup router with participants sending RTP, the GStreamer + ffmpeg
// pipeline, SIGKILL, ffprobe.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../common/log.js';
import { RecordingStore } from '../../recorder/recordingStore.js';
import { RoomRecorder } from '../../recorder/roomRecorder.js';
import { RecordedRoom, participantClip, probe } from '../helpers/recordedRoom.js';
import { pipelinePids } from '../helpers/recorderPipelines.js';

const log = createLogger('warn', { test: 'recorder-replacement' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let room: RecordedRoom;
let dir: string;
let store: RecordingStore;

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'recorder-replace-'));
  store = new RecordingStore({ dir: join(dir, 'recordings'), retentionDays: 30, minFreeBytes: 1 }, log);
  room = await RecordedRoom.create('replaced');
  await room.join('anna', 'Анна Петрова', true, participantClip('0xd02020', 440));
}, 60_000);

afterAll(async () => {
  await room?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the recording pipeline dies, and so does its replacement while starting', () => {
  it('is replaced until one runs; the room is told; the gap is in the metadata', async () => {
    const recorder = new RoomRecorder(room, store, join(dir, 'work'), log);
    const told: string[] = [];
    recorder.on('pipelineDown', () => told.push(`down ${recorder.interrupted}`));
    recorder.on('pipelineBack', (missing) => told.push(`back ${recorder.interrupted} ${missing > 0}`));
    room.speak('anna');
    const meta = await recorder.startRecording();
    await waitFor(() => recorder.recordedSeconds > 1, 60_000, 'the first seconds');

    const first = recorder.programProcess!.pids.gst!;
    // Every replacement started during the next moments dies before it is ready, twice.
    const killedStarting: number[] = [];
    let hunting = true;
    const hunt = (async () => {
      while (hunting && killedStarting.length < 2) {
        for (const pid of pipelinePids()) {
          if (pid === first || killedStarting.includes(pid)) continue;
          process.kill(pid, 'SIGKILL');
          killedStarting.push(pid);
        }
        await sleep(5);
      }
    })();
    process.kill(first, 'SIGKILL');
    await waitFor(() => recorder.interrupted, 10_000, 'the recorder to say it is interrupted');
    expect(told).toEqual(['down true']);
    await hunt.then(() => undefined);
    expect(killedStarting).toHaveLength(2);
    // A third pipeline runs and records.
    await waitFor(() => told.length === 2, 60_000, 'a replacement that records');
    hunting = false;
    expect(told).toEqual(['down true', 'back false true']);
    expect(recorder.restarts).toBeGreaterThanOrEqual(3);
    const before = recorder.recordedSeconds;
    await waitFor(() => recorder.recordedSeconds > before + 2, 30_000, 'seconds after the gap');

    const done = await recorder.stopRecording();
    await recorder.close();
    expect(done.id).toBe(meta.id);
    expect(done.status).toBe('ready');
    expect(done.gaps).toHaveLength(1);
    const gap = done.gaps![0]!;
    expect(gap.missingSeconds).toBeGreaterThan(0.5);
    expect(gap.atSeconds).toBeGreaterThan(1);
    expect(gap.atSeconds).toBeLessThan(done.durationSeconds);
    // The metadata on disk says so too, and the file holds what was recorded.
    const onDisk = JSON.parse(readFileSync(join(dir, 'recordings', `${done.id}.json`), 'utf8'));
    expect(onDisk.gaps).toEqual(done.gaps);
    const { duration, codecs } = probe(store.mediaPath(done.id));
    expect(codecs.sort()).toEqual(['aac', 'h264']);
    expect(Math.abs(done.durationSeconds - duration)).toBeLessThan(0.5);
  }, 180_000);
});
