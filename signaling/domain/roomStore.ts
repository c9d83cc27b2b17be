// Where room definitions and scheduled meetings are kept: in memory on a
// single host, in Redis when several hosts share one (signaling/store/).
// The live call (who is connected, media) stays with the host running it;
// what a host taking it over needs (callState.ts) is kept here too.
import type { CallStateStore } from './callState.js';
import type { MeetingStore } from './meetings.js';
import type { RoomDefinition, RoomSettings } from './roomDefinition.js';

export interface StoredRoom {
  definition: RoomDefinition;
  settings: RoomSettings;
}

export interface RoomStore extends MeetingStore, CallStateStore {
  saveRoom(room: StoredRoom): Promise<void>;
  deleteRoom(definition: RoomDefinition): Promise<void>;
  loadRoom(id: string): Promise<StoredRoom | null>;
  roomIdByCode(code: string): Promise<string | null>;
  /**
   * The room holding a code, in one read whether or not there is one, so
   * that the time taken does not tell whether a code exists.
   */
  loadRoomByCode(code: string): Promise<StoredRoom | null>;
  /** Claims a code for a room unless another room holds it; false if taken. */
  claimCode(code: string, roomId: string): Promise<boolean>;
  loadAllRooms(): Promise<StoredRoom[]>;
}
