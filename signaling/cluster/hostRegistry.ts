// Hosts of one deployment find each other in Redis: each writes its
// addresses and load under a key that expires unless refreshed by its
// heartbeat, and a sorted set orders hosts by when that key lapses. A host
// that stops (or dies) drops out of the list within one TTL.
import type { Redis } from 'ioredis';
import type { Logger } from '../../common/log.js';

export interface HostLoad {
  rooms: number;
  participants: number;
  workers: number;
}

export interface HostInfo {
  id: string;
  publicUrl: string;
  mediaIp: string;
  startedAt: string;
  heartbeatAt: string;
  load: HostLoad;
}

const PREFIX = 'school-call';
const HOSTS = `${PREFIX}:hosts`;
const hostKey = (id: string) => `${PREFIX}:host:${id}`;

export class HostRegistry {
  private timer: NodeJS.Timeout | null = null;
  private readonly startedAt = new Date().toISOString();

  constructor(
    private readonly redis: Redis,
    private readonly self: { id: string; publicUrl: string; mediaIp: string },
    private readonly load: () => HostLoad,
    private readonly heartbeatMs: number,
    private readonly log: Logger,
  ) {}

  get ttlMs(): number {
    return this.heartbeatMs * 3;
  }

  async start(): Promise<void> {
    await this.beat();
    let failing = false;
    this.timer = setInterval(() => {
      this.beat().then(
        () => {
          failing = false;
        },
        (err) => {
          // Once per outage: redisClients.ts already says Redis is away.
          if (!failing) this.log.warn({ err }, 'host heartbeat failed');
          failing = true;
        },
      );
    }, this.heartbeatMs);
    this.timer.unref();
    this.log.info({ host: this.self.id, heartbeatMs: this.heartbeatMs }, 'host registered');
  }

  /** Leaves the list at once (clean shutdown). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.redis.multi().del(hostKey(this.self.id)).zrem(HOSTS, this.self.id).exec();
  }

  /** Whether a host's heartbeat is current now (one call; the cached list may be a beat old). */
  async isLive(id: string): Promise<boolean> {
    const until = await this.redis.zscore(HOSTS, id);
    return until !== null && Number(until) > Date.now();
  }

  /** Live hosts, least loaded first. */
  async list(): Promise<HostInfo[]> {
    const now = Date.now();
    await this.redis.zremrangebyscore(HOSTS, '-inf', now);
    const ids = await this.redis.zrangebyscore(HOSTS, now, '+inf');
    if (ids.length === 0) return [];
    const values = await this.redis.mget(ids.map(hostKey));
    const hosts = values.filter((v): v is string => v !== null).map((v) => JSON.parse(v) as HostInfo);
    return hosts.sort((a, b) => a.load.participants - b.load.participants || a.id.localeCompare(b.id));
  }

  private async beat(): Promise<void> {
    const info: HostInfo = {
      ...this.self,
      startedAt: this.startedAt,
      heartbeatAt: new Date().toISOString(),
      load: this.load(),
    };
    await this.redis
      .multi()
      .set(hostKey(this.self.id), JSON.stringify(info), 'PX', this.ttlMs)
      .zadd(HOSTS, Date.now() + this.ttlMs, this.self.id)
      .exec();
  }
}
