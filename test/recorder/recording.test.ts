// The recorder against real components: a real mediasoup router, two
// participants sending real RTP from ffmpeg (red with a 440 Hz tone, blue
// with 660 Hz), the real GStreamer + ffmpeg program pipeline, and ffprobe on
// the result.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../common/log.js';
import { RecordingStore } from '../../recorder/recordingStore.js';
import { RoomRecorder } from '../../recorder/roomRecorder.js';
import { RecordedRoom, frameColour, participantClip, probe, saveFrame } from '../helpers/recordedRoom.js';

const log = createLogger('warn', { test: 'recorder' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const RED = '0xd02020';
const BLUE = '0x2040e0';

let room: RecordedRoom;
let dir: string;
let store: RecordingStore;

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out');
    await sleep(50);
  }
}

const isRed = ([r, g, b]: number[]) => r! > 120 && r! > 2 * b! && r! > 2 * g!;
const isBlue = ([r, g, b]: number[]) => b! > 120 && b! > 2 * r!;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'recorder-test-'));
  store = new RecordingStore({ dir: join(dir, 'recordings'), retentionDays: 30, minFreeBytes: 1 }, log);
  room = await RecordedRoom.create('concert');
  await room.join('anna', 'Анна Петрова', true, participantClip(RED, 440));
  await room.join('boris', 'Борис', false, participantClip(BLUE, 660));
});

afterAll(async () => {
  await room?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('recording', () => {
  it('records who speaks, survives a SIGKILLed pipeline, and ends as one faststart MP4', async () => {
    const recorder = new RoomRecorder(room, store, join(dir, 'work'), log);
    room.speak('anna');
    const meta = await recorder.startRecording();
    // The clock starts with the first recorded second (a busy machine takes a while to start x264).
    await waitFor(() => recorder.recordedSeconds > 0, 15_000);
    const started = Date.now() - 1000;
    expect(meta.status).toBe('recording');
    expect(store.list('concert').map((m) => m.id)).toEqual([meta.id]);
    await expect(recorder.startRecording()).rejects.toMatchObject({ code: 'already-recording' });

    await sleep(5000);
    expect(recorder.program.main).toBe(room.producerOf('anna', 'camera')?.id);
    room.speak('boris');
    await sleep(3500);
    expect(recorder.program.main).toBe(room.producerOf('boris', 'camera')?.id);
    expect(recorder.program.audio.filter(Boolean)).toHaveLength(2);

    const killed = recorder.programProcess!.pids.gst!;
    const killedAt = Date.now();
    process.kill(killed, 'SIGKILL');
    await waitFor(() => recorder.restarts === 1 && recorder.programProcess?.pids.gst !== killed, 10_000);
    const before = recorder.recordedSeconds;
    await waitFor(() => recorder.recordedSeconds > before, 15_000);
    // From the kill to the first second recorded by the new pipeline.
    const gap = (Date.now() - killedAt) / 1000;
    console.log(`recording gap after SIGKILL: ${gap.toFixed(1)} s`);
    expect(gap).toBeLessThan(6);
    await sleep(3000);
    const done = await recorder.stopRecording();
    const elapsed = (Date.now() - started) / 1000;
    await recorder.close();

    expect(done.status).toBe('ready');
    const file = store.filePath(done.id)!;
    const { duration, codecs } = probe(file);
    expect(codecs.sort()).toEqual(['aac', 'h264']);
    // Lost: the segment in progress at the kill and the restart (the gap).
    expect(duration).toBeGreaterThan(elapsed - gap - 1.5);
    expect(duration).toBeLessThan(elapsed + 1);
    expect(Math.abs(done.durationSeconds - duration)).toBeLessThan(0.2);
    expect(done.sizeBytes).toBeGreaterThan(100_000);

    // Anna (red) first, Boris (blue) after the switch, and still after the restart.
    expect(isRed(frameColour(file, 2))).toBe(true);
    expect(isBlue(frameColour(file, 7.5))).toBe(true);
    expect(isBlue(frameColour(file, duration - 1))).toBe(true);
    saveFrame(file, 2, 'recording-anna.png');
    saveFrame(file, duration - 1, 'recording-boris-after-restart.png');
  });
});
