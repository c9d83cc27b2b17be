// What a receiver gets to see, against the real server and a real mediasoup
// worker: last-N holds the cameras of all but the last N active speakers
// (teachers' cameras and screen shares always pass) and tells the receivers;
// a client's own pauses and last-N's holds do not undo each other; pages of
// consumers pause at once, all or nothing; preferred simulcast layers are
// validated and set. Dominant speakers come from the room's media as
// mediasoup's ActiveSpeakerObserver reports them (no audio flows here).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MediaConsumer } from '../../sfu/mediaTransport.js';
import { FAKE_DTLS, TestClient, opusRtpParameters, pb, vp8RtpParameters } from '../helpers/protocolClient.js';
import { type TestServer, createRoomWithToken, startTestServer } from '../helpers/testServer.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ LAST_N: '2' });
});

afterAll(async () => {
  await server.close();
});

interface Person {
  c: TestClient;
  id: string;
}

async function join(roomId: string, token: string): Promise<Person> {
  const c = await TestClient.connect(server.wsUrl);
  const r = await c.request({ join: { roomId, token } });
  return { c, id: r.join!.self!.participantId! };
}

let ssrcBase = 100_000;
async function produce(p: Person, source: pb.MediaSource, simulcast = false): Promise<string> {
  const t = await p.c.request({
    createWebrtcTransport: { direction: pb.TransportDirection.TRANSPORT_DIRECTION_SEND },
  });
  const transportId = t.webrtcTransport!.transportId!;
  await p.c.request({ connectWebrtcTransport: { transportId, dtlsParameters: FAKE_DTLS } });
  ssrcBase += 10;
  const audio = source === pb.MediaSource.MEDIA_SOURCE_MICROPHONE;
  const r = await p.c.request({
    produce: {
      transportId,
      kind: audio ? pb.MediaKind.MEDIA_KIND_AUDIO : pb.MediaKind.MEDIA_KIND_VIDEO,
      source,
      rtpParameters: audio
        ? opusRtpParameters(ssrcBase)
        : vp8RtpParameters(simulcast ? [ssrcBase, ssrcBase + 1, ssrcBase + 2] : [ssrcBase]),
    },
  });
  return r.produce!.producerId!;
}

/** A receiver consuming the given producers; returns consumer ids by producer id. */
async function consumeAll(r: Person, producerIds: string[]): Promise<Map<string, string>> {
  const caps = (await r.c.request({ getRouterRtpCapabilities: {} })).routerRtpCapabilities;
  const t = await r.c.request({
    createWebrtcTransport: { direction: pb.TransportDirection.TRANSPORT_DIRECTION_RECV },
  });
  const out = new Map<string, string>();
  for (const producerId of producerIds) {
    const c = await r.c.request({
      consume: { transportId: t.webrtcTransport!.transportId, producerId, rtpCapabilities: caps },
    });
    out.set(producerId, c.consume!.consumerId!);
  }
  return out;
}

function serverConsumer(roomId: string, consumerId: string): MediaConsumer {
  for (const peer of server.registry.get(roomId)!.peers.values()) {
    const c = peer.consumers.get(consumerId);
    if (c) return c;
  }
  throw new Error(`no consumer ${consumerId}`);
}

async function eventually(check: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function metric(name: string, labels: string): Promise<number> {
  const text = await (await fetch(`${server.httpUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('last-N', () => {
  it('forwards only the last N speakers’ cameras, plus teachers’ and screen shares, and tells receivers', async () => {
    const tokens = await createRoomWithToken(server, 'lastn', [
      { displayName: 'Учитель', role: 'host', userId: 'ln-teacher' },
      { displayName: 'P1', userId: 'ln-1' },
      { displayName: 'P2', userId: 'ln-2' },
      { displayName: 'P3', userId: 'ln-3' },
      { displayName: 'P4', userId: 'ln-4' },
      { displayName: 'Receiver', userId: 'ln-r' },
    ]);
    const [teacher, p1, p2, p3, p4, r] = await Promise.all(tokens.map((t) => join('lastn', t.token)));
    const camera = pb.MediaSource.MEDIA_SOURCE_CAMERA;
    const cams = new Map<string, string>(); // participant id -> producer id
    for (const p of [teacher!, p1!, p2!, p3!, p4!]) cams.set(p.id, await produce(p, camera));
    const screen = await produce(teacher!, pb.MediaSource.MEDIA_SOURCE_SCREEN);
    const consumers = await consumeAll(r!, [...cams.values(), screen]);
    const consumerOf = (p: Person) => serverConsumer('lastn', consumers.get(cams.get(p.id)!)!);
    const suppressedBefore = await metric('school_call_consumer_last_n_total', 'change="suppressed"');

    // The receiver resumes everything, as its client does once each consumer exists.
    await r!.c.request({ setConsumersPaused: { consumerIds: [...consumers.values()], paused: false } });
    // Nobody spoke yet: the two earliest pupils' cameras pass, P3's and P4's are held.
    const told = (ids: string[]) =>
      r!.c.events.some(
        (e) =>
          e.videoSuppressed &&
          [...(e.videoSuppressed.participantIds ?? [])].sort().join() === ids.sort().join(),
      );
    await eventually(() => told([p3!.id, p4!.id]), 'VideoSuppressed P3, P4');
    const last = () => [...r!.c.events].reverse().find((e) => e.videoSuppressed)!.videoSuppressed!;
    expect(last().lastN).toBe(2);
    expect(consumerOf(teacher!).paused).toBe(false);
    expect(consumerOf(p1!).paused).toBe(false);
    expect(consumerOf(p2!).paused).toBe(false);
    expect(consumerOf(p3!).paused).toBe(true);
    expect(consumerOf(p4!).paused).toBe(true);
    expect(serverConsumer('lastn', consumers.get(screen)!).paused).toBe(false);

    // P4 speaks: P4 and P1 pass now, P2 is held.
    const media = server.registry.get('lastn')!.mediaAt('')!;
    media.emit('dominantSpeaker', p4!.id);
    await eventually(() => told([p2!.id, p3!.id]), 'VideoSuppressed P2, P3');
    await eventually(() => !consumerOf(p4!).paused && consumerOf(p2!).paused, 'P4 forwarded, P2 held');
    expect(consumerOf(p1!).paused).toBe(false);

    // The receiver scrolls P4's tile away; P3 then speaks: P4 stays selected
    // but stays paused, because its owner paused it.
    await r!.c.request({
      setConsumerPaused: { consumerId: consumers.get(cams.get(p4!.id)!)!, paused: true },
    });
    media.emit('dominantSpeaker', p3!.id);
    await eventually(() => told([p1!.id, p2!.id]), 'VideoSuppressed P1, P2');
    await eventually(() => !consumerOf(p3!).paused && consumerOf(p1!).paused, 'P3 forwarded, P1 held');
    expect(consumerOf(p4!).paused).toBe(true);
    await r!.c.request({
      setConsumerPaused: { consumerId: consumers.get(cams.get(p4!.id)!)!, paused: false },
    });
    expect(consumerOf(p4!).paused).toBe(false);
    // ...and a client cannot resume what last-N holds.
    await r!.c.request({
      setConsumerPaused: { consumerId: consumers.get(cams.get(p1!.id)!)!, paused: false },
    });
    expect(consumerOf(p1!).paused).toBe(true);

    // The teacher raises the room's N to 3: P1 is forwarded again.
    await teacher!.c.request({ updateRoomSettings: { lastN: 3 } });
    await eventually(() => last().lastN === 3 && (last().participantIds ?? []).join() === p2!.id, 'N = 3');
    await eventually(() => !consumerOf(p1!).paused, 'P1 forwarded');
    // A pupil may not change it, and an absurd N is refused; neither changes anything.
    const byPupil = await p1!.c.rawRequest({ updateRoomSettings: { lastN: 50 } });
    expect(byPupil.error?.code).toBe(pb.ErrorCode.ERROR_CODE_FORBIDDEN);
    const tooMany = await teacher!.c.rawRequest({ updateRoomSettings: { lastN: 1000 } });
    expect(tooMany.error?.code).toBe(pb.ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
    expect(server.registry.get('lastn')!.settings.lastN).toBe(3);

    // A camera that leaves frees its place: P3 leaves, P2 is forwarded.
    await p3!.c.request({ leave: {} });
    await eventually(() => last().participantIds?.length === 0, 'nobody held');
    await eventually(() => !consumerOf(p2!).paused, 'P2 forwarded');

    expect(await metric('school_call_consumer_last_n_total', 'change="suppressed"')).toBeGreaterThan(
      suppressedBefore,
    );
    expect(await metric('school_call_consumer_client_pauses_total', 'action="pause"')).toBeGreaterThanOrEqual(
      1,
    );
    for (const p of [teacher, p1, p2, p3, p4, r]) p!.c.close();
  });
});

describe('pausing a page of consumers', () => {
  it('pauses all at once, or none when one id is not the caller’s or the page is a flood', async () => {
    const tokens = await createRoomWithToken(server, 'paging', [
      { displayName: 'A', role: 'host', userId: 'pg-a' },
      { displayName: 'B', userId: 'pg-b' },
      { displayName: 'R', userId: 'pg-r' },
    ]);
    const [a, b, r] = await Promise.all(tokens.map((t) => join('paging', t.token)));
    const producers = [
      await produce(a!, pb.MediaSource.MEDIA_SOURCE_CAMERA),
      await produce(a!, pb.MediaSource.MEDIA_SOURCE_MICROPHONE),
      await produce(b!, pb.MediaSource.MEDIA_SOURCE_CAMERA),
    ];
    const ids = [...(await consumeAll(r!, producers)).values()];
    const paused = () => ids.map((id) => serverConsumer('paging', id).paused);
    await r!.c.request({ setConsumersPaused: { consumerIds: ids, paused: false } });
    expect(paused()).toEqual([false, false, false]);

    const foreign = await r!.c.rawRequest({
      setConsumersPaused: { consumerIds: [...ids, 'nope'], paused: true },
    });
    expect(foreign.error?.code).toBe(pb.ErrorCode.ERROR_CODE_NOT_FOUND);
    const flood = await r!.c.rawRequest({
      setConsumersPaused: { consumerIds: Array.from({ length: 201 }, (_, i) => `c${i}`), paused: true },
    });
    expect(flood.error?.code).toBe(pb.ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
    const empty = await r!.c.rawRequest({ setConsumersPaused: { consumerIds: [], paused: true } });
    expect(empty.error?.code).toBe(pb.ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
    // Someone else's consumers are not yours to pause.
    const notHis = await b!.c.rawRequest({ setConsumersPaused: { consumerIds: ids, paused: true } });
    expect(notHis.error?.code).toBe(pb.ErrorCode.ERROR_CODE_NOT_FOUND);
    expect(paused()).toEqual([false, false, false]);

    await r!.c.request({ setConsumersPaused: { consumerIds: ids, paused: true } });
    expect(paused()).toEqual([true, true, true]);
    for (const p of [a, b, r]) p!.c.close();
  });
});

describe('preferred layers', () => {
  it('sets the layer of a simulcast consumer and refuses what cannot be, changing nothing', async () => {
    const tokens = await createRoomWithToken(server, 'layers', [
      { displayName: 'Учитель', role: 'host', userId: 'ly-t' },
      { displayName: 'R', userId: 'ly-r' },
    ]);
    const [t, r] = await Promise.all(tokens.map((x) => join('layers', x.token)));
    const simulcast = await produce(t!, pb.MediaSource.MEDIA_SOURCE_CAMERA, true);
    const mic = await produce(t!, pb.MediaSource.MEDIA_SOURCE_MICROPHONE);
    const plainVideo = await produce(t!, pb.MediaSource.MEDIA_SOURCE_SCREEN);
    const consumers = await consumeAll(r!, [simulcast, mic, plainVideo]);
    const cam = consumers.get(simulcast)!;
    const rejectedBefore = await metric('school_call_signaling_rejected_total', 'reason="layer_unavailable"');

    await r!.c.request({
      setConsumerPreferredLayers: { consumerId: cam, spatialLayer: 0, temporalLayer: 1 },
    });
    expect(serverConsumer('layers', cam).preferredLayers).toEqual({ spatialLayer: 0, temporalLayer: 1 });

    const refusals: [string, pb.ISetConsumerPreferredLayersRequest, pb.ErrorCode][] = [
      [
        'no such spatial layer',
        { consumerId: cam, spatialLayer: 3 },
        pb.ErrorCode.ERROR_CODE_LAYER_UNAVAILABLE,
      ],
      [
        'no such temporal layer',
        { consumerId: cam, spatialLayer: 1, temporalLayer: 3 },
        pb.ErrorCode.ERROR_CODE_LAYER_UNAVAILABLE,
      ],
      ['audio', { consumerId: consumers.get(mic)!, spatialLayer: 0 }, pb.ErrorCode.ERROR_CODE_NOT_LAYERED],
      [
        'video without layers',
        { consumerId: consumers.get(plainVideo)!, spatialLayer: 0 },
        pb.ErrorCode.ERROR_CODE_NOT_LAYERED,
      ],
      ['unknown consumer', { consumerId: 'nope', spatialLayer: 0 }, pb.ErrorCode.ERROR_CODE_NOT_FOUND],
    ];
    for (const [what, req, code] of refusals) {
      const res = await r!.c.rawRequest({ setConsumerPreferredLayers: req });
      expect(res.error?.code, what).toBe(code);
    }
    // Nor may the producer's owner steer the receiver's consumer.
    const foreign = await t!.c.rawRequest({
      setConsumerPreferredLayers: { consumerId: cam, spatialLayer: 1 },
    });
    expect(foreign.error?.code).toBe(pb.ErrorCode.ERROR_CODE_NOT_FOUND);
    expect(serverConsumer('layers', cam).preferredLayers).toEqual({ spatialLayer: 0, temporalLayer: 1 });
    expect(await metric('school_call_signaling_rejected_total', 'reason="layer_unavailable"')).toBe(
      rejectedBefore + 2,
    );
    expect(
      await metric('school_call_consumer_layer_requests_total', 'spatial_layer="0"'),
    ).toBeGreaterThanOrEqual(1);
    for (const p of [t, r]) p!.c.close();
  });
});
