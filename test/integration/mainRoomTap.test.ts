// The one main-room media tap of the recorder and the transcriber, on a real
// room over a real mediasoup worker: the first router is news (changed), not
// a replacement; a router lost with its worker is told at once, before any
// new router exists; a router made again after the room's media was closed
// is a replacement. (The transcriber's own adapter used to call the first
// router a replacement and to ignore a lost one.)
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../common/log.js';
import { WorkerPool } from '../../sfu/workerPool.js';
import { MainRoomTap } from '../../signaling/domain/mainRoomTap.js';
import { Room } from '../../signaling/domain/room.js';
import { MAIN } from '../../signaling/domain/roomDefinition.js';
import { freeTcpUdpPort } from '../helpers/testServer.js';

type TapEvent = 'changed' | 'routerReplaced' | 'ended';

function record(tap: MainRoomTap): TapEvent[] {
  const seen: TapEvent[] = [];
  for (const type of ['changed', 'routerReplaced', 'ended'] as const) tap.on(type, () => seen.push(type));
  return seen;
}

function next(tap: MainRoomTap, type: TapEvent): Promise<void> {
  return new Promise((resolve) => tap.once(type, () => resolve()));
}

describe('MainRoomTap', () => {
  let pool: WorkerPool;
  let room: Room;
  let tap: MainRoomTap;

  beforeEach(async () => {
    pool = await WorkerPool.create(
      { numWorkers: 1, listenIp: '127.0.0.1', announcedIp: '127.0.0.1', rtcBasePort: await freeTcpUdpPort() },
      createLogger('warn', { test: 'mainRoomTap' }),
    );
    room = new Room(
      {
        id: 'tap-room',
        title: 'Tap room',
        createdAt: new Date(),
        maxParticipants: 10,
        code: '000-000-0',
        password: 'ABCDEF',
        instance: 'i1',
      },
      pool,
    );
    tap = new MainRoomTap(room);
  });

  afterEach(() => {
    tap.close();
    room.closeMedia();
    pool.close();
  });

  it('tells the first router as a change, not a replacement', async () => {
    const seen = record(tap);
    const changed = next(tap, 'changed');
    await room.ensureMedia(MAIN);
    await changed;
    expect(seen).toEqual(['changed']);
    expect(tap.router()).toBe(room.mediaAt(MAIN)?.router);
  });

  it('tells a router lost with its worker at once, and the new one as a change', async () => {
    await room.ensureMedia(MAIN);
    await next(tap, 'changed');
    const seen = record(tap);
    const lost = next(tap, 'routerReplaced');
    process.kill(pool.slot(0).worker.pid, 'SIGKILL');
    await lost;
    // Told before anything made a new router: nothing is left to consume from.
    expect(room.mediaAt(MAIN)).toBeNull();
    expect(tap.router()).toBeNull();
    expect(seen).toEqual(['routerReplaced']);

    await new Promise<void>((resolve) => pool.once('workerReplaced', () => resolve()));
    const changed = next(tap, 'changed');
    await room.ensureMedia(MAIN);
    await changed;
    // The loss was told once; the new router is news, not a second replacement.
    expect(seen).toEqual(['routerReplaced', 'changed']);
    expect(tap.router()).not.toBeNull();
  });

  it('tells a router made again after the media was closed as a replacement', async () => {
    await room.ensureMedia(MAIN);
    await next(tap, 'changed');
    const seen = record(tap);
    room.closeMedia(MAIN);
    const changed = next(tap, 'changed');
    await room.ensureMedia(MAIN);
    await changed;
    expect(seen).toEqual(['routerReplaced', 'changed']);
  });

  it("does not tell a breakout room's router, and ends with the call", async () => {
    await room.ensureMedia(MAIN);
    await next(tap, 'changed');
    const seen = record(tap);
    await room.ensureMedia('breakout-1');
    room.events.emit('callEnded', { handedOver: false });
    // callEnded is synchronous; a change from the breakout router would come
    // within the coalescing window, so wait for one main-room change after it.
    const changed = next(tap, 'changed');
    room.closeMedia(MAIN);
    await room.ensureMedia(MAIN);
    await changed;
    expect(seen).toEqual(['ended', 'routerReplaced', 'changed']);
  });
});
