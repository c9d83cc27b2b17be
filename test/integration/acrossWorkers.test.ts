// One room on several workers: producers stay on the home router, receive
// transports spread to other workers as the room fills, producers are piped
// there, and losing a receive-only worker costs only its own participants.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_DTLS, TestClient, opusRtpParameters, pb } from '../helpers/protocolClient.js';
import { createRoom, enterRoom } from '../helpers/rooms.js';
import { type TestServer, startTestServer } from '../helpers/testServer.js';

let server: TestServer;

beforeAll(async () => {
  // Two workers, and a tiny threshold so the second receiver already spills over.
  server = await startTestServer({ MEDIASOUP_WORKERS: '2', RECV_TRANSPORTS_PER_ROUTER: '1' });
});

afterAll(async () => {
  await server.close();
});

function enter(name: string, role = 'participant') {
  return enterRoom(server, 'big', name, role);
}

describe('a room across workers', () => {
  it('places receivers on a second worker and pipes producers to them', async () => {
    await createRoom(server, 'big', { settings: { waitingRoom: 'off' } });
    const teacher = await enter('Teacher', 'host');
    const t = await teacher.c.request({ createWebrtcTransport: { direction: 1 } });
    const sendId = t.webrtcTransport!.transportId!;
    await teacher.c.request({ connectWebrtcTransport: { transportId: sendId, dtlsParameters: FAKE_DTLS } });
    const producerId = (
      await teacher.c.request({
        produce: {
          transportId: sendId,
          kind: pb.MediaKind.MEDIA_KIND_AUDIO,
          source: pb.MediaSource.MEDIA_SOURCE_MICROPHONE,
          rtpParameters: opusRtpParameters(4242),
        },
      })
    ).produce!.producerId!;

    const media = server.registry.get('big')!.mediaAt('')!;
    const pupils = [];
    for (const name of ['Ann', 'Ben', 'Cat']) {
      const p = await enter(name);
      const recv = await p.c.request({ createWebrtcTransport: { direction: 2 } });
      const transportId = recv.webrtcTransport!.transportId!;
      const consumed = await p.c.request({ consume: { transportId, producerId, rtpCapabilities: p.caps } });
      expect(consumed.consume?.consumerId).toBeTruthy();
      pupils.push({ ...p, transportId, consumerId: consumed.consume!.consumerId! });
    }
    const workers = pupils.map((p) => media.workerOf(p.transportId));
    expect(new Set(workers).size).toBe(2);
    expect(media.workerIndices).toHaveLength(2);
    expect(media.workerOf(sendId)).toBe(media.workerIndex);
    // Each receive transport advertises its own worker's port.
    const ports = new Set<number>();
    for (const p of pupils) {
      const again = server.registry.get('big')!.peers.get(p.id)!.transports.get(p.transportId)!.transport;
      ports.add(again.info.iceCandidates[0]!.port);
    }
    expect(ports.size).toBe(2);

    // Closing the producer at home closes the piped consumers too.
    await teacher.c.request({ closeProducer: { producerId } });
    for (const p of pupils) await p.c.waitForEvent((e) => e.consumerClosed?.consumerId === p.consumerId);

    // A receive-only worker dies: only its people set up again, nobody leaves.
    for (const p of pupils) p.c.events.length = 0;
    teacher.c.events.length = 0;
    const remote = pupils.find((p) => media.workerOf(p.transportId) !== media.workerIndex)!;
    const remoteWorker = media.workerOf(remote.transportId)!;
    process.kill(server.pool.slot(remoteWorker).worker.pid, 'SIGKILL');
    const moved = await remote.c.waitForEvent((e) => Boolean(e.moved), 10_000);
    expect(moved.moved?.mediaRestart).toBe(true);
    expect(remote.c.closedWith).toBeNull();
    expect(teacher.c.events.some((e) => e.moved)).toBe(false);
    expect(server.registry.get('big')!.peers.size).toBe(4);
    // Its new receive transport lands on a live worker and consumes again.
    const recv = await remote.c.request({ createWebrtcTransport: { direction: 2 } });
    expect(media.workerOf(recv.webrtcTransport!.transportId!)).not.toBe(undefined);
    for (const c of [teacher.c, ...pupils.map((p) => p.c)]) c.close();
  });
});
