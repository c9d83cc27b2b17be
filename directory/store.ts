// The directory in Redis: per school the last imported structure (what the
// next import is compared with), each person's placement (what role checks
// read, one HMGET for two people), and which chat each slot became; globally,
// which chats the directory built (role checks on joining them).
import type { Redis } from 'ioredis';
import type { SlotKind } from './chatPlan.js';
import type { Directory, Placement } from './model.js';

const P = 'school-call:dir';

export const dirKeys = {
  schools: `${P}:schools`,
  snapshot: (s: string) => `${P}:{${s}}`,
  placements: (s: string) => `${P}:{${s}}:place`,
  slots: (s: string) => `${P}:{${s}}:slots`,
  lock: (s: string) => `${P}:{${s}}:lock`,
  /** Hash: chat id -> JSON DirectoryChat. */
  chats: `${P}:chats`,
};

/** What the directory knows of one of its chats. */
export interface DirectoryChat {
  school: string;
  slot: string;
  kind: SlotKind;
  classId: string;
}

export class DirectoryStore {
  constructor(readonly redis: Redis) {}

  async schools(): Promise<string[]> {
    return this.redis.smembers(dirKeys.schools);
  }

  async load(school: string): Promise<Directory | null> {
    const json = await this.redis.get(dirKeys.snapshot(school));
    return json ? (JSON.parse(json) as Directory) : null;
  }

  async save(d: Directory, placements: Map<string, Placement>, gone: string[]): Promise<void> {
    const s = d.school.id;
    const multi = this.redis.multi();
    multi.set(dirKeys.snapshot(s), JSON.stringify(d));
    multi.sadd(dirKeys.schools, s);
    if (gone.length) multi.hdel(dirKeys.placements(s), ...gone);
    const entries: string[] = [];
    for (const [id, p] of placements) entries.push(id, JSON.stringify(p));
    if (entries.length) multi.hset(dirKeys.placements(s), ...entries);
    await multi.exec();
  }

  /** Placements of some people of a school (null for people the directory does not know). */
  async placements(school: string, ids: string[]): Promise<(Placement | null)[]> {
    if (ids.length === 0) return [];
    const found = await this.redis.hmget(dirKeys.placements(school), ...ids);
    return found.map((j) => (j ? (JSON.parse(j) as Placement) : null));
  }

  async hasDirectory(school: string): Promise<boolean> {
    return (await this.redis.sismember(dirKeys.schools, school)) === 1;
  }

  async slots(school: string): Promise<Map<string, string>> {
    return new Map(Object.entries(await this.redis.hgetall(dirKeys.slots(school))));
  }

  async recordChat(chatId: string, info: DirectoryChat): Promise<void> {
    await this.redis
      .multi()
      .hset(dirKeys.slots(info.school), info.slot, chatId)
      .hset(dirKeys.chats, chatId, JSON.stringify(info))
      .exec();
  }

  async chatInfo(chatId: string): Promise<DirectoryChat | null> {
    const json = await this.redis.hget(dirKeys.chats, chatId);
    return json ? (JSON.parse(json) as DirectoryChat) : null;
  }

  /** One import at a time per school; the lock expires if an importer dies. */
  async lock(school: string, owner: string, seconds = 600): Promise<boolean> {
    return (await this.redis.set(dirKeys.lock(school), owner, 'EX', seconds, 'NX')) === 'OK';
  }

  async unlock(school: string, owner: string): Promise<void> {
    if ((await this.redis.get(dirKeys.lock(school))) === owner) await this.redis.del(dirKeys.lock(school));
  }
}
