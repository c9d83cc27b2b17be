// Room definitions and meetings kept in this process: the single-host
// store. Copies go in and out, so a caller changing a live room does not
// change what is stored until it saves.
import type { CallStateSnapshot } from '../domain/callState.js';
import type { Meeting } from '../domain/meetings.js';
import type { RoomDefinition } from '../domain/roomDefinition.js';
import type { RoomStore, StoredRoom } from '../domain/roomStore.js';

export class MemoryRoomStore implements RoomStore {
  private readonly rooms = new Map<string, StoredRoom>();
  private readonly codes = new Map<string, string>();
  private readonly meetings = new Map<string, Meeting>();
  private readonly calls = new Map<string, CallStateSnapshot>();

  async saveRoom(room: StoredRoom): Promise<void> {
    this.rooms.set(room.definition.id, structuredClone(room));
    this.codes.set(room.definition.code, room.definition.id);
  }

  async deleteRoom(definition: RoomDefinition): Promise<void> {
    this.rooms.delete(definition.id);
    if (this.codes.get(definition.code) === definition.id) this.codes.delete(definition.code);
  }

  async loadRoom(id: string): Promise<StoredRoom | null> {
    const room = this.rooms.get(id);
    return room ? structuredClone(room) : null;
  }

  async roomIdByCode(code: string): Promise<string | null> {
    return this.codes.get(code) ?? null;
  }

  async loadRoomByCode(code: string): Promise<StoredRoom | null> {
    const id = this.codes.get(code);
    return id ? this.loadRoom(id) : null;
  }

  async claimCode(code: string, roomId: string): Promise<boolean> {
    const holder = this.codes.get(code);
    if (holder && holder !== roomId) return false;
    this.codes.set(code, roomId);
    return true;
  }

  async loadAllRooms(): Promise<StoredRoom[]> {
    return [...this.rooms.values()].map((r) => structuredClone(r));
  }

  async saveCallState(roomId: string, state: CallStateSnapshot): Promise<void> {
    this.calls.set(roomId, structuredClone(state));
  }

  async loadCallState(roomId: string): Promise<CallStateSnapshot | null> {
    const state = this.calls.get(roomId);
    return state ? structuredClone(state) : null;
  }

  async deleteCallState(roomId: string): Promise<void> {
    this.calls.delete(roomId);
  }

  async saveMeeting(m: Meeting): Promise<void> {
    this.meetings.set(m.id, structuredClone(m));
  }

  async deleteMeeting(id: string): Promise<void> {
    this.meetings.delete(id);
  }

  async loadAllMeetings(): Promise<Meeting[]> {
    return [...this.meetings.values()].map((m) => structuredClone(m));
  }
}
