// The server side of the teacher's tools the web client shows (#9), over the
// real protocol: a block survives "mute all"; allowing the microphone or the
// camera tells the pupil so; a blocked unmute gets its own error code; guests
// stay in the main room on automatic assignment unless chosen; a message to
// the breakout rooms is a message, not "attention"; and the roster can list
// just the caller's own room.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type TestClient, pb, produceMic } from '../helpers/protocolClient.js';
import { type Person, createRoom, enterRoom } from '../helpers/rooms.js';
import { rejectedCount, snapshot } from '../helpers/serverState.js';
import { type TestServer, startTestServer } from '../helpers/testServer.js';

let server: TestServer;
const clients: TestClient[] = [];
let roomCounter = 0;

beforeAll(async () => {
  server = await startTestServer();
});

afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

afterAll(async () => {
  await server.close();
});

async function newRoom(settings: Record<string, unknown> = {}): Promise<string> {
  const id = `controls-${++roomCounter}`;
  await createRoom(server, id, { title: 'Физика 9', settings: { waitingRoom: 'off', ...settings } });
  return id;
}

function enter(roomId: string, displayName: string, role: string): Promise<Person> {
  return enterRoom(server, roomId, displayName, role, { clients });
}

const MIC = pb.MediaSource.MEDIA_SOURCE_MICROPHONE;
const CAMERA = pb.MediaSource.MEDIA_SOURCE_CAMERA;

describe('blocks and allows', () => {
  it('"mute all" keeps a pupil’s own block when pupils may unmute themselves', async () => {
    const roomId = await newRoom({ selfUnmuteAllowed: true });
    const host = await enter(roomId, 'Teacher', 'host');
    const blocked = await enter(roomId, 'Anna', 'participant');
    const other = await enter(roomId, 'Boris', 'participant');
    const annaMic = await produceMic(blocked.c);
    const borisMic = await produceMic(other.c);
    await host.c.request({ mute: { participantIds: [blocked.id], source: MIC, block: true } });
    await blocked.c.waitForEvent((e) => e.mutedByHost?.blocked === true);
    blocked.c.events.splice(0);

    await host.c.request({ mute: { all: true, source: MIC } });
    const told = await blocked.c.waitForEvent((e) => Boolean(e.mutedByHost), 2000);
    expect(told.mutedByHost?.blocked).toBe(true);
    const room = server.registry.get(roomId)!;
    expect(room.peers.get(blocked.id)!.blocked.microphone).toBe(true);
    expect(room.peers.get(other.id)!.blocked.microphone).toBe(false);
    // Anna still may not unmute; Boris may.
    const refused = await blocked.c.rawRequest({ setProducerPaused: { producerId: annaMic, paused: false } });
    expect(refused.error?.code).toBe(pb.ErrorCode.ERROR_CODE_BLOCKED_BY_HOST);
    expect(
      (await other.c.rawRequest({ setProducerPaused: { producerId: borisMic, paused: false } })).error,
    ).toBeFalsy();
  });

  it('a blocked unmute gets BLOCKED_BY_HOST, is counted, and changes nothing', async () => {
    const roomId = await newRoom();
    const host = await enter(roomId, 'Teacher', 'host');
    const pupil = await enter(roomId, 'Anna', 'participant');
    const mic = await produceMic(pupil.c);
    await host.c.request({ mute: { participantIds: [pupil.id], source: MIC, block: true } });
    const before = snapshot(server);
    const counted = await rejectedCount(server, 'blocked_by_host');
    const r = await pupil.c.rawRequest({ setProducerPaused: { producerId: mic, paused: false } });
    expect(r.error?.code).toBe(pb.ErrorCode.ERROR_CODE_BLOCKED_BY_HOST);
    expect(snapshot(server)).toEqual(before);
    expect(await rejectedCount(server, 'blocked_by_host')).toBe(counted + 1);
  });

  it('allowing the microphone or the camera tells the pupil which, with the teacher’s name', async () => {
    const roomId = await newRoom();
    const host = await enter(roomId, 'Ольга Сидорова', 'host');
    const pupil = await enter(roomId, 'Anna', 'participant');
    await host.c.request({ mute: { all: true, source: CAMERA, block: true } });
    await host.c.request({ mute: { participantIds: [pupil.id], source: MIC, block: true } });
    await pupil.c.waitForEvent((e) => e.mutedByHost?.source === MIC);

    await host.c.request({ allowToSpeak: { participantId: pupil.id, source: CAMERA } });
    const camera = await pupil.c.waitForEvent((e) => Boolean(e.allowedByHost));
    expect(camera.allowedByHost).toMatchObject({ source: CAMERA, fromDisplayName: 'Ольга Сидорова' });
    const room = server.registry.get(roomId)!;
    expect(room.peers.get(pupil.id)!.blocked).toEqual({ microphone: true, camera: false });

    await host.c.request({ allowToSpeak: { participantId: pupil.id, source: MIC } });
    await pupil.c.waitForEvent((e) => e.allowedByHost?.source === MIC);
    expect(room.peers.get(pupil.id)!.blocked).toEqual({ microphone: false, camera: false });
  });
});

describe('breakout rooms', () => {
  async function lessonWithGuest() {
    const roomId = await newRoom({ guestsAllowed: true });
    const host = await enter(roomId, 'Teacher', 'host');
    const anna = await enter(roomId, 'Anna', 'participant');
    const boris = await enter(roomId, 'Boris', 'participant');
    const parent = await enter(roomId, 'Parent', 'guest');
    await host.c.request({ createBreakouts: { names: ['Группа 1', 'Группа 2'] } });
    return { roomId, host, anna, boris, parent, room: server.registry.get(roomId)! };
  }

  it('automatic assignment leaves guests in the main room unless asked to include them', async () => {
    const { host, parent, room } = await lessonWithGuest();
    await host.c.request({ assignBreakouts: { auto: true } });
    expect(room.breakouts.assignments.has('Parent')).toBe(false);
    expect(room.breakouts.assignments.has('Anna')).toBe(true);
    expect(room.breakouts.assignments.has('Boris')).toBe(true);
    // Chosen by hand, a guest goes where the teacher says.
    await host.c.request({
      assignBreakouts: { assignments: [{ participantId: parent.id, breakoutId: 'b2' }] },
    });
    expect(room.breakouts.assignments.get('Parent')).toBe('b2');
    await host.c.request({ assignBreakouts: { auto: true, includeGuests: true } });
    expect(room.breakouts.assignments.has('Parent')).toBe(true);
  });

  it('a message to all rooms arrives as the teacher’s message, not as "attention"', async () => {
    const { host, anna } = await lessonWithGuest();
    await host.c.request({ assignBreakouts: { auto: true } });
    await host.c.request({ openBreakouts: {} });
    await host.c.request({ broadcastToBreakouts: { message: 'Пять минут!' } });
    const e = await anna.c.waitForEvent((ev) => Boolean(ev.breakoutMessage));
    expect(e.breakoutMessage).toMatchObject({ fromDisplayName: 'Teacher', message: 'Пять минут!' });
    await expect(anna.c.waitForEvent((ev) => Boolean(ev.attentionRequested), 300)).rejects.toThrow();
  });

  it('lists only the people of the caller’s own room when asked', async () => {
    const { host, anna, room } = await lessonWithGuest();
    await host.c.request({ assignBreakouts: { auto: true } });
    await host.c.request({ openBreakouts: {} });
    const annaRoom = room.peers.get(anna.id)!.location;
    expect(annaRoom).not.toBe('');
    const page = (await anna.c.request({ listParticipants: { hereOnly: true } })).participantPage!;
    expect(page.participants!.every((p) => p.location === annaRoom)).toBe(true);
    expect(page.participants!.map((p) => p.displayName)).toContain('Anna');
    expect(page.total).toBe(page.participants!.length);
    const everyone = (await host.c.request({ listParticipants: {} })).participantPage!;
    expect(everyone.total).toBe(4);
  });
});
