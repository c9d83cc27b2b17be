// One room over two hosts sharing a Redis: the first host a participant
// reaches becomes the room's home; a participant connected to the other host
// is forwarded there, gets transports on its own host, and media crosses in a
// PipeTransport. Presence and lesson controls cross too, and a host that dies
// takes only its own participants out of the room.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_DTLS, TestClient, pb, produceMic, vp8RtpParameters } from '../helpers/protocolClient.js';
import { type TestRedis, startRedis } from '../helpers/redis.js';
import { type Person, enterRoom } from '../helpers/rooms.js';
import { rejectedCount, snapshot } from '../helpers/serverState.js';
import { type TestServer, startTestServer } from '../helpers/testServer.js';

let redis: TestRedis;
let a: TestServer;
let b: TestServer;
let bClosed = false;

beforeAll(async () => {
  redis = await startRedis();
  const shared = {
    REDIS_URL: redis.url,
    HOST_HEARTBEAT_MS: '200',
    ADMIN_SECRET: randomBytes(24).toString('base64url'),
    TOKEN_SECRET: randomBytes(24).toString('base64url'),
  };
  a = await startTestServer({ ...shared, HOST_ID: 'host-a' });
  // Two workers and one receiver per router: the edge spreads receivers too.
  b = await startTestServer({
    ...shared,
    HOST_ID: 'host-b',
    MEDIASOUP_WORKERS: '2',
    RECV_TRANSPORTS_PER_ROUTER: '1',
  });
});

afterAll(async () => {
  await a?.close();
  if (!bClosed) await b?.close();
  await redis?.stop();
});

function enter(server: TestServer, name: string, role: 'host' | 'participant'): Promise<Person> {
  return enterRoom(server, 'assembly', name, role);
}

/** Consumes a producer on a receive transport, with the person's device capabilities. */
function consume(person: Person, transportId: string | null | undefined, producerId: string) {
  return person.c.request({
    consume: { transportId, producerId, rtpCapabilities: person.join.routerRtpCapabilities },
  });
}

async function recvTransport(c: TestClient) {
  const r = await c.request({
    createWebrtcTransport: { direction: pb.TransportDirection.TRANSPORT_DIRECTION_RECV },
  });
  return r.webrtcTransport!;
}

describe('a room over two hosts', () => {
  it('a room deleted through a host that is not its home ends the call on its home', async () => {
    const created = await fetch(`${a.httpUrl}/api/rooms`, {
      method: 'POST',
      headers: a.adminHeaders,
      body: JSON.stringify({ id: 'short-lived', settings: { waitingRoom: 'off' } }),
    });
    expect(created.status).toBe(201);
    const { token } = await a.tokens.mint(
      { userId: 't', displayName: 'T', role: 'host', roomId: 'short-lived' },
      600,
    );
    const teacher = await TestClient.connect(a.wsUrl);
    await teacher.request({ join: { roomId: 'short-lived', token } });
    const closed = teacher.waitForEvent((e) => Boolean(e.sessionClosed));
    const deleted = await fetch(`${b.httpUrl}/api/rooms/short-lived`, {
      method: 'DELETE',
      headers: b.adminHeaders,
    });
    expect(deleted.status).toBe(200);
    expect((await closed).sessionClosed?.reason).toBe(pb.CloseReason.CLOSE_REASON_ROOM_CLOSED);
    expect(a.registry.get('short-lived')).toBeUndefined();
  });

  it('forwards a participant on the other host home and bridges media and controls', async () => {
    const created = await fetch(`${b.httpUrl}/api/rooms`, {
      method: 'POST',
      headers: b.adminHeaders,
      body: JSON.stringify({ id: 'assembly', settings: { waitingRoom: 'off' } }),
    });
    expect(created.status).toBe(201);

    // The teacher reaches host A first: A becomes the room's home.
    const teacher = await enter(a, 'Teacher', 'host');
    const check = new Redis(redis.url);
    expect(await check.get('school-call:room-home:assembly')).toBe('host-a');
    check.disconnect();

    // The pupil reaches host B, is forwarded to A and sees the teacher.
    const pupil = await enter(b, 'Pupil', 'participant');
    expect(pupil.join.participants?.map((p) => p.displayName)).toEqual(['Teacher']);
    await teacher.c.waitForJoined((p) => p.participantId === pupil.id);
    expect(b.registry.get('assembly')?.peers.size ?? 0).toBe(0);
    expect(a.registry.get('assembly')!.peers.size).toBe(2);

    // Bad input from a pupil on B: a malformed frame is refused at the edge
    // (counted there), a well-formed but wrong request is refused at home;
    // both get typed errors and change nothing on either host.
    const before = { a: snapshot(a), b: snapshot(b) };
    const malformedAtB = await rejectedCount(b, 'malformed_frame');
    const garbage = await pupil.c.sendRawAndReceive(
      new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]),
    );
    expect(garbage.error?.code).toBe(pb.ErrorCode.ERROR_CODE_MALFORMED_FRAME);
    expect(await rejectedCount(b, 'malformed_frame')).toBe(malformedAtB + 1);
    const notFoundAtA = await rejectedCount(a, 'not_found');
    const wrong = await pupil.c.rawRequest({
      connectWebrtcTransport: { transportId: 'nope', dtlsParameters: FAKE_DTLS },
    });
    expect(wrong.error?.code).toBe(pb.ErrorCode.ERROR_CODE_NOT_FOUND);
    expect(await rejectedCount(a, 'not_found')).toBe(notFoundAtA + 1);
    const forbidden = await pupil.c.rawRequest({
      mute: { all: true, source: pb.MediaSource.MEDIA_SOURCE_MICROPHONE },
    });
    expect(forbidden.error?.code).toBe(pb.ErrorCode.ERROR_CODE_FORBIDDEN);
    expect({ a: snapshot(a), b: snapshot(b) }).toEqual(before);

    // The pupil's transports are on host B (one of its WebRtcServer ports), not A.
    const bPorts = [b.config.rtcBasePort, b.config.rtcBasePort + 1];
    const pupilRecv = await recvTransport(pupil.c);
    const pupilPort = pupilRecv.iceCandidates?.[0]?.port ?? 0;
    expect(bPorts).toContain(pupilPort);
    const teacherRecv = await recvTransport(teacher.c);
    expect(teacherRecv.iceCandidates?.[0]?.port).toBe(a.config.rtcBasePort);

    // Teacher's microphone reaches the pupil on B through the pipe.
    const added = pupil.c.waitForEvent((e) => Boolean(e.producerAdded));
    const teacherMic = await produceMic(teacher.c);
    expect((await added).producerAdded?.producer?.producerId).toBe(teacherMic);
    const consumed = await consume(pupil, pupilRecv.transportId, teacherMic);
    const pupilConsumer = consumed.consume!.consumerId!;
    expect(consumed.consume?.participantId).toBe(teacher.id);
    await pupil.c.request({ setConsumerPaused: { consumerId: pupilConsumer, paused: false } });

    // A second pupil on B is placed on B's other worker, and still gets the
    // teacher's microphone: one pipe between hosts, then pipeToRouter inside B.
    const pupil2 = await enter(b, 'Second', 'participant');
    const pupil2Recv = await recvTransport(pupil2.c);
    expect(bPorts.filter((p) => p !== pupilPort)).toContain(pupil2Recv.iceCandidates?.[0]?.port);
    const consumed2 = await consume(pupil2, pupil2Recv.transportId, teacherMic);
    expect(consumed2.consume?.participantId).toBe(teacher.id);
    pupil2.c.close();
    for (let i = 0; i < 100 && a.registry.get('assembly')!.peers.has(pupil2.id); i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(a.registry.get('assembly')!.peers.has(pupil2.id)).toBe(false);

    // The pupil's microphone, produced on B, reaches the teacher on A.
    const pupilAdded = teacher.c.waitForEvent((e) => Boolean(e.producerAdded));
    const pupilMic = await produceMic(pupil.c);
    expect((await pupilAdded).producerAdded?.producer?.participantId).toBe(pupil.id);
    const teacherConsumed = await consume(teacher, teacherRecv.transportId, pupilMic);
    expect(teacherConsumed.consume?.consumerId).toBeTruthy();

    // The teacher's simulcast camera reaches the pupil on B; the pupil's small
    // tile asks for the smallest layer, which the edge's consumer takes.
    const sendT = await teacher.c.request({
      createWebrtcTransport: { direction: pb.TransportDirection.TRANSPORT_DIRECTION_SEND },
    });
    const sendId = sendT.webrtcTransport!.transportId!;
    await teacher.c.request({ connectWebrtcTransport: { transportId: sendId, dtlsParameters: FAKE_DTLS } });
    const camera = await teacher.c.request({
      produce: {
        transportId: sendId,
        kind: pb.MediaKind.MEDIA_KIND_VIDEO,
        source: pb.MediaSource.MEDIA_SOURCE_CAMERA,
        rtpParameters: vp8RtpParameters([7001, 7002, 7003]),
      },
    });
    const cameraConsumer = (await consume(pupil, pupilRecv.transportId, camera.produce!.producerId!)).consume!
      .consumerId!;
    await pupil.c.request({ setConsumerPreferredLayers: { consumerId: cameraConsumer, spatialLayer: 0 } });
    const atHome = a.registry.get('assembly')!.peers.get(pupil.id)!.consumers.get(cameraConsumer)!;
    expect(atHome.constructor.name).toBe('RemoteConsumer');
    expect(atHome.preferredLayers).toEqual({ spatialLayer: 0 });
    const tooBig = await pupil.c.rawRequest({
      setConsumerPreferredLayers: { consumerId: cameraConsumer, spatialLayer: 3 },
    });
    expect(tooBig.error?.code).toBe(pb.ErrorCode.ERROR_CODE_LAYER_UNAVAILABLE);

    // A lesson control from A reaches the pupil on B: the teacher mutes them.
    const muted = pupil.c.waitForEvent((e) => Boolean(e.mutedByHost));
    await teacher.c.request({
      mute: { participantIds: [pupil.id], source: pb.MediaSource.MEDIA_SOURCE_MICROPHONE, block: true },
    });
    await muted;
    const home = a.registry.get('assembly')!;
    expect([...home.peers.get(pupil.id)!.producers.values()][0]!.producer.paused).toBe(true);
    // ...and the pupil may not unmute themselves past the block.
    const refused = await pupil.c.rawRequest({ setProducerPaused: { producerId: pupilMic, paused: false } });
    expect(refused.error?.code).toBe(pb.ErrorCode.ERROR_CODE_BLOCKED_BY_HOST);

    // The teacher's mic pausing reaches the pupil's consumer on B.
    const paused = pupil.c.waitForEvent(
      (e) =>
        e.consumerStateChanged?.consumerId === pupilConsumer &&
        e.consumerStateChanged.producerPaused === true,
    );
    const teacherProducer = [...home.peers.get(teacher.id)!.producers.values()][0]!;
    await teacher.c.request({ setProducerPaused: { producerId: teacherProducer.producer.id, paused: true } });
    await paused;

    // Operators see the traffic between hosts.
    const metrics = await (await fetch(`${a.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(
      /school_call_host_bus_messages_total\{direction="received",kind="clientFrame"\} [1-9]/,
    );
    expect(metrics).toMatch(
      /school_call_host_bus_messages_total\{direction="sent",kind="edgeRequest"\} [1-9]/,
    );
    expect(metrics).toMatch(/school_call_edge_request_duration_seconds_count [1-9]/);

    // The worker under the pupil's edge router dies: the pupil is told to set
    // up media again (without leaving), and a new edge router serves them.
    const moved = pupil.c.waitForEvent((e) => e.moved?.mediaRestart === true, 8000);
    process.kill(b.pool.slot(pupilPort - b.config.rtcBasePort).worker.pid, 'SIGKILL');
    await moved;
    await b.pool.whenLive();
    const again = await recvTransport(pupil.c);
    const reconsumed = await consume(pupil, again.transportId, teacherMic);
    expect(reconsumed.consume?.consumerId).toBeTruthy();
    expect(home.peers.has(pupil.id)).toBe(true);

    // Host B dies: the pupil leaves the room on A; the teacher stays.
    await b.close();
    bClosed = true;
    await teacher.c.waitForLeft(pupil.id, 8000);
    expect(home.peers.size).toBe(1);
    teacher.c.close();
  });
});
