// Breakout rooms over the real protocol: each is its own router, media stays
// inside it, people move without rejoining and keep their hand, hosts visit
// and broadcast, and a timer or the host brings everyone back.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type TestClient, pb, produceMic } from '../helpers/protocolClient.js';
import { type Person, createRoom as createRoomBy, enterRoom } from '../helpers/rooms.js';
import { rejectedCount } from '../helpers/serverState.js';
import { type TestServer, startTestServer } from '../helpers/testServer.js';

let server: TestServer;
const clients: TestClient[] = [];

beforeAll(async () => {
  server = await startTestServer();
});

afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

afterAll(async () => {
  await server.close();
});

function enter(roomId: string, name: string, role: string): Promise<Person> {
  return enterRoom(server, roomId, name, role, { clients });
}

async function createRoom(id: string): Promise<void> {
  await createRoomBy(server, id, { settings: { waitingRoom: 'off' } });
}

describe('breakout rooms', () => {
  it('move people into separate routers, keep media inside each, and bring everyone back', async () => {
    await createRoom('class-5a');
    const host = await enter('class-5a', 'Teacher', 'host');
    const pupils = await Promise.all(
      ['Ann', 'Ben', 'Cat', 'Dan'].map((n) => enter('class-5a', n, 'participant')),
    );
    await pupils[0]!.c.request({ raiseHand: { raised: true } });

    await host.c.request({ createBreakouts: { names: ['Group A', 'Group B'] } });
    await host.c.request({ assignBreakouts: { auto: true } });
    const assigned = await pupils[0]!.c.waitForEvent(
      (e) => (e.breakoutsChanged?.breakouts ?? []).flatMap((b) => b.participantIds ?? []).length === 4,
    );
    const groups = assigned.breakoutsChanged!.breakouts!;
    expect(groups.map((g) => [g.name, g.participantIds?.length])).toEqual([
      ['Group A', 2],
      ['Group B', 2],
    ]);

    await host.c.request({ openBreakouts: { durationSeconds: 0 } });
    const moved = await Promise.all(pupils.map((p) => p.c.waitForEvent((e) => Boolean(e.moved))));
    const where = new Map(pupils.map((p, i) => [p.id, moved[i]!.moved!.location!]));
    for (const g of groups) for (const id of g.participantIds ?? []) expect(where.get(id)).toBe(g.id);
    expect(moved[0]!.moved!.routerRtpCapabilities?.codecs?.length).toBeGreaterThan(0);

    // Each breakout is its own router.
    const room = server.registry.get('class-5a')!;
    const routerA = room.mediaAt(groups[0]!.id!)!.router.id;
    const routerB = room.mediaAt(groups[1]!.id!)!.router.id;
    const routerMain = room.mediaAt('')!.router.id;
    expect(new Set([routerA, routerB, routerMain]).size).toBe(3);

    // A producer in group A is announced in group A only.
    const [a1, a2] = groups[0]!.participantIds!.map((id) => pupils.find((p) => p.id === id)!);
    const [b1] = groups[1]!.participantIds!.map((id) => pupils.find((p) => p.id === id)!);
    for (const p of pupils) p.c.events.length = 0;
    host.c.events.length = 0;
    const producerId = await produceMic(a1!.c);
    await a2!.c.waitForEvent((e) => e.producerAdded?.producer?.producerId === producerId);
    await expect(b1!.c.waitForEvent((e) => Boolean(e.producerAdded), 300)).rejects.toThrow();
    expect(host.c.events.some((e) => e.producerAdded)).toBe(false);
    // ...and only consumable there.
    const bRecv = await b1!.c.request({ createWebrtcTransport: { direction: 2 } });
    const refused = await b1!.c.rawRequest({
      consume: { transportId: bRecv.webrtcTransport!.transportId, producerId, rtpCapabilities: b1!.caps },
    });
    expect(refused.error?.code).toBe(pb.ErrorCode.ERROR_CODE_NOT_FOUND);

    // The host visits group A and can hear the pupil there.
    await host.c.request({ moveTo: { breakoutId: groups[0]!.id } });
    const visit = await host.c.waitForEvent((e) => Boolean(e.moved));
    expect(visit.moved?.locationName).toBe('Group A');
    expect(visit.moved?.producers?.map((p) => p.producerId)).toContain(producerId);

    // A broadcast reaches everyone, wherever they are.
    await host.c.request({ broadcastToBreakouts: { message: 'Two minutes left' } });
    for (const p of pupils) {
      await p.c.waitForEvent((e) => e.breakoutMessage?.message === 'Two minutes left');
    }

    // The hand raised before the move is still up.
    const page = await host.c.request({ listParticipants: { raisedHandsOnly: true } });
    expect(page.participantPage?.participants?.map((p) => p.displayName)).toEqual(['Ann']);

    // Recall: everyone back in the main room, breakout routers closed.
    for (const p of pupils) p.c.events.length = 0;
    await host.c.request({ closeBreakouts: {} });
    for (const p of pupils) {
      const back = await p.c.waitForEvent((e) => Boolean(e.moved));
      expect(back.moved?.location).toBe('');
    }
    expect(room.mediaAt(groups[0]!.id!)).toBeNull();
    expect([...room.peers.values()].every((p) => p.location === '')).toBe(true);
  });

  it('ends by itself when the timer runs out, and a reconnect lands in the assigned room', async () => {
    await createRoom('class-5b');
    const host = await enter('class-5b', 'Teacher', 'host');
    const ann = await enter('class-5b', 'Ann', 'participant');
    await host.c.request({ createBreakouts: { count: 1 } });
    await host.c.request({ assignBreakouts: { assignments: [{ participantId: ann.id, breakoutId: 'b1' }] } });
    await host.c.request({ openBreakouts: { durationSeconds: 2 } });
    const moved = await ann.c.waitForEvent((e) => Boolean(e.moved));
    expect(moved.moved).toMatchObject({ location: 'b1', locationName: 'Room 1' });
    const state = await ann.c.waitForEvent((e) => Boolean(e.breakoutsChanged?.open));
    expect(Number(state.breakoutsChanged?.endsAt)).toBeGreaterThan(Date.now());

    ann.c.close();
    const again = await enter('class-5b', 'Ann', 'participant');
    expect(server.registry.get('class-5b')!.peers.get(again.id)!.location).toBe('b1');

    const back = await again.c.waitForEvent((e) => e.moved?.location === '', 5000);
    expect(back.moved?.locationName).toBeTruthy();
    expect(server.registry.get('class-5b')!.breakouts.open).toBe(false);
  });

  it('refuses bad breakout requests', async () => {
    await createRoom('class-5c');
    const host = await enter('class-5c', 'Teacher', 'host');
    const code = async (body: Parameters<TestClient['rawRequest']>[0]) =>
      (await host.c.rawRequest(body)).error?.code;
    expect(await code({ openBreakouts: {} })).toBe(pb.ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
    expect(await code({ createBreakouts: { count: 0 } })).toBe(pb.ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
    expect(await code({ createBreakouts: { count: 51 } })).toBe(pb.ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
    await host.c.request({ createBreakouts: { count: 2 } });
    expect(await code({ moveTo: { breakoutId: 'b1' } })).toBe(pb.ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
    expect(await code({ moveTo: { breakoutId: 'b9' } })).toBe(pb.ErrorCode.ERROR_CODE_NOT_FOUND);
    expect(
      await code({ assignBreakouts: { assignments: [{ participantId: host.id, breakoutId: 'b7' }] } }),
    ).toBe(pb.ErrorCode.ERROR_CODE_NOT_FOUND);
    expect(await code({ openBreakouts: { durationSeconds: 999999 } })).toBe(
      pb.ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
    );
    // Renaming: a known room, 1-100 characters, hosts only; the name reaches everyone.
    expect(await code({ renameBreakout: { breakoutId: 'b9', name: 'Дроби' } })).toBe(
      pb.ErrorCode.ERROR_CODE_NOT_FOUND,
    );
    expect(await code({ renameBreakout: { breakoutId: 'b1', name: '  ' } })).toBe(
      pb.ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
    );
    expect(await code({ renameBreakout: { breakoutId: 'b1', name: 'я'.repeat(101) } })).toBe(
      pb.ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
    );
    const pupil = await enter('class-5c', 'Ann', 'participant');
    expect(
      (await pupil.c.rawRequest({ renameBreakout: { breakoutId: 'b1', name: 'Моя' } })).error?.code,
    ).toBe(pb.ErrorCode.ERROR_CODE_FORBIDDEN);
    const renamed = pupil.c.waitForEvent((e) => e.breakoutsChanged?.breakouts?.[0]?.name === 'Дроби');
    await host.c.request({ renameBreakout: { breakoutId: 'b1', name: ' Дроби ' } });
    await renamed;
  });

  it('refuses an even reassignment while the groups are open, changing nothing', async () => {
    await createRoom('class-5d');
    const host = await enter('class-5d', 'Teacher', 'host');
    const pupils = await Promise.all(
      ['Ann', 'Ben', 'Cat', 'Dan'].map((n) => enter('class-5d', n, 'participant')),
    );
    await host.c.request({ createBreakouts: { names: ['Group A', 'Group B'] } });
    // By hand, all four in one group, so any spreading would have to move two.
    await host.c.request({
      assignBreakouts: { assignments: pupils.map((p) => ({ participantId: p.id, breakoutId: 'b1' })) },
    });
    await host.c.request({ openBreakouts: { durationSeconds: 0 } });
    await Promise.all(pupils.map((p) => p.c.waitForEvent((e) => e.moved?.location === 'b1')));
    const room = server.registry.get('class-5d')!;
    const before = [...room.breakouts.assignments.entries()].sort();
    const counted = await rejectedCount(server, 'invalid_argument');

    const refused = await host.c.rawRequest({ assignBreakouts: { auto: true, includeGuests: true } });
    expect(refused.error?.code).toBe(pb.ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
    expect(refused.error?.message).toMatch(/close the open breakout rooms/);
    expect(await rejectedCount(server, 'invalid_argument')).toBe(counted + 1);
    expect([...room.breakouts.assignments.entries()].sort()).toEqual(before);
    expect(room.breakouts.open).toBe(true);
    for (const p of pupils) expect(room.peers.get(p.id)?.location).toBe('b1');

    // Moving one person by hand while open still works.
    await host.c.request({
      assignBreakouts: { assignments: [{ participantId: pupils[0]!.id, breakoutId: 'b2' }] },
    });
    await pupils[0]!.c.waitForEvent((e) => e.moved?.location === 'b2');
  });
});
