// Prometheus metrics. Gauges of live state are read at scrape time from the
// state itself, so they cannot drift from it.
import client from 'prom-client';
import type { MediaKindName, PacketCounts } from '../sfu/producerLoss.js';

export interface LiveCounts {
  roomsDefined: number;
  roomsLive: number;
  participants: number;
  connections: number;
  transports: number;
  producers: { audio: number; video: number };
  consumers: { audio: number; video: number };
  /** Multi-host: connections here whose room runs on another host. */
  forwardedConnections: number;
  /** Multi-host: participants of rooms here connected to other hosts. */
  remoteParticipants: number;
  /** Multi-host: WebRTC transports here for rooms that run on other hosts. */
  edgeTransports: number;
}

export interface WorkerUsage {
  index: number;
  pid: number;
  userSeconds: number;
  systemSeconds: number;
}

/** Gauges read within this long of each other share one count of the live state. */
const SCRAPE_WINDOW_MS = 100;

export class Metrics {
  readonly registry = new client.Registry();
  readonly requests: client.Counter<'type'>;
  readonly rejected: client.Counter<'reason'>;
  readonly requestDuration: client.Histogram<'type'>;
  readonly workerRestarts: client.Counter;
  readonly httpRequests: client.Counter<'route' | 'status'>;
  readonly slowClients: client.Counter;
  readonly resyncs: client.Counter;
  readonly hostMessages: client.Counter<'direction' | 'kind'>;
  readonly edgeRequestDuration: client.Histogram;
  readonly faults: client.Counter<'where' | 'status'>;

  /**
   * `producerPackets`: packets the producers received and lost since its last
   * call (sfu/producerLoss.ts), read once per scrape.
   */
  constructor(
    countLive: () => LiveCounts,
    workers: () => Promise<WorkerUsage[]>,
    producerPackets?: () => Promise<Record<MediaKindName, PacketCounts>>,
  ) {
    // Every live gauge reads the same counts; walk the rooms once per scrape, not once per gauge.
    let counted: { at: number; counts: LiveCounts } | null = null;
    const live = (): LiveCounts => {
      const now = Date.now();
      if (!counted || now - counted.at > SCRAPE_WINDOW_MS) counted = { at: now, counts: countLive() };
      return counted.counts;
    };
    const registers = [this.registry];
    client.collectDefaultMetrics({ register: this.registry, prefix: 'school_call_' });
    this.requests = new client.Counter({
      name: 'school_call_signaling_requests_total',
      help: 'Signaling requests handled, by request type',
      labelNames: ['type'],
      registers,
    });
    this.rejected = new client.Counter({
      name: 'school_call_signaling_rejected_total',
      help: 'Signaling frames or requests rejected, by error reason',
      labelNames: ['reason'],
      registers,
    });
    this.requestDuration = new client.Histogram({
      name: 'school_call_signaling_request_duration_seconds',
      help: 'Time to answer a signaling request',
      labelNames: ['type'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.workerRestarts = new client.Counter({
      name: 'school_call_mediasoup_worker_restarts_total',
      help: 'mediasoup workers that died and were replaced',
      registers,
    });
    this.slowClients = new client.Counter({
      name: 'school_call_ws_slow_clients_total',
      help: 'Connections taken out of fan-out because their send buffer passed the limit',
      registers,
    });
    this.resyncs = new client.Counter({
      name: 'school_call_ws_resyncs_total',
      help: 'Slow connections that caught up and were sent the current state',
      registers,
    });
    this.hostMessages = new client.Counter({
      name: 'school_call_host_bus_messages_total',
      help: 'Messages between hosts over Redis, by direction (sent, received) and kind',
      labelNames: ['direction', 'kind'],
      registers,
    });
    this.edgeRequestDuration = new client.Histogram({
      name: 'school_call_edge_request_duration_seconds',
      help: 'Time for an edge host to answer a media request from home',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
      registers,
    });
    this.httpRequests = new client.Counter({
      name: 'school_call_http_requests_total',
      help: 'HTTP requests, by route and status',
      labelNames: ['route', 'status'],
      registers,
    });
    this.faults = new client.Counter({
      name: 'school_call_faults_total',
      help: 'Handlers that threw or rejected (answered 4xx/5xx or the socket closed), and process-level last-resort catches, by where',
      labelNames: ['where', 'status'],
      registers,
    });
    const gauge = (name: string, help: string, read: (c: LiveCounts) => number) =>
      new client.Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read(live()));
        },
      });
    gauge('school_call_rooms', 'Rooms created and not deleted', (c) => c.roomsDefined);
    gauge('school_call_rooms_live', 'Rooms with at least one participant', (c) => c.roomsLive);
    gauge('school_call_participants', 'Participants joined to a room', (c) => c.participants);
    gauge('school_call_ws_connections', 'Open signaling WebSocket connections', (c) => c.connections);
    gauge('school_call_webrtc_transports', 'Open WebRTC transports', (c) => c.transports);
    gauge(
      'school_call_forwarded_connections',
      'Connections on this host whose room runs on another host',
      (c) => c.forwardedConnections,
    );
    gauge(
      'school_call_remote_participants',
      'Participants of rooms on this host connected through other hosts',
      (c) => c.remoteParticipants,
    );
    gauge(
      'school_call_edge_transports',
      'WebRTC transports on this host for rooms running on other hosts',
      (c) => c.edgeTransports,
    );
    const byKind = (name: string, help: string, read: (c: LiveCounts) => { audio: number; video: number }) =>
      new client.Gauge({
        name,
        help,
        labelNames: ['kind'],
        registers,
        collect() {
          const counts = read(live());
          this.set({ kind: 'audio' }, counts.audio);
          this.set({ kind: 'video' }, counts.video);
        },
      });
    byKind('school_call_producers', 'Open producers, by kind', (c) => c.producers);
    byKind('school_call_consumers', 'Open consumers, by kind', (c) => c.consumers);
    new client.Gauge({
      name: 'school_call_mediasoup_worker_cpu_seconds',
      help: 'CPU time used by each mediasoup worker process since it started',
      labelNames: ['worker', 'pid', 'mode'],
      registers,
      async collect() {
        this.reset();
        for (const w of await workers()) {
          const labels = { worker: String(w.index), pid: String(w.pid) };
          this.set({ ...labels, mode: 'user' }, w.userSeconds);
          this.set({ ...labels, mode: 'system' }, w.systemSeconds);
        }
      },
    });
    if (producerPackets) {
      // Both counters advance from one read per scrape (prom-client collects them at once).
      let taken: { at: number; counts: ReturnType<typeof producerPackets> } | null = null;
      const take = () => {
        const now = Date.now();
        if (!taken || now - taken.at > SCRAPE_WINDOW_MS) taken = { at: now, counts: producerPackets() };
        return taken.counts;
      };
      const packets = (name: string, help: string, read: (c: PacketCounts) => number) =>
        new client.Counter({
          name,
          help,
          labelNames: ['kind'],
          registers,
          async collect() {
            const counts = await take();
            for (const kind of ['audio', 'video'] as const) this.inc({ kind }, read(counts[kind]));
          },
        });
      packets(
        'school_call_producer_packets_total',
        'RTP packets received from the people sending media, by kind',
        (c) => c.received,
      );
      packets(
        'school_call_producer_packets_lost_total',
        'RTP packets lost on the way from the people sending media to this host (missing by sequence number), by kind',
        (c) => c.lost,
      );
    }
  }
}
