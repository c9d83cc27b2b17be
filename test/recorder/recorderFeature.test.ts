// Recording and broadcast through the real server: the host's requests over
// the WebSocket, the recorder fed by the room's own events (a participant
// sending real RTP, then another sharing a screen, which the program
// switches to), everyone told, the admin API and the /b/ pages on the uWS
// server; and bad input: each refusal typed, counted, and changing nothing.
// (ffmpeg's RTP carries no audio-level header extension, so mediasoup's
// speaker detection has nothing to go on here; switching by speaker is
// tested in recording.test.ts.)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Room } from '../../signaling/domain/room.js';
import { MAIN } from '../../signaling/domain/roomDefinition.js';
import { callEventsSoFar } from '../helpers/barriers.js';
import { TestClient, pb } from '../helpers/protocolClient.js';
import { frameColours, participantClip, probe } from '../helpers/recordedRoom.js';
import { type RtpParticipant, seatRtpParticipant } from '../helpers/rtpParticipant.js';
import { rejectedCount, snapshot } from '../helpers/serverState.js';
import { type TestServer, createRoomWithToken, startTestServer } from '../helpers/testServer.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const isRed = ([r, g, b]: number[]) => r! > 120 && r! > 2 * b! && r! > 2 * g!;
const isBlue = ([r, g, b]: number[]) => b! > 120 && b! > 2 * r!;

let server: TestServer;
let dir: string;
let host: TestClient;
let pupil: TestClient;
let pupilId: string;
let otherHost: TestClient;
let room: Room;
let anna: RtpParticipant;
let boris: RtpParticipant | undefined;
/** The lesson's finished recording, made by the first test. */
let recordingId = '';

async function joined(
  roomId: string,
  token: string,
  id?: (participantId: string) => void,
): Promise<TestClient> {
  const c = await TestClient.connect(server.wsUrl);
  const r = await c.request({ join: { roomId, token } });
  id?.(r.join!.self!.participantId!);
  return c;
}

async function admin(path: string, init: RequestInit = {}) {
  const res = await fetch(`${server.httpUrl}${path}`, {
    ...init,
    headers: { ...server.adminHeaders, ...init.headers },
  });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

/** Every recording on the server, as id:status (what a refused request must not change). */
async function recordings(): Promise<string[]> {
  const list = JSON.parse((await admin('/api/recordings')).body.toString()) as {
    recordings: { id: string; status: string }[];
  };
  return list.recordings.map((r) => `${r.id}:${r.status}`);
}

const stateEvents = (c: TestClient) => c.events.filter((e) => e.recordingState).map((e) => e.recordingState!);

/** A typed error, counted once more, and nothing changed: rooms, recordings, what others were told. */
async function expectRefused(code: pb.ErrorCode, act: () => Promise<pb.Response>): Promise<pb.Response> {
  const reason = pb.ErrorCode[code].replace(/^ERROR_CODE_/, '').toLowerCase();
  const counted = await rejectedCount(server, reason);
  const before = { state: snapshot(server), recordings: await recordings() };
  pupil.events.length = 0;
  const response = await act();
  expect(response.error?.code, response.error?.message ?? 'no error').toBe(code);
  expect(response.error?.message).toBeTruthy();
  expect(await rejectedCount(server, reason)).toBe(counted + 1);
  expect({ state: snapshot(server), recordings: await recordings() }).toEqual(before);
  expect((await callEventsSoFar(pupil, pupilId)).filter((e) => e.recordingState)).toEqual([]);
  return response;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'recorder-feature-'));
  // One at a time: a second room's recording is refused while the lesson records.
  server = await startTestServer({ RECORDINGS_AT_ONCE: '1' });
  const [h, p] = await createRoomWithToken(server, 'lesson', [
    { displayName: 'Учитель', role: 'host', userId: 'teacher' },
    { displayName: 'Ученик', userId: 'pupil' },
  ]);
  const [oh] = await createRoomWithToken(server, 'other', [
    { displayName: 'Другой учитель', role: 'host', userId: 'other-teacher' },
  ]);
  host = await joined('lesson', h!.token);
  pupil = await joined('lesson', p!.token, (id) => {
    pupilId = id;
  });
  otherHost = await joined('other', oh!.token);
  room = server.registry.get('lesson')!;
  anna = await seatRtpParticipant(room, {
    id: 'anna',
    displayName: 'Анна',
    role: 'participant',
    clip: participantClip('0xd02020', 440),
  });
});

afterAll(async () => {
  anna?.leave();
  boris?.leave();
  for (const c of [host, pupil, otherHost]) c?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('recording through the server', () => {
  it('records what the room shows as it changes, tells everyone, and serves the file', async () => {
    const started = await host.request({ startRecording: {} });
    expect(started.recordingStarted?.status).toBe(pb.RecordingStatus.RECORDING_STATUS_RECORDING);
    recordingId = started.recordingStarted!.recordingId!;
    // Everyone present is told; so is someone who joins later, and the device-check page.
    await pupil.waitForEvent((e) => e.recordingState?.recording === true);
    const [late] = await createRoomWithToken(server, 'lesson', [
      { displayName: 'Опоздавший', userId: 'late' },
    ]);
    const latecomer = await joined('lesson', late!.token);
    await latecomer.waitForEvent((e) => e.recordingState?.recording === true);
    latecomer.close();
    const state = await fetch(`${server.httpUrl}/api/recording-state/lesson`, {
      headers: { authorization: `Bearer ${late!.token}` },
    });
    expect(await state.json()).toMatchObject({ recording: true, broadcasting: false });

    // Anna is on; then Boris (a co-host) joins and shares his screen, which the program shows.
    await sleep(5000);
    boris = await seatRtpParticipant(room, {
      id: 'boris',
      displayName: 'Борис',
      role: 'co-host',
      clip: participantClip('0x2040e0', 660),
      videoSource: 'screen',
    });
    await sleep(6000);
    const stopped = await host.request({ stopRecording: {} });
    expect(stopped.recordingStopped?.status).toBe(pb.RecordingStatus.RECORDING_STATUS_READY);
    await pupil.waitForEvent((e) => e.recordingState?.recording === false);

    // The admin API lists it for its room and serves it whole or by range.
    const listed = JSON.parse((await admin('/api/rooms/lesson/recordings')).body.toString());
    expect(listed.recordings.map((r: { id: string }) => r.id)).toEqual([recordingId]);
    const part = await admin(`/api/recordings/${recordingId}/file`, { headers: { range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.body.length).toBe(100);
    expect(part.headers.get('content-range')).toMatch(/^bytes 100-199\/\d+$/);
    const whole = await admin(`/api/recordings/${recordingId}/file`);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('video/mp4');
    const file = join(dir, 'lesson.mp4');
    writeFileSync(file, whole.body);
    const { duration, codecs } = probe(file);
    expect(codecs.sort()).toEqual(['aac', 'h264']);
    expect(duration).toBeGreaterThan(6);
    // Anna's red first, then Boris's blue screen, and never back.
    const seen = frameColours(file, 4)
      .map((c) => (isRed(c) ? 'R' : isBlue(c) ? 'B' : '.'))
      .join('');
    console.log(`recording through the server, picture every 0.25 s: ${seen}`);
    expect(seen.indexOf('R')).toBeGreaterThanOrEqual(0);
    expect(seen.indexOf('B')).toBeGreaterThan(seen.indexOf('R'));
    expect(seen.lastIndexOf('R')).toBeLessThan(seen.indexOf('B'));

    // The host gets a signed link a browser can open without the admin secret.
    const link = (await host.request({ getRecordingLink: { recordingId } })).recordingLink!;
    const viaLink = await fetch(link.url!.replace(/^http:\/\/[^/]+/, server.httpUrl), {
      headers: { range: 'bytes=0-9' },
    });
    expect(viaLink.status).toBe(206);
    const forged = await fetch(
      `${server.httpUrl}/api/recordings/${recordingId}/file?expires=${Date.now() + 60_000}&sig=x`,
    );
    expect(forged.status).toBe(401);
    const listedToHost = await host.request({ listRecordings: {} });
    expect(listedToHost.recordings?.recordings?.map((r) => r.recordingId)).toEqual([recordingId]);
  });

  it('refuses a second recording, a participant, and another room’s recording: typed, counted, unchanged', async () => {
    await host.request({ startRecording: {} });
    await pupil.waitForEvent((e) => e.recordingState?.recording === true);
    await expectRefused(pb.ErrorCode.ERROR_CODE_ALREADY_RECORDING, () =>
      host.rawRequest({ startRecording: {} }),
    );
    await expectRefused(pb.ErrorCode.ERROR_CODE_FORBIDDEN, () => pupil.rawRequest({ stopRecording: {} }));
    await expectRefused(pb.ErrorCode.ERROR_CODE_FORBIDDEN, () => pupil.rawRequest({ startBroadcast: {} }));
    await expectRefused(pb.ErrorCode.ERROR_CODE_FORBIDDEN, () => pupil.rawRequest({ listRecordings: {} }));
    await expectRefused(pb.ErrorCode.ERROR_CODE_NOT_RECORDING, () =>
      otherHost.rawRequest({ stopRecording: {} }),
    );
    // This server records one lesson at a time (RECORDINGS_AT_ONCE): each costs a fifth of a core.
    await expectRefused(pb.ErrorCode.ERROR_CODE_TOO_MANY_RECORDINGS, () =>
      otherHost.rawRequest({ startRecording: {} }),
    );
    await expectRefused(pb.ErrorCode.ERROR_CODE_TOO_MANY_RECORDINGS, () =>
      otherHost.rawRequest({ startBroadcast: {} }),
    );
    // Another room's recording does not exist for this host; a path is not an id.
    await expectRefused(pb.ErrorCode.ERROR_CODE_NOT_FOUND, () =>
      otherHost.rawRequest({ deleteRecording: { recordingId } }),
    );
    await expectRefused(pb.ErrorCode.ERROR_CODE_NOT_FOUND, () =>
      otherHost.rawRequest({ getRecordingLink: { recordingId } }),
    );
    await expectRefused(pb.ErrorCode.ERROR_CODE_INVALID_ARGUMENT, () =>
      host.rawRequest({ deleteRecording: { recordingId: '../../etc/passwd' } }),
    );
    // The running recording cannot be deleted yet.
    const running = (await host.request({ listRecordings: {} })).recordings!.recordings!.find(
      (r) => r.status === pb.RecordingStatus.RECORDING_STATUS_RECORDING,
    )!;
    await expectRefused(pb.ErrorCode.ERROR_CODE_RECORDING_BUSY, () =>
      host.rawRequest({ deleteRecording: { recordingId: running.recordingId } }),
    );
    await host.request({ stopRecording: {} });
    await expectRefused(pb.ErrorCode.ERROR_CODE_NOT_RECORDING, () => host.rawRequest({ stopRecording: {} }));

    // The admin API: a path-like id is 400, an unknown one 404, no secret 401; nothing goes.
    const before = await recordings();
    expect((await admin('/api/recordings/..%2F..%2Fetc%2Fpasswd')).status).toBe(400);
    expect((await admin('/api/recordings/..%2F..%2Fetc%2Fpasswd/file')).status).toBe(400);
    expect((await admin('/api/recordings/aaaaaaaaaaaaaaaaaaaa', { method: 'DELETE' })).status).toBe(404);
    expect((await fetch(`${server.httpUrl}/api/recordings/${recordingId}/file`)).status).toBe(401);
    expect(await recordings()).toEqual(before);
    // The host deletes the second one; the first is deleted through the admin API.
    await host.request({ deleteRecording: { recordingId: running.recordingId } });
    expect((await admin(`/api/recordings/${recordingId}`, { method: 'DELETE' })).status).toBe(200);
    expect(await recordings()).toEqual([]);
  });
});

describe('broadcast through the server', () => {
  it('goes live on /b/ from the uWS server with cache headers, refuses bad input, then plays the recording', async () => {
    const live = await host.request({ startBroadcast: { viewerPassword: '' } });
    const { code, url } = live.broadcast!;
    expect(url).toBe(`${server.url}/b/${code}`);
    await pupil.waitForEvent((e) => e.recordingState?.broadcasting === true);
    await expectRefused(pb.ErrorCode.ERROR_CODE_ALREADY_RECORDING, () =>
      host.rawRequest({ startBroadcast: {} }),
    );
    await expectRefused(pb.ErrorCode.ERROR_CODE_INVALID_ARGUMENT, () =>
      otherHost.rawRequest({ startBroadcast: { viewerPassword: 'x' } }),
    );

    const page = await fetch(`${server.httpUrl}/b/${code}`);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    let playlist = '';
    for (let i = 0; i < 100 && !playlist.includes('.m4s'); i++) {
      await sleep(200);
      const res = await fetch(`${server.httpUrl}/b/${code}/live.m3u8`);
      if (res.status !== 200) continue;
      expect(res.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
      expect(res.headers.get('cache-control')).toBe('public, max-age=1');
      playlist = await res.text();
    }
    expect(playlist).toContain('#EXT-X-PROGRAM-DATE-TIME:');
    const segment = playlist.split('\n').find((l) => l.endsWith('.m4s'))!;
    const seg = await fetch(`${server.httpUrl}/b/${code}/${segment}`);
    expect(seg.status).toBe(200);
    expect(seg.headers.get('content-type')).toBe('video/iso.segment');
    expect(seg.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await seg.arrayBuffer()).byteLength).toBeGreaterThan(1000);

    // An unknown code: typed 404, counted.
    const refusedBefore = await refusedCount('unknown-broadcast');
    const unknown = await fetch(`${server.httpUrl}/b/zzzzzzzzzz/live.m3u8`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: 'unknown-broadcast' });
    expect(await refusedCount('unknown-broadcast')).toBe(refusedBefore + 1);

    await sleep(2000);
    const ended = await host.request({ stopBroadcast: {} });
    expect(ended.broadcastRecording?.status).toBe(pb.RecordingStatus.RECORDING_STATUS_READY);
    await pupil.waitForEvent((e) => e.recordingState?.broadcasting === false);
    const status = await (await fetch(`${server.httpUrl}/b/${code}/status`)).json();
    expect(status).toMatchObject({ state: 'ended', replay: true });
    const replay = await fetch(`${server.httpUrl}/b/${code}/replay.mp4`, {
      headers: { range: 'bytes=0-99' },
    });
    expect(replay.status).toBe(206);
    expect((await replay.arrayBuffer()).byteLength).toBe(100);
  });

  it('a meeting scheduled as a broadcast has its link in the invitation and goes live when the host joins', async () => {
    const created = await admin('/api/meetings', {
      method: 'POST',
      body: JSON.stringify({
        title: 'Концерт',
        startsAt: '2099-12-01T18:00',
        timeZone: 'Europe/Moscow',
        durationMinutes: 60,
        broadcast: true,
      }),
    });
    expect(created.status).toBe(201);
    const meeting = JSON.parse(created.body.toString());
    expect(meeting.broadcastUrl).toMatch(/\/b\/[a-z0-9]{8,16}$/);
    expect(meeting.invitation).toContain(meeting.broadcastUrl);
    const path = new URL(meeting.broadcastUrl).pathname;
    expect((await (await fetch(`${server.httpUrl}${path}/status`)).json()).state).toBe('not-started');

    const [organiser] = await createRoomWithToken(server, meeting.roomId, [
      { displayName: 'Организатор', role: 'host', userId: 'organiser' },
    ]);
    const c = await joined(meeting.roomId, organiser!.token);
    await c.waitForEvent((e) => e.recordingState?.broadcasting === true, 20_000);
    expect((await (await fetch(`${server.httpUrl}${path}/status`)).json()).state).toBe('live');
    await sleep(3000);
    await c.request({ stopBroadcast: {} });
    expect((await (await fetch(`${server.httpUrl}${path}/status`)).json()).state).toBe('ended');
    c.close();
  });
});

describe('a worker dies under a recording', () => {
  it('keeps recording, and the picture comes back on the new router', async () => {
    boris?.leave();
    boris = undefined;
    await host.request({ startRecording: {} });
    await sleep(4000);
    const lost = room.mediaAt(MAIN)!;
    process.kill(server.pool.slot(lost.workerIndex).worker.pid, 'SIGKILL');
    // The room rebuilds its media on a live worker (mediaLost, then mediaReady) ...
    for (let i = 0; i < 200 && (room.mediaAt(MAIN) === null || room.mediaAt(MAIN) === lost); i++)
      await sleep(50);
    expect(room.mediaAt(MAIN)).not.toBe(lost);
    // ... and its people send again, as a client does when told its media moved.
    await anna.republish();
    await sleep(6000);
    const stopped = await host.request({ stopRecording: {} });
    expect(stopped.recordingStopped?.status).toBe(pb.RecordingStatus.RECORDING_STATUS_READY);
    const whole = await admin(`/api/recordings/${stopped.recordingStopped!.recordingId}/file`);
    const file = join(dir, 'worker-died.mp4');
    writeFileSync(file, whole.body);
    const seen = frameColours(file, 4)
      .map((c) => (isRed(c) ? 'R' : isBlue(c) ? 'B' : '.'))
      .join('');
    console.log(`recording across a dead worker, picture every 0.25 s: ${seen}`);
    // Anna before, a gap while the worker is replaced, Anna again after.
    expect(seen).toMatch(/R+\.+R+\.*$/);
  });
});

async function refusedCount(reason: string): Promise<number> {
  const text = await (await fetch(`${server.httpUrl}/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`school_call_broadcast_refused_total{reason="${reason}"}`));
  return line ? Number(line.split(' ').pop()) : 0;
}
