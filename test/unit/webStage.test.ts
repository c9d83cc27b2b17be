// The stage's arithmetic: who gets a tile, in what order, and how many fit
// on a laptop and on a phone.
import { describe, expect, it } from 'vitest';
import { schoolcall } from '../../common/protocol/generated/protocol.js';
import type { RemoteTrack } from '../../web/src/call/media/tracks.js';
import { buildTiles, galleryGrid, orderTiles } from '../../web/src/stage/tiles.js';

import pb = schoolcall.v1;

const LAPTOP = { minWidth: 220, minHeight: 130, maxPerPage: 25, gap: 8 };
const PHONE = { minWidth: 150, minHeight: 110, maxPerPage: 6, gap: 8 };

function person(id: string, name: string, role = pb.Role.ROLE_PARTICIPANT, location = ''): pb.IParticipant {
  return { participantId: id, displayName: name, role, location };
}

function track(
  id: string,
  kind: 'audio' | 'video',
  source: pb.MediaSource,
  producerPaused = false,
): RemoteTrack {
  return {
    consumerId: `c-${id}-${source}`,
    producerId: `p-${id}-${source}`,
    participantId: id,
    displayName: id,
    source,
    track: { kind } as MediaStreamTrack,
    producerPaused,
  };
}

describe('tiles', () => {
  it('one tile per person here, a screen share gets its own, a paused camera shows initials', () => {
    const participants = new Map([
      ['t', person('t', 'Ольга Сидорова', pb.Role.ROLE_HOST)],
      ['a', person('a', 'Аня')],
      ['b', person('b', 'Боря', pb.Role.ROLE_PARTICIPANT, 'b1')],
    ]);
    const media = new Map([
      [
        't',
        {
          name: 'Ольга',
          camera: track('t', 'video', pb.MediaSource.MEDIA_SOURCE_CAMERA),
          screen: track('t', 'video', pb.MediaSource.MEDIA_SOURCE_SCREEN),
        },
      ],
      [
        'a',
        {
          name: 'Аня',
          camera: track('a', 'video', pb.MediaSource.MEDIA_SOURCE_CAMERA, true),
          audio: track('a', 'audio', pb.MediaSource.MEDIA_SOURCE_MICROPHONE, true),
        },
      ],
    ]);
    const tiles = buildTiles({
      self: person('me', 'Я Сам'),
      selfCameraOn: false,
      selfMicOn: true,
      location: '',
      participants,
      media,
    });
    expect(tiles.map((t) => t.key).sort()).toEqual(['a', 'me', 't', 't:screen']);
    const anya = tiles.find((t) => t.key === 'a')!;
    expect(anya.video).toBeNull();
    expect(anya.micOn).toBe(false);
    expect(tiles.find((t) => t.key === 'me')!.video).toBeNull();
    expect(tiles.find((t) => t.key === 't')!.teacher).toBe(true);
  });

  it('a camera the server holds back (last-N) shows initials; its screen share still shows', () => {
    const cam = track('v', 'video', pb.MediaSource.MEDIA_SOURCE_CAMERA);
    const screen = track('v', 'video', pb.MediaSource.MEDIA_SOURCE_SCREEN);
    const input = {
      self: null,
      selfCameraOn: false,
      selfMicOn: false,
      location: '',
      participants: new Map([['v', person('v', 'Вера')]]),
      media: new Map([['v', { name: 'Вера', camera: cam, screen }]]),
    };
    expect(buildTiles(input).find((t) => t.key === 'v')!.video).toBe(cam);
    const held = buildTiles({ ...input, suppressed: new Set(['v']) });
    expect(held.find((t) => t.key === 'v')!.video).toBeNull();
    expect(held.find((t) => t.key === 'v:screen')!.video).toBe(screen);
  });

  it('orders teacher, self, recent speakers, cameras on, then the rest by name', () => {
    const tile = (key: string, name: string, extra: Record<string, unknown> = {}) => ({
      key,
      participantId: key,
      name,
      teacher: false,
      guest: false,
      self: false,
      screen: false,
      video: null,
      micOn: false,
      micBlocked: false,
      hand: false,
      asks: false,
      ...extra,
    });
    const now = 1_000_000;
    const ordered = orderTiles(
      [
        tile('z', 'Яна'),
        tile('cam', 'Вова', { video: 'local' }),
        tile('spoke-old', 'Гена'),
        tile('spoke', 'Дима'),
        tile('me', 'Я', { self: true }),
        tile('t', 'Учитель', { teacher: true }),
        tile('a', 'Аня'),
      ],
      new Map([
        ['spoke', now - 1000],
        ['spoke-old', now - 5000],
      ]),
      now,
    );
    expect(ordered.map((t) => t.key)).toEqual(['t', 'me', 'spoke', 'spoke-old', 'cam', 'a', 'z']);
  });

  it('30 people page on a laptop and on a phone, tiles as large as fit', () => {
    // The stage of a 1366x768 laptop between header and control bar.
    const laptop = galleryGrid(30, 1350, 630, LAPTOP);
    expect(laptop.perPage).toBeLessThanOrEqual(25);
    expect(laptop.perPage).toBeGreaterThanOrEqual(16);
    expect(Math.ceil(30 / laptop.perPage)).toBe(2);
    expect(laptop.cols * laptop.rows).toBeGreaterThanOrEqual(laptop.perPage);
    // Two people share a laptop screen side by side.
    expect(galleryGrid(2, 1350, 630, LAPTOP)).toMatchObject({ cols: 2, rows: 1 });
    // Three get a 2x2 grid of wide tiles, not three tall strips that crop their cameras.
    expect(galleryGrid(3, 1350, 630, LAPTOP)).toMatchObject({ cols: 2, rows: 2 });
    // A 360x740 phone: 6 per page, two columns; two people stack.
    const phone = galleryGrid(30, 344, 610, PHONE);
    expect(phone).toMatchObject({ perPage: 6, cols: 2, rows: 3 });
    expect(galleryGrid(2, 344, 610, PHONE)).toMatchObject({ cols: 1, rows: 2 });
    expect(galleryGrid(1, 344, 610, PHONE)).toMatchObject({ cols: 1, rows: 1, perPage: 6 });
  });
});
