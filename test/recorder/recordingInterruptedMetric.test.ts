// #30's monitoring counts interrupted recordings
// (`school_call_recordings_interrupted_total{reason}`, what the
// RecordingInterrupted alert and the dashboard read): a lesson recorded
// through the real server, its real GStreamer pipeline SIGKILLed, and the
// server's own /metrics read before and after. One death is counted once
// (not again when the replacement records, nor when the host stops); a host
// stopping the recording is not an interruption.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient, pb } from '../helpers/protocolClient.js';
import { participantClip } from '../helpers/recordedRoom.js';
import { pipelinePids } from '../helpers/recorderPipelines.js';
import { type RtpParticipant, seatRtpParticipant } from '../helpers/rtpParticipant.js';
import { type TestServer, createRoomWithToken, startTestServer } from '../helpers/testServer.js';

const METRIC = 'school_call_recordings_interrupted_total';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let server: TestServer;
let host: TestClient;
let anna: RtpParticipant;

/** The counter per reason, as a scraper reads it from /metrics. */
async function interrupted(): Promise<Record<string, number>> {
  const res = await fetch(`${server.httpUrl}/metrics`);
  expect(res.status).toBe(200);
  const text = await res.text();
  expect(text).toContain(`# TYPE ${METRIC} counter`);
  const out: Record<string, number> = {};
  for (const m of text.matchAll(new RegExp(`^${METRIC}\\{reason="([^"]+)"\\} (\\d+)$`, 'gm'))) {
    out[m[1]!] = Number(m[2]);
  }
  return out;
}

async function waitFor<T>(get: () => T, ok: (v: T) => boolean, what: string, ms = 60_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = get();
    if (ok(v)) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

beforeAll(async () => {
  server = await startTestServer();
  const [h] = await createRoomWithToken(server, 'lesson', [
    { displayName: 'Учитель', role: 'host', userId: 'teacher' },
  ]);
  host = await TestClient.connect(server.wsUrl);
  await host.request({ join: { roomId: 'lesson', token: h!.token } });
  anna = await seatRtpParticipant(server.registry.get('lesson')!, {
    id: 'anna',
    displayName: 'Анна',
    role: 'participant',
    clip: participantClip('0xd02020', 440),
  });
}, 60_000);

afterAll(async () => {
  anna?.leave();
  host?.close();
  await server?.close();
});

describe('interrupted recordings in /metrics', () => {
  it('a killed pipeline counts one pipeline-down; its replacement and the host’s stop count nothing', async () => {
    expect(pipelinePids()).toEqual([]);
    const started = await host.request({ startRecording: {} });
    expect(started.recordingStarted?.status).toBe(pb.RecordingStatus.RECORDING_STATUS_RECORDING);
    const [pid] = await waitFor(pipelinePids, (p) => p.length === 1, 'the recording pipeline');
    const before = await interrupted();
    expect(before['pipeline-down'] ?? 0).toBe(0);

    host.events.length = 0;
    process.kill(pid!, 'SIGKILL');
    await host.waitForEvent((e) => e.recordingState?.interrupted === true, 30_000);
    expect(await interrupted()).toEqual({ ...before, 'pipeline-down': 1 });

    // The replacement records again: the same interruption, not a second one.
    await host.waitForEvent(
      (e) => e.recordingState?.recording === true && !e.recordingState.interrupted,
      90_000,
    );
    const replaced = pipelinePids();
    expect(replaced).toHaveLength(1);
    expect(replaced[0]).not.toBe(pid);
    expect(await interrupted()).toEqual({ ...before, 'pipeline-down': 1 });

    // The host stops it: asked for, so not counted.
    const stopped = await host.request({ stopRecording: {} });
    expect(stopped.recordingStopped?.status).toBe(pb.RecordingStatus.RECORDING_STATUS_READY);
    await waitFor(pipelinePids, (p) => p.length === 0, 'the pipeline to finish');
    expect(await interrupted()).toEqual({ ...before, 'pipeline-down': 1 });
  }, 180_000);
});
