// Packet loss on the way in: what the people sending media lose before it
// reaches this host. Each producer's cumulative counts (packets received, and
// missing by its RTP sequence numbers) are read when Prometheus scrapes and
// advance counters by what is new since the last scrape, so a producer that
// closes keeps what it contributed. Loss on the way out (to each receiver,
// from its RTCP reports) would mean a stats request per consumer per scrape,
// thousands in a large lesson, so it is not read here.
import type { types } from 'mediasoup';
import type { WorkerPool } from './workerPool.js';

export type MediaKindName = 'audio' | 'video';

export interface PacketCounts {
  received: number;
  lost: number;
}

export class ProducerLoss {
  /** Per producer: the counts already handed out. */
  private readonly producers = new Map<types.Producer, PacketCounts>();

  /** Follows the producers of every worker in the pool, and of the workers that replace dead ones. */
  static watch(pool: WorkerPool): ProducerLoss {
    const loss = new ProducerLoss();
    for (let i = 0; i < pool.size; i++) loss.watchWorker(pool.slot(i).worker);
    pool.on('workerReplaced', (i) => loss.watchWorker(pool.slot(i).worker));
    return loss;
  }

  watchWorker(worker: types.Worker): void {
    worker.observer.on('newrouter', (router) => {
      router.observer.on('newtransport', (transport) => {
        // A pipe's producers repeat a producer of another router or host, counted where it arrived.
        if (transport.constructor.name === 'PipeTransport') return;
        transport.observer.on('newproducer', (producer) => {
          this.producers.set(producer, { received: 0, lost: 0 });
          producer.observer.once('close', () => this.producers.delete(producer));
        });
      });
    });
  }

  /** Packets received and lost since the last call, by kind. */
  async take(): Promise<Record<MediaKindName, PacketCounts>> {
    const out: Record<MediaKindName, PacketCounts> = {
      audio: { received: 0, lost: 0 },
      video: { received: 0, lost: 0 },
    };
    await Promise.all(
      [...this.producers].map(async ([producer, seen]) => {
        let stats: types.ProducerStat[];
        try {
          stats = await producer.getStats();
        } catch {
          return; // closed meanwhile
        }
        let received = 0;
        let lost = 0;
        for (const s of stats) {
          received += s.packetCount;
          lost += s.packetsLost;
        }
        // packetsLost can fall when a late or retransmitted packet fills a gap: count each loss once.
        const sum = out[producer.kind];
        sum.received += Math.max(0, received - seen.received);
        sum.lost += Math.max(0, lost - seen.lost);
        seen.received = Math.max(seen.received, received);
        seen.lost = Math.max(seen.lost, lost);
      }),
    );
    return out;
  }
}
