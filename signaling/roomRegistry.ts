// All rooms of this server, by id and by short code. Rooms are created by the
// admin API and live until deleted; their media exists only while someone is
// in them.
import { randomBytes } from 'node:crypto';
import { DEFAULT_ROOM_MEDIA_OPTIONS, type RoomMediaOptions } from '../sfu/roomMedia.js';
import type { WorkerPool } from '../sfu/workerPool.js';
import { generateCode, generatePassword, normalizeCode } from './joinCodes.js';
import { Room, type RoomDefinition, type RoomSettings } from './room.js';

export const ROOM_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export interface CreateRoomInput {
  id?: string;
  title?: string;
  maxParticipants?: number;
  settings?: Partial<RoomSettings>;
}

export class RoomRegistry {
  private readonly rooms = new Map<string, Room>();
  private readonly byCode = new Map<string, Room>();

  constructor(
    private readonly pool: WorkerPool,
    private readonly defaultMaxParticipants: number,
    private readonly mediaOptions: RoomMediaOptions = DEFAULT_ROOM_MEDIA_OPTIONS,
  ) {}

  create(input: CreateRoomInput): Room {
    const id = input.id ?? randomBytes(9).toString('base64url');
    if (!ROOM_ID_PATTERN.test(id)) throw new Error('room id must be 1-64 letters, digits, - or _');
    if (this.rooms.has(id)) throw new Error(`room ${id} already exists`);
    let code = generateCode();
    while (this.byCode.has(code)) code = generateCode();
    const definition: RoomDefinition = {
      id,
      title: input.title ?? 'Lesson',
      createdAt: new Date(),
      maxParticipants: Math.min(
        input.maxParticipants ?? this.defaultMaxParticipants,
        this.defaultMaxParticipants,
      ),
      code,
      password: generatePassword(),
    };
    const room = new Room(definition, this.pool, input.settings, this.mediaOptions);
    this.rooms.set(id, room);
    this.byCode.set(code, room);
    return room;
  }

  get(id: string): Room | undefined {
    return this.rooms.get(id);
  }

  /** Looks a room up by what a person typed as its code. */
  getByCode(typed: string): Room | undefined {
    const code = normalizeCode(typed);
    return code ? this.byCode.get(code) : undefined;
  }

  delete(id: string): Room | undefined {
    const room = this.rooms.get(id);
    if (room) {
      this.rooms.delete(id);
      this.byCode.delete(room.definition.code);
    }
    return room;
  }

  all(): IterableIterator<Room> {
    return this.rooms.values();
  }

  get size(): number {
    return this.rooms.size;
  }
}
