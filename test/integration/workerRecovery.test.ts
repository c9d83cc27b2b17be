// A mediasoup worker that dies is replaced, and the participants of its rooms
// are told to rejoin, which then works.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient, pb } from '../helpers/protocolClient.js';
import { type TestServer, createRoomWithToken, startTestServer } from '../helpers/testServer.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server.close();
});

describe('worker crash', () => {
  it('replaces the worker and rebuilds the room’s media without anyone leaving the call', async () => {
    const [t] = await createRoomWithToken(server, 'crash', [{ displayName: 'A', userId: 'crash-a' }]);
    const c = await TestClient.connect(server.wsUrl);
    const joined = await c.request({ join: { roomId: 'crash', token: t!.token } });
    const before = await c.request({ createWebrtcTransport: { direction: 2 } });
    const oldPid = server.pool.slot(0).worker.pid;
    process.kill(oldPid, 'SIGKILL');

    // Told to set up again in the same place, not disconnected.
    const moved = await c.waitForEvent((e) => Boolean(e.moved), 15_000);
    expect(moved.moved).toMatchObject({ location: '', mediaRestart: true });
    expect(moved.moved?.routerRtpCapabilities?.codecs?.length).toBeGreaterThan(0);
    expect(c.closedWith).toBeNull();
    const room = server.registry.get('crash')!;
    expect(room.peers.get(joined.join!.self!.participantId!)).toBeTruthy();
    expect(server.pool.slot(0).worker.pid).not.toBe(oldPid);
    const restarts = (await server.metrics.workerRestarts.get()).values[0]?.value;
    expect(restarts).toBe(1);

    // The old transport is gone; a new one works on the new worker.
    const stale = await c.rawRequest({ restartIce: { transportId: before.webrtcTransport!.transportId } });
    expect(stale.error?.code).toBe(pb.ErrorCode.ERROR_CODE_NOT_FOUND);
    const transport = await c.request({ createWebrtcTransport: { direction: 2 } });
    expect(transport.webrtcTransport?.transportId).toBeTruthy();
    c.close();
  });
});
