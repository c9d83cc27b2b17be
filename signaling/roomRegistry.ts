// All rooms, by id and by short code. Rooms are created by the admin API and
// live until deleted; their media exists only while someone is in them. With
// a RoomStore (Redis) definitions survive restarts and any host finds any
// room: lookups that miss in memory fall through to the store.
import { randomBytes } from 'node:crypto';
import { DEFAULT_ROOM_MEDIA_OPTIONS, type RoomMediaOptions } from '../sfu/roomMedia.js';
import type { WorkerPool } from '../sfu/workerPool.js';
import { generateCode, generatePassword, normalizeCode } from './joinCodes.js';
import { Room, type RoomDefinition, type RoomSettings } from './room.js';
import type { RoomStore, StoredRoom } from './roomStore.js';

export const ROOM_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** The requested room id is malformed. */
export class InvalidRoomIdError extends Error {}
/** A room with the requested id exists here or in the store. */
export class RoomExistsError extends Error {}

export interface CreateRoomInput {
  id?: string;
  title?: string;
  maxParticipants?: number;
  settings?: Partial<RoomSettings>;
}

export class RoomRegistry {
  private readonly rooms = new Map<string, Room>();
  private readonly byCode = new Map<string, Room>();
  private store: RoomStore | null = null;

  constructor(
    private readonly pool: WorkerPool,
    private readonly defaultMaxParticipants: number,
    private readonly mediaOptions: RoomMediaOptions = DEFAULT_ROOM_MEDIA_OPTIONS,
  ) {}

  create(input: CreateRoomInput): Room {
    const id = input.id ?? randomBytes(9).toString('base64url');
    if (!ROOM_ID_PATTERN.test(id))
      throw new InvalidRoomIdError('room id must be 1-64 letters, digits, - or _');
    if (this.rooms.has(id)) throw new RoomExistsError(`room ${id} already exists`);
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

  useStore(store: RoomStore): void {
    this.store = store;
  }

  /** Creates a room and, with a store, saves it before anyone is told it exists. */
  async createStored(input: CreateRoomInput): Promise<Room> {
    if (input.id && this.store && (await this.store.loadRoom(input.id))) {
      throw new RoomExistsError(`room ${input.id} already exists`);
    }
    const room = this.create(input);
    if (!this.store) return room;
    try {
      // Codes are unique across hosts: claim one no other host holds.
      while (!(await this.store.claimCode(room.definition.code, room.id))) {
        this.byCode.delete(room.definition.code);
        let code = generateCode();
        while (this.byCode.has(code)) code = generateCode();
        room.definition.code = code;
        this.byCode.set(code, room);
      }
      await this.store.saveRoom({ definition: room.definition, settings: room.settings });
    } catch (err) {
      this.delete(room.id);
      throw err;
    }
    return room;
  }

  /** Deletes a room here and in the store. */
  async removeStored(id: string): Promise<Room | undefined> {
    const room = this.delete(id);
    if (room && this.store) await this.store.deleteRoom(room.definition);
    return room;
  }

  /** Saves changed settings; a failure is logged by the caller and the live room is unaffected. */
  async persist(room: Room): Promise<void> {
    await this.store?.saveRoom({ definition: room.definition, settings: room.settings });
  }

  /** Loads every stored room into memory (at start). */
  async restore(): Promise<number> {
    if (!this.store) return 0;
    const stored = await this.store.loadAllRooms();
    for (const s of stored) if (!this.rooms.has(s.definition.id)) this.adopt(s);
    return stored.length;
  }

  /** A room by id, from memory or, failing that, the store. */
  async find(id: string): Promise<Room | undefined> {
    const local = this.rooms.get(id);
    if (local || !this.store || !ROOM_ID_PATTERN.test(id)) return local;
    const stored = await this.store.loadRoom(id);
    if (!stored) return undefined;
    return this.rooms.get(id) ?? this.adopt(stored);
  }

  /** A room by what a person typed as its code, from memory or the store. */
  async findByCode(typed: string): Promise<Room | undefined> {
    const local = this.getByCode(typed);
    const code = normalizeCode(typed);
    if (local || !this.store || !code) return local;
    const id = await this.store.roomIdByCode(code);
    return id ? this.find(id) : undefined;
  }

  /**
   * Re-reads a room nobody is in from the store, so a host that starts
   * running it (again) has the settings another host saved meanwhile.
   */
  async reloadIfIdle(id: string): Promise<void> {
    const room = this.rooms.get(id);
    if (!room || !this.store || room.peers.size > 0 || room.waiting.size > 0) return;
    const stored = await this.store.loadRoom(id);
    if (!stored) {
      this.delete(id);
      return;
    }
    if (room.peers.size > 0 || room.waiting.size > 0) return;
    room.settings = { ...room.settings, ...stored.settings };
    room.definition.title = stored.definition.title;
    room.definition.maxParticipants = stored.definition.maxParticipants;
  }

  private adopt(stored: StoredRoom): Room {
    const room = new Room(stored.definition, this.pool, stored.settings, this.mediaOptions);
    this.rooms.set(room.id, room);
    this.byCode.set(room.definition.code, room);
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
