// uWS lends a message's bytes only for the duration of its callback, then
// detaches them; the bytes fields protobufjs decodes are views of them. A
// handler that waits for real I/O (Redis, a timer) before reading a bytes
// field must still see what the client sent: the WebSocket server copies
// each frame out of uWS's buffer first.
import uWS from 'uWebSockets.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../common/log.js';
import { guardApp } from '../../signaling/http/guardedApp.js';
import { Metrics } from '../../signaling/metrics.js';
import type { HandlerTable } from '../../signaling/requests/handlerTable.js';
import { ConnectionGate } from '../../signaling/transport/connectionGate.js';
import { WsServer } from '../../signaling/transport/wsServer.js';
import { TestClient } from '../helpers/protocolClient.js';

describe('frames and uWS buffers', () => {
  let listen: uWS.us_listen_socket;
  let port = 0;
  const seen: number[][] = [];

  beforeAll(async () => {
    const app = guardApp(uWS.App(), (_where, err) => {
      throw err;
    });
    const counts = {
      roomsDefined: 0,
      roomsLive: 0,
      participants: 0,
      connections: 0,
      transports: 0,
      producers: { audio: 0, video: 0 },
      consumers: { audio: 0, video: 0 },
    };
    const metrics = new Metrics(
      () => counts as never,
      async () => [],
    );
    const ws = new WsServer(
      app,
      {
        maxFrameBytes: 64 * 1024,
        maxBackpressureBytes: 1024 * 1024,
        idleTimeoutSeconds: 60,
        trustProxy: false,
        joinDeadlineSeconds: 30,
      },
      new ConnectionGate({ maxConnections: 10, maxPendingPerAddress: 10, allowedOrigins: () => [] }),
      metrics,
      createLogger('silent'),
    );
    // One handler that reads its bytes only after a timer, as one that first awaits Redis would.
    const handlers = {
      whiteboardUpdate: async (_ctx: unknown, req: { update?: Uint8Array | null }) => {
        await new Promise((r) => setTimeout(r, 30));
        seen.push([...(req.update ?? [])]);
        return undefined;
      },
    } as unknown as HandlerTable;
    ws.attach('/ws', { handlers, leaveRoom: () => {}, resyncSnapshot: () => ({}) });
    listen = await new Promise<uWS.us_listen_socket>((resolve, reject) =>
      app.listen('127.0.0.1', 0, (token) => (token ? resolve(token) : reject(new Error('cannot listen')))),
    );
    port = uWS.us_socket_local_port(listen);
  });

  afterAll(() => {
    uWS.us_listen_socket_close(listen);
  });

  it('a handler that reads a bytes field after real I/O gets the bytes the client sent', async () => {
    const client = await TestClient.connect(`ws://127.0.0.1:${port}/ws`);
    const sent = [
      [1, 2, 3, 4, 5],
      [9, 8, 7],
    ];
    await Promise.all(sent.map((b) => client.request({ whiteboardUpdate: { update: new Uint8Array(b) } })));
    expect(seen).toEqual(sent);
    client.close();
  });
});
