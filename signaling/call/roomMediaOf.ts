// A location's live router, for requests that need one.
import type { RoomMedia } from '../../sfu/roomMedia.js';
import type { Room } from '../domain/room.js';
import type { RoomLocation } from '../domain/roomDefinition.js';
import { ErrorCode, SignalingError } from '../errors.js';

export function roomMediaOf(room: Room, location: RoomLocation): RoomMedia {
  const media = room.mediaAt(location);
  if (!media) throw new SignalingError(ErrorCode.ERROR_CODE_INTERNAL, 'room media is not available');
  return media;
}
