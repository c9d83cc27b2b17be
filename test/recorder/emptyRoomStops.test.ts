// N2 of #21's re-run: a broadcast (and its recording) kept running after its
// host left and the room emptied: the pipeline ran on (~17 % of a core) and
// held one of the server's RECORDINGS_AT_ONCE places until someone came back.
// Now, when nobody comes back within the empty-room grace (15 s, when the
// room's media closes), what runs on for the room stops: the recording is
// finished (`room-empty`), the broadcast ends, the pipeline exits and the
// place comes free for another lesson.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient, pb } from '../helpers/protocolClient.js';
import { pipelinePids } from '../helpers/recorderPipelines.js';
import { type TestServer, createRoomWithToken, startTestServer } from '../helpers/testServer.js';

let server: TestServer;
const clients: TestClient[] = [];

async function joined(roomId: string, token: string): Promise<TestClient> {
  const c = await TestClient.connect(server.wsUrl);
  clients.push(c);
  await c.request({ join: { roomId, token } });
  return c;
}

beforeAll(async () => {
  server = await startTestServer({ RECORDINGS_AT_ONCE: '1' });
}, 120_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await server?.close();
});

describe('a room everyone left', () => {
  it('stops its broadcast and recording after the grace, and frees the place', async () => {
    const [h] = await createRoomWithToken(server, 'left-live', [
      { displayName: 'Учитель', role: 'host', userId: 'left-teacher' },
    ]);
    const [oh] = await createRoomWithToken(server, 'next-lesson', [
      { displayName: 'Другой учитель', role: 'host', userId: 'next-teacher' },
    ]);
    const host = await joined('left-live', h!.token);
    const live = await host.request({ startBroadcast: { viewerPassword: '' } });
    expect(live.broadcast?.code).toBeTruthy();
    await host.waitForEvent((e) => e.recordingState?.broadcasting === true, 60_000);
    expect(pipelinePids().length).toBeGreaterThan(0);
    const other = await joined('next-lesson', oh!.token);
    // The one place is taken.
    const refused = await other.rawRequest({ startRecording: {} });
    expect(refused.error?.code).toBe(pb.ErrorCode.ERROR_CODE_TOO_MANY_RECORDINGS);

    host.close();
    // The grace passes; the broadcast's recording is finished because the room is empty.
    const deadline = Date.now() + 90_000;
    let recording: { status: string; stopReason?: string } | undefined;
    for (;;) {
      const res = await fetch(`${server.httpUrl}/api/rooms/left-live/recordings`, {
        headers: server.adminHeaders,
      });
      const body = (await res.json()) as { recordings: { status: string; stopReason?: string }[] };
      recording = body.recordings[0];
      if (recording && recording.status !== 'recording' && recording.status !== 'finalizing') break;
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect(recording).toMatchObject({ status: 'ready', stopReason: 'room-empty' });
    // Its pipeline exits (it is stopped, not left to run on).
    const gone = Date.now() + 30_000;
    while (pipelinePids().length > 0 && Date.now() < gone) await new Promise((r) => setTimeout(r, 200));
    expect(pipelinePids()).toEqual([]);
    // The place is free for another lesson.
    const started = await other.request({ startRecording: {} });
    expect(started.recordingStarted?.status).toBe(pb.RecordingStatus.RECORDING_STATUS_RECORDING);
    await other.request({ stopRecording: {} });
  }, 240_000);
});
