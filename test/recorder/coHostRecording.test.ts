// Co-hosts record and broadcast when the host allows it (issue #24): the
// host's switch is the room setting `coHostsMayRecord`, which only the host
// changes; the recorder's requests ask one rule (roles.ts mayRecord). Before
// the switch and after it is turned off a co-host is refused, typed, counted,
// with nothing changed; a pupil always is; deleting stays the host's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callEventsSoFar } from '../helpers/barriers.js';
import { TestClient, pb } from '../helpers/protocolClient.js';
import { rejectedCount, snapshot } from '../helpers/serverState.js';
import { type TestServer, createRoomWithToken, startTestServer } from '../helpers/testServer.js';

let server: TestServer;
let host: TestClient;
let coHost: TestClient;
let pupil: TestClient;
let pupilId = '';

async function joined(token: string, id?: (participantId: string) => void): Promise<TestClient> {
  const c = await TestClient.connect(server.wsUrl);
  const r = await c.request({ join: { roomId: 'cohost-rec', token } });
  id?.(r.join!.self!.participantId!);
  return c;
}

/** Every recording on the server, as id:status (what a refused request must not change). */
async function recordings(): Promise<string[]> {
  const res = await fetch(`${server.httpUrl}/api/recordings`, { headers: server.adminHeaders });
  const list = (await res.json()) as { recordings: { id: string; status: string }[] };
  return list.recordings.map((r) => `${r.id}:${r.status}`);
}

/** FORBIDDEN, counted once more, and nothing changed: rooms, settings, recordings, what the pupil was told. */
async function expectForbidden(act: () => Promise<pb.Response>): Promise<void> {
  const counted = await rejectedCount(server, 'forbidden');
  const before = { state: snapshot(server), recordings: await recordings() };
  pupil.events.length = 0;
  const response = await act();
  expect(response.error?.code, response.error?.message ?? 'no error').toBe(pb.ErrorCode.ERROR_CODE_FORBIDDEN);
  expect(await rejectedCount(server, 'forbidden')).toBe(counted + 1);
  expect({ state: snapshot(server), recordings: await recordings() }).toEqual(before);
  const told = (await callEventsSoFar(pupil, pupilId)).filter(
    (e) => e.recordingState || e.roomSettingsChanged,
  );
  expect(told).toEqual([]);
}

const setting = (c: TestClient, allowed: boolean) =>
  c.waitForEvent((e) => e.roomSettingsChanged?.settings?.coHostsMayRecord === allowed);

beforeAll(async () => {
  server = await startTestServer();
  const [h, c, p] = await createRoomWithToken(server, 'cohost-rec', [
    { displayName: 'Ольга Сидорова', role: 'host', userId: 'teacher' },
    { displayName: 'Анна Петрова', role: 'co-host', userId: 'assistant' },
    { displayName: 'Петя Иванов', userId: 'pupil' },
  ]);
  host = await joined(h!.token);
  coHost = await joined(c!.token);
  pupil = await joined(p!.token, (id) => {
    pupilId = id;
  });
});

afterAll(async () => {
  for (const c of [host, coHost, pupil]) c?.close();
  await server?.close();
});

describe('co-hosts and the recorder', () => {
  it('a co-host records and broadcasts only while the host allows it', async () => {
    // Not allowed yet: refused, and a co-host cannot allow it to co-hosts.
    await expectForbidden(() => coHost.rawRequest({ startRecording: {} }));
    await expectForbidden(() => coHost.rawRequest({ startBroadcast: {} }));
    await expectForbidden(() => coHost.rawRequest({ listRecordings: {} }));
    await expectForbidden(() => coHost.rawRequest({ updateRoomSettings: { coHostsMayRecord: true } }));
    // Not even bundled with a change a co-host may make.
    await expectForbidden(() =>
      coHost.rawRequest({ updateRoomSettings: { locked: true, coHostsMayRecord: true } }),
    );

    // The host allows it; everyone's settings say so.
    await host.request({ updateRoomSettings: { coHostsMayRecord: true } });
    await setting(coHost, true);
    await setting(pupil, true);

    const started = await coHost.request({ startRecording: {} });
    expect(started.recordingStarted?.status).toBe(pb.RecordingStatus.RECORDING_STATUS_RECORDING);
    await pupil.waitForEvent((e) => e.recordingState?.recording === true);
    const live = await coHost.request({ startBroadcast: { viewerPassword: '' } });
    expect(live.broadcast?.url).toMatch(/\/b\/[a-z0-9]+$/);
    await pupil.waitForEvent((e) => e.recordingState?.broadcasting === true);
    // A pupil still may not, the setting is for co-hosts.
    await expectForbidden(() => pupil.rawRequest({ stopRecording: {} }));

    const stopped = await coHost.request({ stopRecording: {} });
    const recordingId = stopped.recordingStopped!.recordingId!;
    await pupil.waitForEvent((e) => e.recordingState?.recording === false);
    await coHost.request({ stopBroadcast: {} });
    await pupil.waitForEvent((e) => e.recordingState?.broadcasting === false);
    const listed = await coHost.request({ listRecordings: {} });
    expect(listed.recordings?.recordings?.map((r) => r.recordingId)).toContain(recordingId);
    // Deleting a recording stays the host's.
    await expectForbidden(() => coHost.rawRequest({ deleteRecording: { recordingId } }));

    // The host takes it back: refused again.
    await host.request({ updateRoomSettings: { coHostsMayRecord: false } });
    await setting(coHost, false);
    await setting(pupil, false);
    await expectForbidden(() => coHost.rawRequest({ startRecording: {} }));
    await expectForbidden(() => coHost.rawRequest({ getRecordingLink: { recordingId } }));
  }, 120_000);
});
