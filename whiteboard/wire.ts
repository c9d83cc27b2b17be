// The whiteboard in its wire form: a board's state as its place sees it,
// and the topic its events travel on.
import { schoolcall } from '../common/protocol/generated/protocol.js';
import type { Room } from '../signaling/domain/room.js';
import type { RoomLocation } from '../signaling/domain/roomDefinition.js';
import type { Access, Board } from './board.js';

import pb = schoolcall.v1;

/** Everyone at one place in a room: that place's board updates, state and pointer. */
export function boardTopic(roomId: string, location: RoomLocation): string {
  return `room/${roomId}/board/${location || 'main'}`;
}

const ACCESS_TO_WIRE: Record<Access, pb.WhiteboardAccess> = {
  hosts: pb.WhiteboardAccess.WHITEBOARD_ACCESS_HOSTS,
  named: pb.WhiteboardAccess.WHITEBOARD_ACCESS_NAMED,
  everyone: pb.WhiteboardAccess.WHITEBOARD_ACCESS_EVERYONE,
};

export function accessFromWire(access: pb.WhiteboardAccess | null | undefined): Access | null {
  for (const [name, num] of Object.entries(ACCESS_TO_WIRE)) if (num === access) return name as Access;
  return null;
}

/** A board's state; no board yet reads as a closed one. Named pupils appear by their current participant id. */
export function stateToWire(
  room: Room,
  location: RoomLocation,
  board: Board | undefined,
): pb.IWhiteboardState {
  if (!board) return { open: false, access: ACCESS_TO_WIRE.hosts, location };
  const named: string[] = [];
  for (const userId of board.named) {
    const peer = room.peerByUserId(userId);
    if (peer && room.isPresent(peer)) named.push(peer.id);
  }
  return {
    open: board.open,
    access: ACCESS_TO_WIRE[board.access],
    named,
    location,
    openedBy: board.openedBy,
  };
}

/** What is presented at a place; nothing reads as no pages. */
export function presentationToWire(location: RoomLocation, board: Board | undefined): pb.IPresentedDocument {
  const shown = board?.presentation;
  if (!shown) return { title: '', pages: [], page: 0, presentedBy: '', location };
  return { title: shown.title, pages: shown.pages, page: shown.page, presentedBy: shown.by, location };
}
