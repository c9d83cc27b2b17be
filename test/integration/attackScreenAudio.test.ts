// Attack 8 of issue #14, refused: a participant whose microphone the host
// blocked could still be heard by sharing screen audio, and "mute all" did
// not pause it. Screen audio is the participant's voice in the room too.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_DTLS, type TestClient, opusRtpParameters, pb } from '../helpers/protocolClient.js';
import { createRoom, enterRoom } from '../helpers/rooms.js';
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

async function newRoom(): Promise<string> {
  const id = `screen-audio-${++roomCounter}`;
  await createRoom(server, id, { settings: { waitingRoom: 'off', participantsMayShareScreen: true } });
  return id;
}

function enter(roomId: string, name: string, role: string) {
  return enterRoom(server, roomId, name, role, { clients });
}

async function sendTransport(c: TestClient): Promise<string> {
  const t = await c.request({
    createWebrtcTransport: { direction: pb.TransportDirection.TRANSPORT_DIRECTION_SEND },
  });
  const transportId = t.webrtcTransport!.transportId!;
  await c.request({ connectWebrtcTransport: { transportId, dtlsParameters: FAKE_DTLS } });
  return transportId;
}

function produceScreenAudio(c: TestClient, transportId: string, paused = false): Promise<pb.Response> {
  return c.rawRequest({
    produce: {
      transportId,
      kind: pb.MediaKind.MEDIA_KIND_AUDIO,
      source: pb.MediaSource.MEDIA_SOURCE_SCREEN_AUDIO,
      rtpParameters: opusRtpParameters(Math.floor(Math.random() * 1e9)),
      paused,
    },
  });
}

const mic = pb.MediaSource.MEDIA_SOURCE_MICROPHONE;

describe('attack 8: screen audio past a blocked microphone', () => {
  it('is refused while the microphone is blocked, unless it starts paused', async () => {
    const roomId = await newRoom();
    const host = await enter(roomId, 'Teacher', 'host');
    const pupil = await enter(roomId, 'Pupil', 'participant');
    await host.c.request({ mute: { participantIds: [pupil.id], source: mic, block: true } });
    const transportId = await sendTransport(pupil.c);
    const live = await produceScreenAudio(pupil.c, transportId);
    expect(live.error?.code).toBe(pb.ErrorCode.ERROR_CODE_BLOCKED_BY_HOST);
    const paused = await produceScreenAudio(pupil.c, transportId, true);
    expect(paused.error).toBeFalsy();
    const resumed = await pupil.c.rawRequest({
      setProducerPaused: { producerId: paused.produce!.producerId!, paused: false },
    });
    expect(resumed.error?.code).toBe(pb.ErrorCode.ERROR_CODE_BLOCKED_BY_HOST);
    // Allowed to speak again, the pupil may play the screen's sound.
    await host.c.request({ allowToSpeak: { participantId: pupil.id, source: mic } });
    const allowed = await pupil.c.rawRequest({
      setProducerPaused: { producerId: paused.produce!.producerId!, paused: false },
    });
    expect(allowed.error).toBeFalsy();
  });

  it('is paused by "mute all" and by muting the participant', async () => {
    const roomId = await newRoom();
    const host = await enter(roomId, 'Teacher', 'host');
    const pupils = [
      await enter(roomId, 'Pupil A', 'participant'),
      await enter(roomId, 'Pupil B', 'participant'),
    ];
    const producerIds: string[] = [];
    for (const p of pupils) {
      const r = await produceScreenAudio(p.c, await sendTransport(p.c));
      producerIds.push(r.produce!.producerId!);
    }
    const room = server.registry.get(roomId)!;
    const producer = (i: number) => room.peers.get(pupils[i]!.id)!.producers.get(producerIds[i]!)!.producer;
    await host.c.request({ mute: { all: true, source: mic } });
    expect(producer(0).paused).toBe(true);
    expect(producer(1).paused).toBe(true);
    // Resumed by the pupil (self-unmute allowed, no block), paused again by a mute of that pupil.
    await pupils[0]!.c.request({ setProducerPaused: { producerId: producerIds[0]!, paused: false } });
    expect(producer(0).paused).toBe(false);
    await host.c.request({ mute: { participantIds: [pupils[0]!.id], source: mic } });
    expect(producer(0).paused).toBe(true);
  });
});
