// All rooms of this server, by id. Rooms are created by the admin API and
// live until deleted; their media exists only while someone is in them.
import { randomBytes } from 'node:crypto';
import type { WorkerPool } from '../sfu/workerPool.js';
import { Room, type RoomDefinition } from './room.js';

export const ROOM_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export class RoomRegistry {
  private readonly rooms = new Map<string, Room>();

  constructor(
    private readonly pool: WorkerPool,
    private readonly defaultMaxParticipants: number,
  ) {}

  create(input: { id?: string; title?: string; maxParticipants?: number }): Room {
    const id = input.id ?? randomBytes(9).toString('base64url');
    if (!ROOM_ID_PATTERN.test(id)) throw new Error('room id must be 1-64 letters, digits, - or _');
    if (this.rooms.has(id)) throw new Error(`room ${id} already exists`);
    const definition: RoomDefinition = {
      id,
      title: input.title ?? 'Lesson',
      createdAt: new Date(),
      maxParticipants: Math.min(
        input.maxParticipants ?? this.defaultMaxParticipants,
        this.defaultMaxParticipants,
      ),
    };
    const room = new Room(definition, this.pool);
    this.rooms.set(id, room);
    return room;
  }

  get(id: string): Room | undefined {
    return this.rooms.get(id);
  }

  delete(id: string): Room | undefined {
    const room = this.rooms.get(id);
    if (room) this.rooms.delete(id);
    return room;
  }

  all(): IterableIterator<Room> {
    return this.rooms.values();
  }

  get size(): number {
    return this.rooms.size;
  }
}
