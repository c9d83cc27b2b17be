// Single host or several: decided once, at start, from REDIS_URL. A
// deployment gives the store rooms and meetings are kept in, and makes the
// cluster that shares rooms with other hosts (or the single-host one).
import type { Logger } from '../common/log.js';
import { type Cluster, SingleHostCluster } from './cluster/cluster.js';
import { type ClusterParts, RedisCluster } from './cluster/redisCluster.js';
import type { RoomStore } from './domain/roomStore.js';
import { openRedis } from './redisClients.js';
import { MemoryRoomStore } from './store/memoryRoomStore.js';
import { RedisRoomStore } from './store/redisRoomStore.js';

export interface Deployment {
  readonly store: RoomStore;
  /** 'memory' on one host without Redis; otherwise whether Redis answers a PING within the time (a frozen one does not). */
  storeState(timeoutMs: number): Promise<'memory' | 'reachable' | 'unreachable'>;
  createCluster(parts: ClusterParts): Cluster;
  close(): Promise<void>;
}

export async function openDeployment(redisUrl: string | null, log: Logger): Promise<Deployment> {
  if (!redisUrl) {
    return {
      store: new MemoryRoomStore(),
      storeState: async () => 'memory',
      createCluster: (parts) => new SingleHostCluster(parts.self, parts.hostLoad),
      close: async () => undefined,
    };
  }
  // One failure policy for every connection (redisClients.ts): fail fast while away or frozen.
  const redis = openRedis(redisUrl, 'rooms', log, { connectLater: true });
  const redisSub = openRedis(redisUrl, 'rooms-events', log, { subscriber: true, connectLater: true });
  await redis.connect();
  await redisSub.connect();
  // A unix socket path (run.sh's private Redis) is not a URL; never log a password.
  log.info(
    { redis: redisUrl.startsWith('/') ? redisUrl : new URL(redisUrl).host },
    'sharing rooms through redis',
  );
  return {
    store: new RedisRoomStore(redis),
    storeState: async (timeoutMs) => {
      if (redis.status !== 'ready' || redisSub.status !== 'ready') return 'unreachable';
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'unreachable'>((resolve) => {
        timer = setTimeout(() => resolve('unreachable'), timeoutMs);
      });
      const answer = redis.ping().then(
        () => 'reachable' as const,
        () => 'unreachable' as const,
      );
      return Promise.race([answer, late]).finally(() => clearTimeout(timer));
    },
    createCluster: (parts) => new RedisCluster(redis, redisSub, parts),
    close: async () => {
      redis.disconnect();
      redisSub.disconnect();
    },
  };
}
