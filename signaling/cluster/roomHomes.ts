// Which host runs a room. The first host to get a participant for a room
// claims it; the claim expires unless its host keeps refreshing it (while the
// room has people), so a dead host's rooms move on to whoever is asked next.
import type { Redis } from 'ioredis';

const homeKey = (roomId: string) => `school-call:room-home:${roomId}`;

// Keep our claim, or claim it back if it lapsed and nobody took it; 0 only
// when another host holds it. One script: after a frozen Redis resumes,
// refreshes queued meanwhile must not mistake our own re-claim for another's.
const KEEP_OR_RECLAIM = `
local cur = redis.call('GET', KEYS[1])
if cur == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
if cur == false then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`;

export class RoomHomes {
  constructor(
    private readonly redis: Redis,
    private readonly selfId: string,
    private readonly ttlMs: number,
  ) {}

  /** The room's home host, claiming it for this host if it has none. */
  async homeOf(roomId: string): Promise<string> {
    const key = homeKey(roomId);
    for (let attempt = 0; attempt < 3; attempt++) {
      const claimed = await this.redis.set(key, this.selfId, 'PX', this.ttlMs, 'NX');
      if (claimed === 'OK') return this.selfId;
      const home = await this.redis.get(key);
      // Null: the claim lapsed between the two calls; try again.
      if (home) return home;
    }
    throw new Error(`cannot settle the home of room ${roomId}`);
  }

  /** Replaces a home host that is gone (unless someone already did) and returns the home now. */
  async takeOver(roomId: string, deadHost: string): Promise<string> {
    const home = await this.redis.eval(
      `local cur = redis.call('GET', KEYS[1])
if cur == false or cur == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return ARGV[2]
end
return cur`,
      1,
      homeKey(roomId),
      deadHost,
      this.selfId,
      String(this.ttlMs),
    );
    return String(home);
  }

  /**
   * Keeps this host's claim on rooms it is running; returns the rooms whose
   * claim had lapsed and passed to another host (this host stalled too long).
   */
  async refresh(roomIds: Iterable<string>): Promise<string[]> {
    const ids = [...roomIds];
    if (ids.length === 0) return [];
    const multi = this.redis.multi();
    for (const id of ids) multi.eval(KEEP_OR_RECLAIM, 1, homeKey(id), this.selfId, String(this.ttlMs));
    const results = (await multi.exec()) ?? [];
    // Lost: another host holds the claim (an error says nothing either way).
    return ids.filter((_, i) => {
      const [err, kept] = results[i] ?? [null, 1];
      return !err && kept === 0;
    });
  }

  /** Gives up a room, e.g. when it is deleted or this host stops. */
  async release(roomIds: Iterable<string>): Promise<void> {
    const multi = this.redis.multi();
    let n = 0;
    for (const id of roomIds) {
      multi.eval(
        "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
        1,
        homeKey(id),
        this.selfId,
      );
      n++;
    }
    if (n > 0) await multi.exec();
  }
}
