// Room definitions, scheduled meetings and the state of calls (bans, hands,
// breakouts…) in the deployment's Redis, so they survive a restart and every
// host can serve any room. Who is connected, and media, stay in the memory
// of the host running the call.
import type { Redis } from 'ioredis';
import type { CallStateSnapshot } from '../domain/callState.js';
import type { Meeting } from '../domain/meetings.js';
import type { RoomDefinition, RoomSettings } from '../domain/roomDefinition.js';
import type { RoomStore, StoredRoom } from '../domain/roomStore.js';

const PREFIX = 'school-call';
const ROOMS = `${PREFIX}:rooms`;
const MEETINGS = `${PREFIX}:meetings`;
const roomKey = (id: string) => `${PREFIX}:room:${id}`;
const codeKey = (code: string) => `${PREFIX}:code:${code}`;
const meetingKey = (id: string) => `${PREFIX}:meeting:${id}`;
const callKey = (roomId: string) => `${PREFIX}:call:${roomId}`;
/** A call nobody touched for this long is over, whatever happened to its host. */
const CALL_STATE_TTL_SECONDS = 24 * 3600;

// One round trip and the same two reads for a code, known or not.
const ROOM_BY_CODE = `
local id = redis.call('GET', KEYS[1])
return redis.call('GET', ARGV[1] .. (id or ''))`;

function parseRoom(json: string): StoredRoom {
  const raw = JSON.parse(json) as {
    definition: RoomDefinition & { createdAt: string };
    settings: RoomSettings;
  };
  return {
    definition: { ...raw.definition, createdAt: new Date(raw.definition.createdAt) },
    settings: raw.settings,
  };
}

export class RedisRoomStore implements RoomStore {
  constructor(private readonly redis: Redis) {}

  async saveRoom(room: StoredRoom): Promise<void> {
    await this.redis
      .multi()
      .set(roomKey(room.definition.id), JSON.stringify(room))
      .set(codeKey(room.definition.code), room.definition.id)
      .sadd(ROOMS, room.definition.id)
      .exec();
  }

  async deleteRoom(definition: RoomDefinition): Promise<void> {
    await this.redis
      .multi()
      .del(roomKey(definition.id))
      .del(codeKey(definition.code))
      .srem(ROOMS, definition.id)
      .exec();
  }

  async loadRoom(id: string): Promise<StoredRoom | null> {
    const json = await this.redis.get(roomKey(id));
    return json ? parseRoom(json) : null;
  }

  async roomIdByCode(code: string): Promise<string | null> {
    return this.redis.get(codeKey(code));
  }

  async loadRoomByCode(code: string): Promise<StoredRoom | null> {
    const json = (await this.redis.eval(ROOM_BY_CODE, 1, codeKey(code), roomKey(''))) as string | null;
    return json ? parseRoom(json) : null;
  }

  /** Whether a code is taken anywhere in the deployment; claims it if not. */
  async claimCode(code: string, roomId: string): Promise<boolean> {
    return (await this.redis.set(codeKey(code), roomId, 'NX')) === 'OK';
  }

  async loadAllRooms(): Promise<StoredRoom[]> {
    const ids = await this.redis.smembers(ROOMS);
    if (ids.length === 0) return [];
    const values = await this.redis.mget(ids.map(roomKey));
    return values.filter((v): v is string => v !== null).map(parseRoom);
  }

  async saveCallState(roomId: string, state: CallStateSnapshot): Promise<void> {
    await this.redis.set(callKey(roomId), JSON.stringify(state), 'EX', CALL_STATE_TTL_SECONDS);
  }

  async loadCallState(roomId: string): Promise<CallStateSnapshot | null> {
    const json = await this.redis.get(callKey(roomId));
    return json ? (JSON.parse(json) as CallStateSnapshot) : null;
  }

  async deleteCallState(roomId: string): Promise<void> {
    await this.redis.del(callKey(roomId));
  }

  async saveMeeting(m: Meeting): Promise<void> {
    await this.redis.multi().set(meetingKey(m.id), JSON.stringify(m)).sadd(MEETINGS, m.id).exec();
  }

  async deleteMeeting(id: string): Promise<void> {
    await this.redis.multi().del(meetingKey(id)).srem(MEETINGS, id).exec();
  }

  async loadAllMeetings(): Promise<Meeting[]> {
    const ids = await this.redis.smembers(MEETINGS);
    if (ids.length === 0) return [];
    const values = await this.redis.mget(ids.map(meetingKey));
    return values
      .filter((v): v is string => v !== null)
      .map((v) => {
        const m = JSON.parse(v) as Meeting & { createdAt: string };
        return { ...m, createdAt: new Date(m.createdAt) };
      });
  }
}
