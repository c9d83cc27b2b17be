// The signaling flows against the real server and a real mediasoup worker:
// join, capabilities, transports, produce, consume (paused, then resumed),
// events to others, leave, and the rules the server enforces on roles and
// ownership.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_DTLS, TestClient, opusRtpParameters, pb } from '../helpers/protocolClient.js';
import { rejectedCount, snapshot } from '../helpers/serverState.js';
import { type TestServer, createRoomWithToken, startTestServer } from '../helpers/testServer.js';

let server: TestServer;
const clients: TestClient[] = [];

async function joined(roomId: string, token: string): Promise<{ c: TestClient; join: pb.IJoinResponse }> {
  const c = await TestClient.connect(server.wsUrl);
  clients.push(c);
  const r = await c.request({ join: { roomId, token } });
  return { c, join: r.join! };
}

async function sendTransport(c: TestClient): Promise<string> {
  const r = await c.request({
    createWebrtcTransport: { direction: pb.TransportDirection.TRANSPORT_DIRECTION_SEND },
  });
  const id = r.webrtcTransport!.transportId!;
  await c.request({ connectWebrtcTransport: { transportId: id, dtlsParameters: FAKE_DTLS } });
  return id;
}

beforeAll(async () => {
  server = await startTestServer();
});

afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

afterAll(async () => {
  await server.close();
});

describe('signaling flows', () => {
  it('joins, produces, consumes paused, resumes, and tells the others', async () => {
    const [t1, t2] = await createRoomWithToken(server, 'flow', [
      { displayName: 'Teacher', role: 'host', userId: 'u-teacher' },
      { displayName: 'Pupil', role: 'participant', userId: 'u-pupil' },
    ]);
    const { c: a, join: ja } = await joined('flow', t1!.token);
    expect(ja.self?.displayName).toBe('Teacher');
    expect(ja.self?.role).toBe(pb.Role.ROLE_HOST);
    expect(ja.roomTitle).toBe('Room flow');
    expect(ja.participants).toHaveLength(0);
    const mimeTypes = ja.routerRtpCapabilities?.codecs?.map((c) => c.mimeType);
    expect(mimeTypes).toContain('audio/opus');
    expect(mimeTypes).toContain('video/VP8');

    const { c: b, join: jb } = await joined('flow', t2!.token);
    expect(jb.participants?.map((p) => p.displayName)).toEqual(['Teacher']);
    const joinedPupil = await a.waitForJoined((p) => p.displayName === 'Pupil');
    expect(joinedPupil.role).toBe(pb.Role.ROLE_PARTICIPANT);
    // Presence comes in batches, with the room's count.
    const batch = a.events.find((e) => e.presenceChanged?.joined?.length)!.presenceChanged!;
    expect(batch.participantCount).toBe(2);

    const caps = await b.request({ getRouterRtpCapabilities: {} });
    expect(caps.routerRtpCapabilities?.codecs?.length).toBeGreaterThan(0);

    const sendId = await sendTransport(a);
    const produced = await a.request({
      produce: {
        transportId: sendId,
        kind: pb.MediaKind.MEDIA_KIND_AUDIO,
        source: pb.MediaSource.MEDIA_SOURCE_MICROPHONE,
        rtpParameters: opusRtpParameters(11111111),
      },
    });
    const producerId = produced.produce!.producerId!;
    const added = await b.waitForEvent((e) => Boolean(e.producerAdded));
    expect(added.producerAdded?.producer).toMatchObject({
      producerId,
      participantId: ja.self?.participantId,
      kind: pb.MediaKind.MEDIA_KIND_AUDIO,
      source: pb.MediaSource.MEDIA_SOURCE_MICROPHONE,
    });

    const recv = await b.request({
      createWebrtcTransport: { direction: pb.TransportDirection.TRANSPORT_DIRECTION_RECV },
    });
    const info = recv.webrtcTransport!;
    expect(info.iceCandidates?.[0]?.ip).toBe('127.0.0.1');
    expect(info.dtlsParameters?.fingerprints?.length).toBeGreaterThan(0);
    const consumed = await b.request({
      consume: {
        transportId: info.transportId,
        producerId,
        rtpCapabilities: jb.routerRtpCapabilities,
      },
    });
    expect(consumed.consume).toMatchObject({
      producerId,
      participantId: ja.self?.participantId,
      kind: pb.MediaKind.MEDIA_KIND_AUDIO,
      paused: true,
    });
    const consumerId = consumed.consume!.consumerId!;
    const serverConsumer = () =>
      [...server.registry.get('flow')!.peers.values()].flatMap((p) => [...p.consumers.values()])[0]!;
    expect(serverConsumer().paused).toBe(true);
    await b.request({ setConsumerPaused: { consumerId, paused: false } });
    expect(serverConsumer().paused).toBe(false);

    // Pausing the producer reaches the consumer's owner; closing it removes the consumer.
    await a.request({ setProducerPaused: { producerId, paused: true } });
    await b.waitForEvent((e) => e.consumerStateChanged?.producerPaused === true);
    await b.waitForEvent((e) => e.producerStateChanged?.paused === true);
    await a.request({ closeProducer: { producerId } });
    await b.waitForEvent((e) => e.consumerClosed?.consumerId === consumerId);
    await b.waitForEvent((e) => e.producerRemoved?.producerId === producerId);
    expect(snapshot(server).consumers).toBe(0);

    await b.request({ leave: {} });
    await a.waitForLeft(jb.self!.participantId!);
    expect(snapshot(server).participants).toEqual([
      'u-teacher@host hand=false blocked=false/false asks=false',
    ]);
  });

  it('closes the participant’s media when the connection drops', async () => {
    const [t1, t2] = await createRoomWithToken(server, 'drop', [
      { displayName: 'A', userId: 'drop-a' },
      { displayName: 'B', userId: 'drop-b' },
    ]);
    const { c: a } = await joined('drop', t1!.token);
    const { c: b } = await joined('drop', t2!.token);
    await a.waitForJoined((p) => p.userId === 'drop-b');
    const sendId = await sendTransport(b);
    await b.request({
      produce: {
        transportId: sendId,
        kind: pb.MediaKind.MEDIA_KIND_AUDIO,
        source: pb.MediaSource.MEDIA_SOURCE_MICROPHONE,
        rtpParameters: opusRtpParameters(2222),
      },
    });
    b.close();
    await a.waitForEvent((e) => Boolean(e.producerRemoved));
    await a.waitForEvent((e) => (e.presenceChanged?.left ?? []).length > 0);
    const room = server.registry.get('drop')!;
    expect([...room.peers.values()].map((p) => p.identity.userId)).toEqual(['drop-a']);
  });

  it('replaces an older connection of the same user', async () => {
    const [t1] = await createRoomWithToken(server, 'replace', [{ displayName: 'A', userId: 'same-user' }]);
    const { c: first } = await joined('replace', t1!.token);
    await joined('replace', t1!.token);
    const closed = await first.waitForEvent((e) => Boolean(e.sessionClosed));
    expect(closed.sessionClosed?.reason).toBe(pb.CloseReason.CLOSE_REASON_REPLACED);
    await first.waitForClose();
    expect(server.registry.get('replace')!.peers.size).toBe(1);
  });

  it('may join again on the same connection after leaving', async () => {
    const [t1] = await createRoomWithToken(server, 'rejoin', [{ displayName: 'A', userId: 'rejoin-a' }]);
    const { c } = await joined('rejoin', t1!.token);
    await c.request({ leave: {} });
    expect(server.registry.get('rejoin')!.peers.size).toBe(0);
    const again = await c.request({ join: { roomId: 'rejoin', token: t1!.token } });
    expect(again.join?.self?.displayName).toBe('A');
  });
});

describe('the server decides what a role may do', () => {
  it('refuses screen sharing to a participant and changes nothing', async () => {
    const [host, pupil] = await createRoomWithToken(server, 'roles', [
      { displayName: 'Host', role: 'host', userId: 'r-host' },
      { displayName: 'Pupil', role: 'participant', userId: 'r-pupil' },
    ]);
    const { c: h } = await joined('roles', host!.token);
    const { c: p } = await joined('roles', pupil!.token);
    const sendId = await sendTransport(p);
    const before = snapshot(server);
    const forbiddenBefore = await rejectedCount(server, 'forbidden');
    const r = await p.rawRequest({
      produce: {
        transportId: sendId,
        kind: pb.MediaKind.MEDIA_KIND_AUDIO,
        source: pb.MediaSource.MEDIA_SOURCE_SCREEN_AUDIO,
        rtpParameters: opusRtpParameters(3333),
      },
    });
    expect(r.error?.code).toBe(pb.ErrorCode.ERROR_CODE_FORBIDDEN);
    expect(snapshot(server)).toEqual(before);
    expect(await rejectedCount(server, 'forbidden')).toBe(forbiddenBefore + 1);
    await expect(h.waitForEvent((e) => Boolean(e.producerAdded), 300)).rejects.toThrow();

    // The host may.
    const hostSend = await sendTransport(h);
    const ok = await h.rawRequest({
      produce: {
        transportId: hostSend,
        kind: pb.MediaKind.MEDIA_KIND_AUDIO,
        source: pb.MediaSource.MEDIA_SOURCE_SCREEN_AUDIO,
        rtpParameters: opusRtpParameters(4444),
      },
    });
    expect(ok.error).toBeFalsy();
    expect(ok.produce?.producerId).toBeTruthy();
  });

  it('does not let one participant touch another’s transports, producers or consumers', async () => {
    const [ta, tb] = await createRoomWithToken(server, 'own', [
      { displayName: 'A', userId: 'own-a' },
      { displayName: 'B', userId: 'own-b' },
    ]);
    const { c: a } = await joined('own', ta!.token);
    const { c: b } = await joined('own', tb!.token);
    const aSend = await sendTransport(a);
    const producerId = (
      await a.request({
        produce: {
          transportId: aSend,
          kind: pb.MediaKind.MEDIA_KIND_AUDIO,
          source: pb.MediaSource.MEDIA_SOURCE_MICROPHONE,
          rtpParameters: opusRtpParameters(5555),
        },
      })
    ).produce!.producerId!;
    const before = snapshot(server);
    const attempts: Parameters<TestClient['rawRequest']>[0][] = [
      { connectWebrtcTransport: { transportId: aSend, dtlsParameters: FAKE_DTLS } },
      {
        produce: {
          transportId: aSend,
          kind: pb.MediaKind.MEDIA_KIND_AUDIO,
          source: 1,
          rtpParameters: opusRtpParameters(1),
        },
      },
      { closeProducer: { producerId } },
      { setProducerPaused: { producerId, paused: true } },
      { restartIce: { transportId: aSend } },
      { setConsumerPaused: { consumerId: producerId, paused: false } },
    ];
    for (const body of attempts) {
      const r = await b.rawRequest(body);
      expect(r.error?.code, JSON.stringify(Object.keys(body))).toBe(pb.ErrorCode.ERROR_CODE_NOT_FOUND);
    }
    expect(snapshot(server)).toEqual(before);
  });

  it('refuses a second producer of the same source and consuming one’s own producer', async () => {
    const [ta] = await createRoomWithToken(server, 'dupe', [{ displayName: 'A', userId: 'dupe-a' }]);
    const { c: a, join } = await joined('dupe', ta!.token);
    const send = await sendTransport(a);
    const produce = (ssrc: number) =>
      a.rawRequest({
        produce: {
          transportId: send,
          kind: pb.MediaKind.MEDIA_KIND_AUDIO,
          source: pb.MediaSource.MEDIA_SOURCE_MICROPHONE,
          rtpParameters: opusRtpParameters(ssrc),
        },
      });
    const first = await produce(6666);
    expect(first.error).toBeFalsy();
    const second = await produce(7777);
    expect(second.error?.code).toBe(pb.ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
    const recv = await a.request({
      createWebrtcTransport: { direction: pb.TransportDirection.TRANSPORT_DIRECTION_RECV },
    });
    const own = await a.rawRequest({
      consume: {
        transportId: recv.webrtcTransport!.transportId,
        producerId: first.produce!.producerId,
        rtpCapabilities: join.routerRtpCapabilities,
      },
    });
    expect(own.error?.code).toBe(pb.ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
  });

  it('refuses to join a full room', async () => {
    const res = await fetch(`${server.httpUrl}/api/rooms`, {
      method: 'POST',
      headers: server.adminHeaders,
      body: JSON.stringify({ id: 'tiny', maxParticipants: 1 }),
    });
    expect(res.status).toBe(201);
    const [ta, tb] = await createRoomWithToken(server, 'tiny', [
      { displayName: 'A', userId: 'tiny-a' },
      { displayName: 'B', userId: 'tiny-b' },
    ]);
    await joined('tiny', ta!.token);
    const c = await TestClient.connect(server.wsUrl);
    clients.push(c);
    const r = await c.rawRequest({ join: { roomId: 'tiny', token: tb!.token } });
    expect(r.error?.code).toBe(pb.ErrorCode.ERROR_CODE_ROOM_FULL);
    expect(server.registry.get('tiny')!.peers.size).toBe(1);
  });
});
