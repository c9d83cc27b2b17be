// Bad input at the signaling edge: each case gets a typed error reply (or a
// clean close), is counted in metrics, and leaves server state unchanged.
import { SignJWT } from 'jose';
import protobuf from 'protobufjs/minimal.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { callEventsSoFar } from '../helpers/barriers.js';
import { FAKE_DTLS, TestClient, opusRtpParameters, pb } from '../helpers/protocolClient.js';
import { rejectedCount, snapshot } from '../helpers/serverState.js';
import { type TestServer, createRoomWithToken, startTestServer } from '../helpers/testServer.js';

let server: TestServer;
let hostToken: string;
let watcher: TestClient;
let watcherId: string;
let before: ReturnType<typeof snapshot>;

beforeAll(async () => {
  server = await startTestServer({ MAX_FRAME_BYTES: '4096' });
  const [host, other] = await createRoomWithToken(server, 'lesson', [
    { displayName: 'Host', role: 'host', userId: 'host-1' },
    { displayName: 'Watcher', userId: 'watcher-1' },
  ]);
  hostToken = host!.token;
  // Someone already in the room, whose view must not change.
  watcher = await TestClient.connect(server.wsUrl);
  watcherId = (await watcher.request({ join: { roomId: 'lesson', token: other!.token } })).join!.self!
    .participantId!;
  // The watcher's own arrival is out of the way before tests count events.
  await callEventsSoFar(watcher, watcherId);
});

afterAll(async () => {
  watcher.close();
  await server.close();
});

beforeEach(() => {
  before = snapshot(server);
  watcher.events.length = 0;
});

async function fresh(): Promise<TestClient> {
  return TestClient.connect(server.wsUrl);
}

/** Expects a typed error, one more count of it in metrics, and no change anywhere. */
async function expectRejected(reason: string, code: pb.ErrorCode, act: () => Promise<pb.Response>) {
  const counted = await rejectedCount(server, reason);
  const response = await act();
  expect(response.error?.code, response.error?.message ?? 'no error').toBe(code);
  expect(response.error?.message).toBeTruthy();
  expect(await rejectedCount(server, reason)).toBe(counted + 1);
  expect(snapshot(server)).toEqual(before);
  expect(await callEventsSoFar(watcher, watcherId)).toEqual([]);
  return response;
}

describe('malformed frames', () => {
  it('answers bytes that are not a ClientMessage with MALFORMED_FRAME', async () => {
    const c = await fresh();
    const r = await expectRejected('malformed_frame', pb.ErrorCode.ERROR_CODE_MALFORMED_FRAME, () =>
      c.sendRawAndReceive(new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01])),
    );
    expect(r.requestId).toBe(0);
    // The connection stays usable.
    const ok = await c.rawRequest({ join: { roomId: 'lesson', token: 'x' } });
    expect(ok.error?.code).toBe(pb.ErrorCode.ERROR_CODE_UNAUTHENTICATED);
    c.close();
  });

  it('answers a text frame with MALFORMED_FRAME', async () => {
    const c = await fresh();
    await expectRejected('malformed_frame', pb.ErrorCode.ERROR_CODE_MALFORMED_FRAME, () =>
      c.sendRawAndReceive('{"join":{}}'),
    );
    c.close();
  });

  it('answers a request without an id with MALFORMED_FRAME', async () => {
    const c = await fresh();
    const bytes = pb.ClientMessage.encode({ requestId: 0, leave: {} }).finish();
    await expectRejected('malformed_frame', pb.ErrorCode.ERROR_CODE_MALFORMED_FRAME, () =>
      c.sendRawAndReceive(bytes),
    );
    c.close();
  });

  it('answers an unknown message type with UNKNOWN_MESSAGE and the request id', async () => {
    const c = await fresh();
    // request_id = 77, then field 999 (a request this server does not know), empty message.
    const w = protobuf.Writer.create();
    w.uint32((1 << 3) | 0).uint32(77);
    w.uint32((999 << 3) | 2).bytes(new Uint8Array(0));
    const r = await expectRejected('unknown_message', pb.ErrorCode.ERROR_CODE_UNKNOWN_MESSAGE, () =>
      c.sendRawAndReceive(w.finish()),
    );
    expect(r.requestId).toBe(77);
    c.close();
  });

  it('answers an oversized frame with FRAME_TOO_LARGE', async () => {
    const c = await fresh();
    const bytes = pb.ClientMessage.encode({
      requestId: 9,
      join: { roomId: 'lesson', token: 'a'.repeat(5000) },
    }).finish();
    await expectRejected('frame_too_large', pb.ErrorCode.ERROR_CODE_FRAME_TOO_LARGE, () =>
      c.sendRawAndReceive(bytes),
    );
    c.close();
  });

  it('closes the connection on a frame far beyond the limit, and counts it', async () => {
    const c = await fresh();
    const counted = await rejectedCount(server, 'frame_too_large');
    c.sendRaw(new Uint8Array(4096 * 8));
    const closed = await c.waitForClose();
    expect(closed.code).not.toBe(1000);
    await new Promise((r) => setTimeout(r, 50));
    expect(await rejectedCount(server, 'frame_too_large')).toBe(counted + 1);
    expect(snapshot(server)).toEqual(before);
  });
});

describe('tokens and rooms', () => {
  it('rejects a garbage token', async () => {
    const c = await fresh();
    await expectRejected('unauthenticated', pb.ErrorCode.ERROR_CODE_UNAUTHENTICATED, () =>
      c.rawRequest({ join: { roomId: 'lesson', token: 'not.a.token' } }),
    );
    c.close();
  });

  it('rejects a token signed with another secret', async () => {
    const forged = await new SignJWT({ name: 'Mallory', role: 'host', room: 'lesson' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(server.config.tokenIssuer)
      .setSubject('mallory')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('x'.repeat(40)));
    const c = await fresh();
    await expectRejected('unauthenticated', pb.ErrorCode.ERROR_CODE_UNAUTHENTICATED, () =>
      c.rawRequest({ join: { roomId: 'lesson', token: forged } }),
    );
    c.close();
  });

  it('rejects an expired token with TOKEN_EXPIRED', async () => {
    const { token } = await server.tokens.mint(
      { userId: 'late', displayName: 'Late', role: 'participant', roomId: 'lesson' },
      -60,
    );
    const c = await fresh();
    await expectRejected('token_expired', pb.ErrorCode.ERROR_CODE_TOKEN_EXPIRED, () =>
      c.rawRequest({ join: { roomId: 'lesson', token } }),
    );
    c.close();
  });

  it('rejects a token for another room', async () => {
    const c = await fresh();
    await expectRejected('unauthenticated', pb.ErrorCode.ERROR_CODE_UNAUTHENTICATED, () =>
      c.rawRequest({ join: { roomId: 'some-other-room', token: hostToken } }),
    );
    c.close();
  });

  it('rejects an unknown room with ROOM_NOT_FOUND', async () => {
    const { token } = await server.tokens.mint(
      { userId: 'u', displayName: 'U', role: 'participant', roomId: 'no-such-room' },
      600,
    );
    const c = await fresh();
    await expectRejected('room_not_found', pb.ErrorCode.ERROR_CODE_ROOM_NOT_FOUND, () =>
      c.rawRequest({ join: { roomId: 'no-such-room', token } }),
    );
    c.close();
  });
});

describe('requests out of order', () => {
  const beforeJoin: [string, Parameters<TestClient['rawRequest']>[0]][] = [
    ['consume', { consume: { transportId: 't', producerId: 'p', rtpCapabilities: {} } }],
    ['createWebrtcTransport', { createWebrtcTransport: { direction: 1 } }],
    ['connectWebrtcTransport', { connectWebrtcTransport: { transportId: 't', dtlsParameters: FAKE_DTLS } }],
    ['produce', { produce: { transportId: 't', kind: 1, source: 1, rtpParameters: opusRtpParameters(1) } }],
    ['getRouterRtpCapabilities', { getRouterRtpCapabilities: {} }],
    ['leave', { leave: {} }],
  ];
  for (const [name, body] of beforeJoin) {
    it(`answers ${name} before join with NOT_JOINED`, async () => {
      const c = await fresh();
      await expectRejected('not_joined', pb.ErrorCode.ERROR_CODE_NOT_JOINED, () => c.rawRequest(body));
      c.close();
    });
  }

  it('answers a second join with ALREADY_JOINED', async () => {
    const c = await fresh();
    await c.request({ join: { roomId: 'lesson', token: hostToken } });
    await watcher.waitForJoined((p) => p.userId === 'host-1');
    before = snapshot(server);
    watcher.events.length = 0;
    await expectRejected('already_joined', pb.ErrorCode.ERROR_CODE_ALREADY_JOINED, () =>
      c.rawRequest({ join: { roomId: 'lesson', token: hostToken } }),
    );
    c.close();
    await watcher.waitForEvent((e) => (e.presenceChanged?.left ?? []).length > 0);
  });
});

describe('invalid arguments after join', () => {
  let c: TestClient;
  let sendId: string;

  beforeAll(async () => {
    c = await fresh();
    await c.request({ join: { roomId: 'lesson', token: hostToken } });
    const t = await c.request({ createWebrtcTransport: { direction: 1 } });
    sendId = t.webrtcTransport!.transportId!;
    await c.request({ connectWebrtcTransport: { transportId: sendId, dtlsParameters: FAKE_DTLS } });
    await callEventsSoFar(watcher, watcherId);
  });

  afterAll(() => c.close());

  const cases: [string, () => Parameters<TestClient['rawRequest']>[0]][] = [
    ['a transport without direction', () => ({ createWebrtcTransport: {} })],
    [
      'a second connect',
      () => ({ connectWebrtcTransport: { transportId: sendId, dtlsParameters: FAKE_DTLS } }),
    ],
    [
      'DTLS without fingerprints',
      () => ({ connectWebrtcTransport: { transportId: sendId, dtlsParameters: {} } }),
    ],
    [
      'a produce without kind',
      () => ({ produce: { transportId: sendId, source: 1, rtpParameters: opusRtpParameters(1) } }),
    ],
    [
      'a source that does not match the kind',
      () => ({
        produce: {
          transportId: sendId,
          kind: pb.MediaKind.MEDIA_KIND_VIDEO,
          source: pb.MediaSource.MEDIA_SOURCE_MICROPHONE,
          rtpParameters: opusRtpParameters(1),
        },
      }),
    ],
    [
      'RTP parameters with 100 codecs',
      () => ({
        produce: {
          transportId: sendId,
          kind: 1,
          source: 1,
          rtpParameters: {
            codecs: Array(100).fill({ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000 }),
            encodings: [{ ssrc: 1 }],
          },
        },
      }),
    ],
    [
      'RTP parameters mediasoup cannot accept',
      () => ({
        produce: {
          transportId: sendId,
          kind: 1,
          source: 1,
          rtpParameters: {
            codecs: [{ mimeType: 'audio/made-up', payloadType: 300, clockRate: 1 }],
            encodings: [{ ssrc: 1 }],
          },
        },
      }),
    ],
  ];
  for (const [name, body] of cases) {
    it(`answers ${name} with INVALID_ARGUMENT`, async () => {
      before = snapshot(server);
      watcher.events.length = 0;
      await expectRejected('invalid_argument', pb.ErrorCode.ERROR_CODE_INVALID_ARGUMENT, () =>
        c.rawRequest(body()),
      );
    });
  }
});

describe('flooding', () => {
  it('answers a burst beyond the rate limit with RATE_LIMITED and keeps serving', async () => {
    // Let the previous suite's disconnect settle before taking the baseline.
    while (server.registry.get('lesson')!.peers.size > 1) await new Promise((r) => setTimeout(r, 20));
    before = snapshot(server);
    const c = await fresh();
    const counted = await rejectedCount(server, 'rate_limited');
    const replies = await Promise.all(
      Array.from({ length: 260 }, () => c.rawRequest({ getRouterRtpCapabilities: {} })),
    );
    const limited = replies.filter((r) => r.error?.code === pb.ErrorCode.ERROR_CODE_RATE_LIMITED).length;
    expect(limited).toBeGreaterThan(0);
    expect(await rejectedCount(server, 'rate_limited')).toBe(counted + limited);
    expect(snapshot(server)).toEqual(before);
    c.close();
  });
});
