import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// A client that stops reading does not make the server buffer without limit:
// past MAX_BACKPRESSURE_BYTES it is taken out of fan-out, and when it catches
// up it gets the current state (Resync) instead of what it missed.
import type WebSocket from 'ws';
import { FAKE_DTLS, type TestClient, opusRtpParameters, pb } from '../helpers/protocolClient.js';
import { type Person, enterRoom } from '../helpers/rooms.js';
import { type TestServer, startTestServer } from '../helpers/testServer.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ MAX_BACKPRESSURE_BYTES: String(16 * 1024) });
});

afterAll(async () => {
  await server.close();
});

function enter(name: string, role: string): Promise<Person> {
  return enterRoom(server, 'slow', name, role);
}

function rawSocket(c: TestClient): { pause(): void; resume(): void } {
  return (
    (c as unknown as { socket: WebSocket }).socket as unknown as {
      _socket: { pause(): void; resume(): void };
    }
  )._socket;
}

async function counter(c: { get(): Promise<{ values: { value: number }[] }> }): Promise<number> {
  return (await c.get()).values[0]?.value ?? 0;
}

describe('a slow client', () => {
  it('is taken out of fan-out with bounded memory, then resynchronised', async () => {
    await fetch(`${server.httpUrl}/api/rooms`, {
      method: 'POST',
      headers: server.adminHeaders,
      body: JSON.stringify({ id: 'slow', settings: { waitingRoom: 'off' } }),
    });
    const host = await enter('Teacher', 'host');
    const slow = await enter('Slow', 'participant');
    const speaker = await enter('Speaker', 'participant');
    rawSocket(slow.c).pause();

    // About 15 MB of room events, far past the 16 KiB limit and what the
    // kernel buffers on loopback: a dozen co-hosts each send a burst within
    // their own request rate limit.
    const cohosts = await Promise.all(Array.from({ length: 12 }, (_, i) => enter(`Co-host ${i}`, 'co-host')));
    const names = Array.from({ length: 50 }, (_, i) => `${'Group '.repeat(15)}${i}`);
    await Promise.all(
      cohosts.map(async (co) => {
        for (let i = 0; i < 190; i++) await co.c.rawRequest({ createBreakouts: { names } });
      }),
    );
    const deadline = Date.now() + 10_000;
    while ((await counter(server.metrics.slowClients)) < 1) {
      if (Date.now() > deadline) throw new Error('the slow client was never taken out of fan-out');
      await new Promise((r) => setTimeout(r, 50));
    }

    // Something it must learn of: a new producer while it was behind.
    const t = await speaker.c.request({ createWebrtcTransport: { direction: 1 } });
    const transportId = t.webrtcTransport!.transportId!;
    await speaker.c.request({ connectWebrtcTransport: { transportId, dtlsParameters: FAKE_DTLS } });
    const produced = await speaker.c.request({
      produce: {
        transportId,
        kind: pb.MediaKind.MEDIA_KIND_AUDIO,
        source: pb.MediaSource.MEDIA_SOURCE_MICROPHONE,
        rtpParameters: opusRtpParameters(777),
      },
    });

    rawSocket(slow.c).resume();
    const resync = await slow.c.waitForEvent((e) => Boolean(e.resync), 15_000);
    expect(resync.resync?.producers?.map((p) => p.producerId)).toContain(produced.produce!.producerId);
    expect(resync.resync?.breakouts?.breakouts).toHaveLength(50);
    expect(resync.resync?.participantCount).toBe(15);
    expect(slow.c.closedWith).toBeNull();
    expect(await counter(server.metrics.resyncs)).toBeGreaterThanOrEqual(1);
    // Events flow to it again.
    await host.c.request({ attractAttention: { message: 'back with us?' } });
    await slow.c.waitForEvent((e) => e.attentionRequested?.message === 'back with us?');
    for (const c of [host.c, slow.c, speaker.c, ...cohosts.map((x) => x.c)]) c.close();
  });
});
