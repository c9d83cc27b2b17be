import { schoolcall } from '../../../common/protocol/generated/protocol.js';
// Who gets a tile, in what order, and how many fit: pure functions of the
// call's state, so they are tested without a browser.
import type { RemoteTrack } from '../call/media/tracks.js';

import pb = schoolcall.v1;

export interface TileModel {
  /** The participant id, with ":screen" for a screen share. */
  key: string;
  participantId: string;
  name: string;
  teacher: boolean;
  /** In by code and password, without an account: marked so nobody takes them for a school person. */
  guest: boolean;
  self: boolean;
  screen: boolean;
  /** A remote video to show, or 'local' for this browser's camera; null shows initials. */
  video: RemoteTrack | 'local' | null;
  micOn: boolean;
  micBlocked: boolean;
  hand: boolean;
  asks: boolean;
}

export interface PersonState {
  participant?: pb.IParticipant;
  name: string;
  camera?: RemoteTrack;
  screen?: RemoteTrack;
  audio?: RemoteTrack;
}

export interface TileInput {
  self: pb.IParticipant | null;
  selfCameraOn: boolean;
  selfMicOn: boolean;
  location: string;
  participants: ReadonlyMap<string, pb.IParticipant>;
  media: ReadonlyMap<
    string,
    { name: string; camera?: RemoteTrack; screen?: RemoteTrack; audio?: RemoteTrack }
  >;
  /** Whose cameras the server holds back now (last-N): they show initials, not a frozen frame. */
  suppressed?: ReadonlySet<string>;
}

function isTeacher(role: pb.Role | null | undefined): boolean {
  return role === pb.Role.ROLE_HOST || role === pb.Role.ROLE_CO_HOST;
}

/** One tile per person here (and one more per screen share); a paused camera shows initials. */
export function buildTiles(input: TileInput): TileModel[] {
  const tiles: TileModel[] = [];
  const selfId = input.self?.participantId ?? 'self';
  if (input.self) {
    tiles.push({
      key: selfId,
      participantId: selfId,
      name: input.self.displayName ?? '',
      teacher: isTeacher(input.self.role),
      guest: input.self.role === pb.Role.ROLE_GUEST,
      self: true,
      screen: false,
      video: input.selfCameraOn ? 'local' : null,
      micOn: input.selfMicOn,
      micBlocked: Boolean(input.self.microphoneBlocked),
      hand: Boolean(input.self.handRaisedAt),
      asks: Boolean(input.self.asksToSpeak),
    });
  }
  const ids = new Set<string>();
  for (const [id, p] of input.participants) if ((p.location ?? '') === input.location) ids.add(id);
  // People we receive media from are here even when the roster left them out (large rooms).
  for (const id of input.media.keys()) ids.add(id);
  ids.delete(selfId);
  for (const id of ids) {
    const p = input.participants.get(id);
    const m = input.media.get(id);
    const name = p?.displayName || m?.name || '';
    const base = {
      participantId: id,
      name,
      teacher: isTeacher(p?.role),
      guest: p?.role === pb.Role.ROLE_GUEST,
      self: false,
      micOn: Boolean(m?.audio && !m.audio.producerPaused),
      micBlocked: Boolean(p?.microphoneBlocked),
      hand: Boolean(p?.handRaisedAt),
      asks: Boolean(p?.asksToSpeak),
    };
    const held = input.suppressed?.has(id) ?? false;
    const camera = m?.camera && !m.camera.producerPaused && !held ? m.camera : null;
    tiles.push({ ...base, key: id, screen: false, video: camera });
    if (m?.screen && !m.screen.producerPaused) {
      tiles.push({ ...base, key: `${id}:screen`, screen: true, video: m.screen });
    }
  }
  return tiles;
}

/** How long after speaking someone still counts as an active speaker for ordering. */
export const RECENT_SPEAKER_MS = 30_000;

const collator = new Intl.Collator('ru', { sensitivity: 'base', numeric: true });

/**
 * Gallery order: teachers, then this browser's own tile, then people who
 * spoke lately (most recent first), then cameras on, then the rest by name.
 */
export function orderTiles(
  tiles: TileModel[],
  lastSpoke: ReadonlyMap<string, number>,
  now: number,
): TileModel[] {
  const rank = (t: TileModel) => {
    if (t.teacher) return 0;
    if (t.self) return 1;
    if (now - (lastSpoke.get(t.participantId) ?? 0) < RECENT_SPEAKER_MS) return 2;
    if (t.video) return 3;
    return 4;
  };
  return tiles
    .filter((t) => !t.screen)
    .sort(
      (a, b) =>
        rank(a) - rank(b) ||
        (rank(a) === 2 ? (lastSpoke.get(b.participantId) ?? 0) - (lastSpoke.get(a.participantId) ?? 0) : 0) ||
        collator.compare(a.name, b.name),
    );
}

export interface GridOptions {
  minWidth: number;
  minHeight: number;
  maxPerPage: number;
  gap: number;
}

export interface Grid {
  cols: number;
  rows: number;
  /** Tiles on one page of the gallery. */
  perPage: number;
}

/** Tiles stretch to their cell, between portrait 3:4 and wide 16:9. */
const MIN_ASPECT = 3 / 4;
const MAX_ASPECT = 16 / 9;

/**
 * How many tiles fit on a page of width x height, and the columns and rows
 * that give `count` of them (at most a page) the largest tiles.
 */
export function galleryGrid(count: number, width: number, height: number, o: GridOptions): Grid {
  const fitCols = Math.max(1, Math.floor((width + o.gap) / (o.minWidth + o.gap)));
  const fitRows = Math.max(1, Math.floor((height + o.gap) / (o.minHeight + o.gap)));
  const perPage = Math.max(1, Math.min(o.maxPerPage, fitCols * fitRows));
  const n = Math.max(1, Math.min(count, perPage));
  let best = { cols: 1, rows: n, area: -1 };
  for (let cols = 1; cols <= n; cols++) {
    const rows = Math.ceil(n / cols);
    if (cols > fitCols || rows > fitRows) continue;
    const cellW = (width - o.gap * (cols - 1)) / cols;
    const cellH = (height - o.gap * (rows - 1)) / rows;
    const aspect = Math.min(MAX_ASPECT, Math.max(MIN_ASPECT, cellW / cellH));
    // The tile inside its cell at that aspect ratio.
    const w = Math.min(cellW, cellH * aspect);
    const h = w / aspect;
    // Cameras send 16:9; a tile far from it crops the picture, so it counts for less.
    const crop = Math.min(aspect / MAX_ASPECT, MAX_ASPECT / aspect);
    const area = w * h * crop;
    if (area > best.area) best = { cols, rows, area };
  }
  if (best.area < 0) best = { cols: fitCols, rows: Math.ceil(n / fitCols), area: 0 };
  return { cols: best.cols, rows: best.rows, perPage };
}
