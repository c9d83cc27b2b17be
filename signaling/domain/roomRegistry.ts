// All rooms this host holds, by id and by short code. Rooms are created by
// the admin API and live until deleted; their media exists only while
// someone is in them. Definitions and settings are kept in a RoomStore (in
// memory on one host, Redis when hosts share one): lookups that miss here
// fall through to the store, and changed settings are saved there. Features
// that listen to rooms are told of every room that appears here.
import { randomBytes } from 'node:crypto';
import type { Logger } from '../../common/log.js';
import { DEFAULT_ROOM_MEDIA_OPTIONS, type RoomMediaOptions } from '../../sfu/roomMedia.js';
import type { WorkerPool } from '../../sfu/workerPool.js';
import { generateCode, generatePassword, normalizeCode } from './joinCodes.js';
import { Room, nameRefused } from './room.js';
import {
  DEFAULT_ROOM_SETTINGS,
  type RoomDefinition,
  type RoomOwner,
  type RoomSettings,
} from './roomDefinition.js';
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
  owner?: RoomOwner;
}

export class RoomRegistry {
  private readonly rooms = new Map<string, Room>();
  private readonly byCode = new Map<string, Room>();
  private readonly roomListeners: ((room: Room) => void)[] = [];

  constructor(
    private readonly pool: WorkerPool,
    private readonly store: RoomStore,
    private readonly defaultMaxParticipants: number,
    private readonly log: Logger,
    private readonly mediaOptions: RoomMediaOptions = DEFAULT_ROOM_MEDIA_OPTIONS,
  ) {}

  /** Calls `listener` for every room held now and every room that appears later. */
  onEachRoom(listener: (room: Room) => void): void {
    this.roomListeners.push(listener);
    for (const room of this.rooms.values()) listener(room);
  }

  /** Creates a room and saves it before anyone is told it exists. */
  async createStored(input: CreateRoomInput): Promise<Room> {
    const id = input.id ?? randomBytes(9).toString('base64url');
    if (!ROOM_ID_PATTERN.test(id))
      throw new InvalidRoomIdError('room id must be 1-64 letters, digits, - or _');
    if (this.rooms.has(id) || (await this.store.loadRoom(id))) {
      throw new RoomExistsError(`room ${id} already exists`);
    }
    // Codes are unique across hosts: claim one no other room holds.
    let code = this.freeLocalCode();
    while (!(await this.store.claimCode(code, id))) code = this.freeLocalCode();
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
      instance: randomBytes(9).toString('base64url'),
      ...(input.owner ? { owner: input.owner } : {}),
    };
    if (this.rooms.has(id)) throw new RoomExistsError(`room ${id} already exists`);
    const room = this.adopt({ definition, settings: { ...DEFAULT_ROOM_SETTINGS, ...input.settings } });
    try {
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
    if (room) await this.store.deleteRoom(room.definition);
    return room;
  }

  /** Loads every stored room into memory (at start). */
  async restore(): Promise<number> {
    const stored = await this.store.loadAllRooms();
    for (const s of stored) if (!this.rooms.has(s.definition.id)) this.adopt(s);
    return stored.length;
  }

  /**
   * Whether `userId` may not come in through `admission` (Room.admissionBanned)
   * or under the self-chosen `displayName` (Room.nameBanned): asked of the
   * room here while its call runs here, else of the call state its home
   * saved (the call may run on another host).
   */
  async admissionBanned(
    room: Room,
    admission: string,
    userId: string,
    displayName: string,
  ): Promise<boolean> {
    const here = () => room.admissionBanned(admission, userId) || room.nameBanned(displayName, userId);
    if (room.peers.size + room.waiting.size > 0) return here();
    const saved = await this.store.loadCallState(room.id);
    if (!saved || saved.instance !== room.definition.instance) return here();
    const admitted = new Set(saved.admitted);
    const spared = saved.bannedAdmissions?.find(([a]) => a === admission)?.[1];
    if (spared && !spared.includes(userId) && !admitted.has(userId)) return true;
    return nameRefused(saved.bannedNames ?? [], displayName, userId, admitted);
  }

  /** A room by id, from memory or, failing that, the store. */
  async find(id: string): Promise<Room | undefined> {
    const local = this.rooms.get(id);
    if (local || !ROOM_ID_PATTERN.test(id)) return local;
    const stored = await this.store.loadRoom(id);
    if (!stored) return undefined;
    return this.rooms.get(id) ?? this.adopt(stored);
  }

  /** A room by what a person typed as its code, from memory or the store. */
  async findByCode(typed: string): Promise<Room | undefined> {
    const local = this.getByCode(typed);
    const code = normalizeCode(typed);
    if (local || !code) return local;
    const id = await this.store.roomIdByCode(code);
    return id ? this.find(id) : undefined;
  }

  /**
   * A room by its (normalised) code for someone typing a password: always
   * exactly one store read, found or not, and the room held here if it is
   * the one stored, so known and unknown codes take the same time.
   */
  async findByCodeForGuest(code: string): Promise<Room | undefined> {
    const stored = await this.store.loadRoomByCode(code);
    if (!stored) return undefined;
    return this.rooms.get(stored.definition.id) ?? this.adopt(stored);
  }

  /**
   * Re-reads a room nobody is in from the store, so a host that starts
   * running it (again) has the settings another host saved meanwhile.
   */
  async reloadIfIdle(id: string): Promise<void> {
    const room = this.rooms.get(id);
    if (!room || room.peers.size > 0 || room.waiting.size > 0) return;
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

  get(id: string): Room | undefined {
    return this.rooms.get(id);
  }

  /** Looks a room up by what a person typed as its code. */
  getByCode(typed: string): Room | undefined {
    const code = normalizeCode(typed);
    return code ? this.byCode.get(code) : undefined;
  }

  /** Forgets a room here (not in the store). */
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

  private freeLocalCode(): string {
    let code = generateCode();
    while (this.byCode.has(code)) code = generateCode();
    return code;
  }

  private adopt(stored: StoredRoom): Room {
    // Rooms stored before instances existed: their creation time tells them apart.
    stored.definition.instance ??= `t${stored.definition.createdAt.getTime()}`;
    const room = new Room(stored.definition, this.pool, stored.settings, this.mediaOptions, (type, err) =>
      this.log.error({ room: stored.definition.id, event: type, err }, 'room event listener failed'),
    );
    this.rooms.set(room.id, room);
    this.byCode.set(room.definition.code, room);
    // Settings a host changes during a call are saved for the next call (and other hosts).
    room.events.on('settingsChanged', () => {
      this.store
        .saveRoom({ definition: room.definition, settings: room.settings })
        .catch((err) => this.log.error({ room: room.id, err }, 'cannot save room'));
    });
    for (const listener of this.roomListeners) listener(room);
    return room;
  }
}
