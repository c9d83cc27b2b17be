// Lesson controls over the real protocol: every moderator-only request is
// refused to those without the role (typed error, counted, nothing changes),
// and each control does what a teacher expects when the role allows it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_DTLS, TestClient, pb, produceMic } from '../helpers/protocolClient.js';
import { type Person, createRoom, enterRoom } from '../helpers/rooms.js';
import { rejectedCount, snapshot } from '../helpers/serverState.js';
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

async function newRoom(settings: Record<string, unknown> = {}): Promise<string> {
  const id = `lesson-${++roomCounter}`;
  await createRoom(server, id, { title: 'Physics 9', settings });
  return id;
}

async function tokenFor(
  roomId: string,
  displayName: string,
  role: string,
  userId = displayName,
): Promise<string> {
  return (await server.tokens.mint({ userId, displayName, role: role as never, roomId }, 600)).token;
}

function enter(roomId: string, displayName: string, role: string, userId = displayName): Promise<Person> {
  return enterRoom(server, roomId, displayName, role, { userId, clients });
}

function micProducer(p: Person, paused = false): Promise<string> {
  return produceMic(p.c, paused);
}

function errorCode(r: pb.Response): pb.ErrorCode | undefined {
  return r.error?.code ?? undefined;
}

describe('moderator-only requests', () => {
  it('are refused to participants and guests with FORBIDDEN, counted, changing nothing', async () => {
    const roomId = await newRoom({ waitingRoom: 'off' });
    const host = await enter(roomId, 'Teacher', 'host');
    const pupil = await enter(roomId, 'Pupil', 'participant');
    const guest = await enter(roomId, 'Parent', 'guest');
    await micProducer(host);
    await host.c.request({ raiseHand: { raised: true } });
    const requests: [string, Parameters<TestClient['rawRequest']>[0]][] = [
      ['updateRoomSettings', { updateRoomSettings: { locked: true } }],
      ['admit', { admit: { all: true } }],
      ['deny', { deny: { participantIds: [] } }],
      ['setRole', { setRole: { participantId: pupil.id, role: pb.Role.ROLE_CO_HOST } }],
      ['lowerHands', { lowerHands: { all: true } }],
      ['attractAttention', { attractAttention: { message: 'look' } }],
      ['mute', { mute: { all: true, source: pb.MediaSource.MEDIA_SOURCE_MICROPHONE, block: true } }],
      ['mute host', { mute: { participantIds: [host.id], source: pb.MediaSource.MEDIA_SOURCE_MICROPHONE } }],
      ['allowToSpeak', { allowToSpeak: { participantId: pupil.id } }],
      ['removeParticipant', { removeParticipant: { participantId: host.id, ban: true } }],
      ['endCall', { endCall: {} }],
      ['createBreakouts', { createBreakouts: { count: 2 } }],
      ['assignBreakouts', { assignBreakouts: { auto: true } }],
      ['openBreakouts', { openBreakouts: {} }],
      ['closeBreakouts', { closeBreakouts: {} }],
      ['broadcastToBreakouts', { broadcastToBreakouts: { message: 'hi' } }],
      ['moveTo', { moveTo: { breakoutId: '' } }],
    ];
    await new Promise((r) => setTimeout(r, 50));
    const before = snapshot(server);
    for (const who of [pupil, guest]) {
      for (const [name, body] of requests) {
        const counted = await rejectedCount(server, 'forbidden');
        const r = await who.c.rawRequest(body);
        expect(errorCode(r), name).toBe(pb.ErrorCode.ERROR_CODE_FORBIDDEN);
        expect(await rejectedCount(server, 'forbidden'), name).toBe(counted + 1);
        expect(snapshot(server), name).toEqual(before);
      }
    }
  });

  it('are refused to co-hosts where they touch the host or belong to the host alone', async () => {
    const roomId = await newRoom({ waitingRoom: 'off' });
    const host = await enter(roomId, 'Teacher', 'host');
    const cohost = await enter(roomId, 'Assistant', 'co-host');
    const pupil = await enter(roomId, 'Pupil', 'participant');
    await micProducer(host);
    await host.c.request({ raiseHand: { raised: true } });
    await new Promise((r) => setTimeout(r, 50));
    const before = snapshot(server);
    const refused: [string, Parameters<TestClient['rawRequest']>[0]][] = [
      ['setRole', { setRole: { participantId: pupil.id, role: pb.Role.ROLE_CO_HOST } }],
      ['endCall', { endCall: {} }],
      ['mute host', { mute: { participantIds: [host.id], source: pb.MediaSource.MEDIA_SOURCE_MICROPHONE } }],
      ['remove host', { removeParticipant: { participantId: host.id } }],
      ['lower host hand', { lowerHands: { participantIds: [host.id] } }],
    ];
    for (const [name, body] of refused) {
      const r = await cohost.c.rawRequest(body);
      expect(errorCode(r), name).toBe(pb.ErrorCode.ERROR_CODE_FORBIDDEN);
      expect(snapshot(server), name).toEqual(before);
    }
    // But a co-host may mute a pupil.
    const ok = await cohost.c.rawRequest({
      mute: { participantIds: [pupil.id], source: pb.MediaSource.MEDIA_SOURCE_MICROPHONE },
    });
    expect(ok.error).toBeFalsy();
  });

  it('refuse malformed moderator requests with INVALID_ARGUMENT, counted, changing nothing', async () => {
    const roomId = await newRoom({ waitingRoom: 'off' });
    const host = await enter(roomId, 'Teacher', 'host');
    await enter(roomId, 'Pupil', 'participant');
    await new Promise((r) => setTimeout(r, 200));
    const before = snapshot(server);
    const bad: [string, Parameters<TestClient['rawRequest']>[0]][] = [
      ['unknown waiting room mode', { updateRoomSettings: { waitingRoom: 9 as pb.WaitingRoomMode } }],
      ['too many screen shares', { updateRoomSettings: { maxScreenShares: 17 } }],
      ['over-long attention message', { attractAttention: { message: 'x'.repeat(201) } }],
      ['removing oneself', { removeParticipant: { participantId: host.id } }],
      ['muting a screen share', { mute: { all: true, source: pb.MediaSource.MEDIA_SOURCE_SCREEN } }],
      ['over-long search', { listParticipants: { query: 'q'.repeat(101) } }],
    ];
    for (const [name, body] of bad) {
      const counted = await rejectedCount(server, 'invalid_argument');
      expect(errorCode(await host.c.rawRequest(body)), name).toBe(pb.ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
      expect(await rejectedCount(server, 'invalid_argument'), name).toBe(counted + 1);
      expect(snapshot(server), name).toEqual(before);
    }
  });

  it('the host cannot be demoted, and roles outside co-host/participant are refused', async () => {
    const roomId = await newRoom({ waitingRoom: 'off' });
    const host = await enter(roomId, 'Teacher', 'host');
    const pupil = await enter(roomId, 'Pupil', 'participant');
    expect(
      errorCode(
        await host.c.rawRequest({ setRole: { participantId: host.id, role: pb.Role.ROLE_PARTICIPANT } }),
      ),
    ).toBe(pb.ErrorCode.ERROR_CODE_FORBIDDEN);
    expect(
      errorCode(await host.c.rawRequest({ setRole: { participantId: pupil.id, role: pb.Role.ROLE_HOST } })),
    ).toBe(pb.ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
  });
});

describe('waiting room', () => {
  it('holds a guest until a host admits them, then lets them in with media', async () => {
    const roomId = await newRoom({ waitingRoom: 'guests' });
    const host = await enter(roomId, 'Teacher', 'host');
    const pupil = await enter(roomId, 'Pupil', 'participant');
    expect(pupil.join.waiting).toBeFalsy();
    const parent = await enter(roomId, 'Parent Petrova', 'guest', 'guest-1');
    expect(parent.join.waiting).toBe(true);
    expect(parent.join.routerRtpCapabilities).toBeFalsy();
    expect(parent.join.participants ?? []).toHaveLength(0);

    const queue = await host.c.waitForEvent((e) => (e.waitingRoomDelta?.added?.length ?? 0) > 0);
    expect(queue.waitingRoomDelta?.added?.[0]?.displayName).toBe('Parent Petrova');
    expect(queue.waitingRoomDelta?.total).toBe(1);
    // Pupils do not see the queue.
    await expect(
      pupil.c.waitForEvent((e) => Boolean(e.waitingRoomChanged || e.waitingRoomDelta), 200),
    ).rejects.toThrow();
    // Waiting people cannot do anything but leave.
    expect(errorCode(await parent.c.rawRequest({ createWebrtcTransport: { direction: 2 } }))).toBe(
      pb.ErrorCode.ERROR_CODE_WAITING,
    );
    expect(errorCode(await parent.c.rawRequest({ raiseHand: { raised: true } }))).toBe(
      pb.ErrorCode.ERROR_CODE_WAITING,
    );

    await host.c.request({ admit: { participantIds: [parent.id] } });
    const admitted = await parent.c.waitForEvent((e) => Boolean(e.admitted));
    expect(admitted.admitted?.join?.routerRtpCapabilities?.codecs?.length).toBeGreaterThan(0);
    expect(admitted.admitted?.join?.participants?.map((p) => p.displayName).sort()).toEqual([
      'Pupil',
      'Teacher',
    ]);
    await pupil.c.waitForJoined((p) => p.displayName === 'Parent Petrova');
    await host.c.waitForEvent(
      (e) => e.waitingRoomDelta?.total === 0 && e.waitingRoomDelta.removed?.[0] === parent.id,
    );
    const t = await parent.c.rawRequest({ createWebrtcTransport: { direction: 2 } });
    expect(t.error).toBeFalsy();

    // A reconnect of an admitted guest skips the queue.
    parent.c.close();
    const again = await enter(roomId, 'Parent Petrova', 'guest', 'guest-1');
    expect(again.join.waiting).toBeFalsy();
  });

  it('tells a denied guest so and closes the connection', async () => {
    const roomId = await newRoom({ waitingRoom: 'everyone' });
    const host = await enter(roomId, 'Teacher', 'host');
    const pupil = await enter(roomId, 'Pupil', 'participant');
    expect(pupil.join.waiting).toBe(true);
    await host.c.waitForEvent((e) => (e.waitingRoomDelta?.added?.length ?? 0) > 0);
    await host.c.request({ deny: { participantIds: [pupil.id] } });
    const closed = await pupil.c.waitForEvent((e) => Boolean(e.sessionClosed));
    expect(closed.sessionClosed?.reason).toBe(pb.CloseReason.CLOSE_REASON_DENIED);
    expect(server.registry.get(roomId)!.waiting.size).toBe(0);
  });

  it('admits everyone waiting at once', async () => {
    const roomId = await newRoom({ waitingRoom: 'everyone' });
    const host = await enter(roomId, 'Teacher', 'host');
    const a = await enter(roomId, 'A', 'participant');
    const b = await enter(roomId, 'B', 'guest');
    await host.c.waitForEvent((e) => e.waitingRoomDelta?.total === 2);
    await host.c.request({ admit: { all: true } });
    await a.c.waitForEvent((e) => Boolean(e.admitted));
    await b.c.waitForEvent((e) => Boolean(e.admitted));
    expect(server.registry.get(roomId)!.peers.size).toBe(3);
  });

  it('a host joining later sees the queue, and a waiting person who leaves drops out of it', async () => {
    const roomId = await newRoom({ waitingRoom: 'everyone' });
    const pupil = await enter(roomId, 'Pupil', 'participant');
    const host = await enter(roomId, 'Teacher', 'host');
    await host.c.waitForEvent((e) => e.waitingRoomChanged?.waiting?.[0]?.participantId === pupil.id);
    await pupil.c.request({ leave: {} });
    await host.c.waitForEvent((e) => e.waitingRoomDelta?.total === 0);
  });

  it('refuses non-moderators when locked, guests when not allowed, and banned users', async () => {
    const roomId = await newRoom({ waitingRoom: 'off' });
    const host = await enter(roomId, 'Teacher', 'host');
    await host.c.request({ updateRoomSettings: { locked: true } });
    const settings = await host.c.waitForEvent((e) => Boolean(e.roomSettingsChanged));
    expect(settings.roomSettingsChanged?.settings?.locked).toBe(true);
    const c = await TestClient.connect(server.wsUrl);
    clients.push(c);
    const locked = await c.rawRequest({
      join: { roomId, token: await tokenFor(roomId, 'Late', 'participant') },
    });
    expect(errorCode(locked)).toBe(pb.ErrorCode.ERROR_CODE_ROOM_LOCKED);
    const cohost = await enter(roomId, 'Assistant', 'co-host');
    expect(cohost.join.self?.role).toBe(pb.Role.ROLE_CO_HOST);

    await host.c.request({ updateRoomSettings: { locked: false, guestsAllowed: false } });
    const guest = await c.rawRequest({ join: { roomId, token: await tokenFor(roomId, 'Parent', 'guest') } });
    expect(errorCode(guest)).toBe(pb.ErrorCode.ERROR_CODE_FORBIDDEN);
  });
});

describe('roles, hands, reactions and attention', () => {
  it('the host appoints and removes a co-host, who then may moderate', async () => {
    const roomId = await newRoom({ waitingRoom: 'off' });
    const host = await enter(roomId, 'Teacher', 'host');
    const a = await enter(roomId, 'Anna', 'participant');
    const b = await enter(roomId, 'Boris', 'participant');
    await host.c.request({ setRole: { participantId: a.id, role: pb.Role.ROLE_CO_HOST } });
    const up = await b.c.waitForUpdated((p) => p.participantId === a.id);
    expect(up.role).toBe(pb.Role.ROLE_CO_HOST);
    // The promoted person hears of it at once.
    await a.c.waitForEvent((e) => e.participantUpdated?.participant?.role === pb.Role.ROLE_CO_HOST);
    expect((await a.c.rawRequest({ lowerHands: { all: true } })).error).toBeFalsy();
    await host.c.request({ setRole: { participantId: a.id, role: pb.Role.ROLE_PARTICIPANT } });
    expect(errorCode(await a.c.rawRequest({ lowerHands: { all: true } }))).toBe(
      pb.ErrorCode.ERROR_CODE_FORBIDDEN,
    );
  });

  it('keeps raised hands as an ordered queue that hosts can lower', async () => {
    const roomId = await newRoom({ waitingRoom: 'off' });
    const host = await enter(roomId, 'Teacher', 'host');
    const a = await enter(roomId, 'Anna', 'participant');
    const b = await enter(roomId, 'Boris', 'participant');
    await b.c.request({ raiseHand: { raised: true } });
    await new Promise((r) => setTimeout(r, 5));
    await a.c.request({ raiseHand: { raised: true } });
    const page = await host.c.request({ listParticipants: { raisedHandsOnly: true } });
    expect(page.participantPage?.participants?.map((p) => p.displayName)).toEqual(['Boris', 'Anna']);
    expect(page.participantPage?.counts?.raisedHands).toBe(2);
    await a.c.request({ raiseHand: { raised: false } });
    await host.c.request({ lowerHands: { all: true } });
    const after = await host.c.request({ listParticipants: { raisedHandsOnly: true } });
    expect(after.participantPage?.total).toBe(0);
  });

  it('shows reactions to the others and limits their rate', async () => {
    const roomId = await newRoom({ waitingRoom: 'off' });
    const host = await enter(roomId, 'Teacher', 'host');
    const a = await enter(roomId, 'Anna', 'participant');
    await a.c.request({ sendReaction: { reaction: pb.Reaction.REACTION_APPLAUSE } });
    const seen = await host.c.waitForEvent((e) => Boolean(e.reactionSent));
    expect(seen.reactionSent).toMatchObject({ participantId: a.id, reaction: pb.Reaction.REACTION_APPLAUSE });
    expect(errorCode(await a.c.rawRequest({ sendReaction: { reaction: pb.Reaction.REACTION_HEART } }))).toBe(
      pb.ErrorCode.ERROR_CODE_RATE_LIMITED,
    );
    expect(errorCode(await a.c.rawRequest({ sendReaction: { reaction: 99 as pb.Reaction } }))).toBe(
      pb.ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
    );
  });

  it('attracts the attention of one participant or of everyone', async () => {
    const roomId = await newRoom({ waitingRoom: 'off' });
    const host = await enter(roomId, 'Teacher', 'host');
    const a = await enter(roomId, 'Anna', 'participant');
    const b = await enter(roomId, 'Boris', 'participant');
    await host.c.request({ attractAttention: { participantId: b.id, message: 'Boris, your turn' } });
    const one = await b.c.waitForEvent((e) => Boolean(e.attentionRequested));
    expect(one.attentionRequested).toMatchObject({
      fromDisplayName: 'Teacher',
      message: 'Boris, your turn',
      everyone: false,
    });
    await expect(a.c.waitForEvent((e) => Boolean(e.attentionRequested), 200)).rejects.toThrow();
    await host.c.request({ attractAttention: { message: 'Everyone, look here' } });
    const all = await a.c.waitForEvent((e) => Boolean(e.attentionRequested));
    expect(all.attentionRequested?.everyone).toBe(true);
  });
});

describe('muting', () => {
  it('pauses the producer on the server, blocks self-unmute, and lifts the block on request', async () => {
    const roomId = await newRoom({ waitingRoom: 'off' });
    const host = await enter(roomId, 'Teacher', 'host');
    const a = await enter(roomId, 'Anna', 'participant');
    const producerId = await micProducer(a);
    const serverProducer = () =>
      server.registry.get(roomId)!.peers.get(a.id)!.producers.get(producerId)!.producer;
    expect(serverProducer().paused).toBe(false);

    await host.c.request({
      mute: { participantIds: [a.id], source: pb.MediaSource.MEDIA_SOURCE_MICROPHONE, block: true },
    });
    expect(serverProducer().paused).toBe(true);
    const told = await a.c.waitForEvent((e) => Boolean(e.mutedByHost));
    expect(told.mutedByHost).toMatchObject({ source: pb.MediaSource.MEDIA_SOURCE_MICROPHONE, blocked: true });
    await host.c.waitForUpdated((p) => p.participantId === a.id && p.microphoneBlocked === true);

    expect(errorCode(await a.c.rawRequest({ setProducerPaused: { producerId, paused: false } }))).toBe(
      pb.ErrorCode.ERROR_CODE_BLOCKED_BY_HOST,
    );
    expect(serverProducer().paused).toBe(true);

    await a.c.request({ askToSpeak: { asking: true } });
    await host.c.waitForUpdated((p) => p.asksToSpeak === true);
    await host.c.request({ allowToSpeak: { participantId: a.id } });
    await a.c.waitForEvent((e) => e.participantUpdated?.participant?.microphoneBlocked === false);
    await a.c.request({ setProducerPaused: { producerId, paused: false } });
    expect(serverProducer().paused).toBe(false);
  });

  it('refuses a new live producer while blocked, but accepts it paused', async () => {
    const roomId = await newRoom({ waitingRoom: 'off' });
    const host = await enter(roomId, 'Teacher', 'host');
    const a = await enter(roomId, 'Anna', 'participant');
    await host.c.request({
      mute: { participantIds: [a.id], source: pb.MediaSource.MEDIA_SOURCE_MICROPHONE, block: true },
    });
    await expect(micProducer(a)).rejects.toThrow(/BLOCKED_BY_HOST/);
    await micProducer(a, true);
  });

  it('mutes everyone but hosts and co-hosts, and lets them unmute when self-unmute is allowed', async () => {
    const roomId = await newRoom({ waitingRoom: 'off' });
    const host = await enter(roomId, 'Teacher', 'host');
    const cohost = await enter(roomId, 'Assistant', 'co-host');
    const a = await enter(roomId, 'Anna', 'participant');
    const b = await enter(roomId, 'Boris', 'guest');
    const ids = await Promise.all([host, cohost, a, b].map((p) => micProducer(p)));
    await host.c.request({ mute: { all: true, source: pb.MediaSource.MEDIA_SOURCE_MICROPHONE } });
    const room = server.registry.get(roomId)!;
    const paused = [host, cohost, a, b].map(
      (p, i) => room.peers.get(p.id)!.producers.get(ids[i]!)!.producer.paused,
    );
    expect(paused).toEqual([false, false, true, true]);
    expect(
      (await a.c.rawRequest({ setProducerPaused: { producerId: ids[2], paused: false } })).error,
    ).toBeFalsy();
  });

  it('turns cameras off, and caps simultaneous screen shares', async () => {
    const roomId = await newRoom({
      waitingRoom: 'off',
      participantsMayShareScreen: true,
      maxScreenShares: 1,
    });
    const host = await enter(roomId, 'Teacher', 'host');
    const a = await enter(roomId, 'Anna', 'participant');
    const b = await enter(roomId, 'Boris', 'participant');
    const video = (p: Person, source: pb.MediaSource, ssrc: number) =>
      (async () => {
        const t = await p.c.request({ createWebrtcTransport: { direction: 1 } });
        const transportId = t.webrtcTransport!.transportId!;
        await p.c.request({ connectWebrtcTransport: { transportId, dtlsParameters: FAKE_DTLS } });
        return p.c.rawRequest({
          produce: {
            transportId,
            kind: pb.MediaKind.MEDIA_KIND_VIDEO,
            source,
            rtpParameters: {
              codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000 }],
              encodings: [{ ssrc }],
            },
          },
        });
      })();
    const cam = await video(a, pb.MediaSource.MEDIA_SOURCE_CAMERA, 1001);
    expect(cam.error).toBeFalsy();
    await host.c.request({
      mute: { participantIds: [a.id], source: pb.MediaSource.MEDIA_SOURCE_CAMERA, block: true },
    });
    const room = server.registry.get(roomId)!;
    expect(room.peers.get(a.id)!.producers.get(cam.produce!.producerId!)!.producer.paused).toBe(true);
    expect(room.peers.get(a.id)!.blocked.camera).toBe(true);

    const screenA = await video(a, pb.MediaSource.MEDIA_SOURCE_SCREEN, 2001);
    expect(screenA.error).toBeFalsy();
    const screenB = await video(b, pb.MediaSource.MEDIA_SOURCE_SCREEN, 3001);
    expect(errorCode(screenB)).toBe(pb.ErrorCode.ERROR_CODE_FORBIDDEN);
    expect(screenB.error?.message).toMatch(/at most 1 screen share/);
  });
});

describe('removing people and ending the call', () => {
  it('removes a participant, with or without a ban from rejoining', async () => {
    const roomId = await newRoom({ waitingRoom: 'off' });
    const host = await enter(roomId, 'Teacher', 'host');
    const a = await enter(roomId, 'Anna', 'participant');
    await host.c.request({ removeParticipant: { participantId: a.id } });
    expect((await a.c.waitForEvent((e) => Boolean(e.sessionClosed))).sessionClosed?.reason).toBe(
      pb.CloseReason.CLOSE_REASON_REMOVED,
    );
    const back = await enter(roomId, 'Anna', 'participant');
    await host.c.request({ removeParticipant: { participantId: back.id, ban: true } });
    expect((await back.c.waitForEvent((e) => Boolean(e.sessionClosed))).sessionClosed?.reason).toBe(
      pb.CloseReason.CLOSE_REASON_BANNED,
    );
    const c = await TestClient.connect(server.wsUrl);
    clients.push(c);
    const refused = await c.rawRequest({
      join: { roomId, token: await tokenFor(roomId, 'Anna', 'participant') },
    });
    expect(errorCode(refused)).toBe(pb.ErrorCode.ERROR_CODE_BANNED);
  });

  it('ends the call for everyone, keeping the room for the next call', async () => {
    const roomId = await newRoom({ waitingRoom: 'everyone' });
    const host = await enter(roomId, 'Teacher', 'host');
    const a = await enter(roomId, 'Anna', 'co-host');
    const waiting = await enter(roomId, 'Boris', 'participant');
    expect(waiting.join.waiting).toBe(true);
    await host.c.request({ endCall: {} });
    for (const p of [a, waiting]) {
      expect((await p.c.waitForEvent((e) => Boolean(e.sessionClosed))).sessionClosed?.reason).toBe(
        pb.CloseReason.CLOSE_REASON_CALL_ENDED,
      );
    }
    const room = server.registry.get(roomId)!;
    expect(room.peers.size + room.waiting.size).toBe(0);
    const next = await enter(roomId, 'Teacher', 'host');
    expect(next.join.routerRtpCapabilities?.codecs?.length).toBeGreaterThan(0);
  });
});

describe('participants list and sessions', () => {
  it('pages through participants sorted by surname, with search and counts by role', async () => {
    const roomId = await newRoom({ waitingRoom: 'off' });
    const host = await enter(roomId, 'Olga Sidorova', 'host');
    for (const [name, role] of [
      ['Ivan Petrov', 'participant'],
      ['Anna Ivanova', 'participant'],
      ['Boris Abramov', 'guest'],
      ['Pavel Petrenko', 'co-host'],
    ]) {
      await enter(roomId, name!, role!);
    }
    const first = await host.c.request({ listParticipants: { offset: 0, limit: 2 } });
    expect(first.participantPage?.participants?.map((p) => p.displayName)).toEqual([
      'Boris Abramov',
      'Anna Ivanova',
    ]);
    expect(first.participantPage?.total).toBe(5);
    expect(first.participantPage?.counts).toMatchObject({ hosts: 1, coHosts: 1, participants: 2, guests: 1 });
    const second = await host.c.request({ listParticipants: { offset: 2, limit: 2 } });
    expect(second.participantPage?.participants?.map((p) => p.displayName)).toEqual([
      'Pavel Petrenko',
      'Ivan Petrov',
    ]);
    const search = await host.c.request({ listParticipants: { query: 'petr' } });
    expect(search.participantPage?.participants?.map((p) => p.displayName)).toEqual([
      'Pavel Petrenko',
      'Ivan Petrov',
    ]);
    expect(errorCode(await host.c.rawRequest({ listParticipants: { limit: 500 } }))).toBe(
      pb.ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
    );
  });

  it('refreshes the session token without touching media; a rejoin keeps the role granted in the call', async () => {
    const roomId = await newRoom({ waitingRoom: 'off' });
    const host = await enter(roomId, 'Teacher', 'host');
    const a = await enter(roomId, 'Anna', 'participant');
    expect(a.join.session?.token).toBeTruthy();
    const producerId = await micProducer(a);
    await host.c.request({ setRole: { participantId: a.id, role: pb.Role.ROLE_CO_HOST } });
    const r = await a.c.request({ refreshSession: {} });
    // The token carries the role Anna's own token gave; the room remembers the grant.
    const claims = await server.tokens.verify(r.session!.token!);
    expect(claims).toMatchObject({ userId: 'Anna', role: 'participant', roomId });
    expect(Number(r.session!.expiresAt)).toBeGreaterThan(Date.now() + 3600_000);
    expect(server.registry.get(roomId)!.peers.get(a.id)!.producers.get(producerId)!.producer.closed).toBe(
      false,
    );
    a.c.close();
    const back = await TestClient.connect(server.wsUrl);
    clients.push(back);
    const rejoined = await back.request({ join: { roomId, token: r.session!.token! } });
    expect(rejoined.join?.self?.role).toBe(pb.Role.ROLE_CO_HOST);
  });
});
