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
  it('replaces the worker and lets the room continue after a rejoin', async () => {
    const [t] = await createRoomWithToken(server, 'crash', [{ displayName: 'A', userId: 'crash-a' }]);
    const c = await TestClient.connect(server.wsUrl);
    await c.request({ join: { roomId: 'crash', token: t!.token } });
    const oldPid = server.pool.slot(0).worker.pid;
    process.kill(oldPid, 'SIGKILL');

    const closed = await c.waitForEvent((e) => Boolean(e.sessionClosed), 10_000);
    expect(closed.sessionClosed?.reason).toBe(pb.CloseReason.CLOSE_REASON_MEDIA_RESTART);
    await c.waitForClose();

    const deadline = Date.now() + 10_000;
    while (server.pool.slot(0).worker.pid === oldPid || server.pool.slot(0).worker.closed) {
      if (Date.now() > deadline) throw new Error('worker was not replaced');
      await new Promise((r) => setTimeout(r, 50));
    }
    const restarts = (await server.metrics.workerRestarts.get()).values[0]?.value;
    expect(restarts).toBe(1);

    const again = await TestClient.connect(server.wsUrl);
    const r = await again.request({ join: { roomId: 'crash', token: t!.token } });
    expect(r.join?.routerRtpCapabilities?.codecs?.length).toBeGreaterThan(0);
    const transport = await again.request({ createWebrtcTransport: { direction: 2 } });
    expect(transport.webrtcTransport?.transportId).toBeTruthy();
    again.close();
  });
});
