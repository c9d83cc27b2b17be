// Recording and broadcast as a feature of the server: the host's requests,
// a listener on every room (tell newcomers and waiting people that the
// lesson is recorded, start a scheduled broadcast when its host joins, stop
// everything when the call ends), the admin API of recordings and the public
// /b/ pages. Recordings left by a killed server are finished at start, and
// retention removes old ones every hour.
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import client from 'prom-client';
import type { Logger } from '../common/log.js';
import { AdminAuth } from '../signaling/adminAuth.js';
import type { Room } from '../signaling/domain/room.js';
import type { RoomFanout } from '../signaling/fanout/topics.js';
import type { Metrics } from '../signaling/metrics.js';
import type { Feature } from '../signaling/requests/features.js';
import type { SharedLimits } from '../signaling/security/sharedLimits.js';
import type { TokenService } from '../signaling/tokens.js';
import { encodeEvent } from '../signaling/wire/frames.js';
import { BroadcastHttp } from './broadcastHttp.js';
import { registerBroadcastRoutes } from './broadcastRoutes.js';
import { Broadcasts } from './broadcasts.js';
import { type RecorderRequest, recorderHandlers } from './recorderHandlers.js';
import { RecordingLinks } from './recordingLinks.js';
import { registerRecordingRoutes } from './recordingRoutes.js';
import { RecordingService, type RecordingStateView } from './recordingService.js';
import { RecordingStore, type RecordingStoreOptions } from './recordingStore.js';

const SWEEP_INTERVAL_MS = 3600_000;
/** A school's recording places: held by room, renewed while it records, free a minute after a host died. */
const SCHOOL_RECORDINGS = { name: 'recordings_per_school', leaseMs: 60_000 };
/** How often recordings waiting for room to be joined are tried again. */
const WAITING_RETRY_MS = 15_000;

export interface RecorderFeatureDeps {
  storage: RecordingStoreOptions;
  /** Lessons recorded or broadcast at once on this host (RECORDINGS_AT_ONCE). */
  recordingsAtOnce: number;
  /** ... of one school on all hosts together (RECORDINGS_PER_SCHOOL). */
  recordingsPerSchool: number;
  /** The server's public base URL (known once it listens). */
  publicUrl: () => string;
  /** Signs hosts' download links and viewer-password cookies (keys derived from it). */
  secret: string;
  adminSecret: string;
  tokens: TokenService;
  /** Where room events go to clients. */
  out: RoomFanout;
  metrics: Metrics;
  /** Limits shared by every host (viewer passwords, recordings at once). */
  limits: SharedLimits;
  /** The server runs the demo school: the viewer page says «Демо» too. */
  demo?: boolean;
  log: Logger;
}

export interface RecorderFeature {
  feature: Feature<RecorderRequest>;
  /** A public link for a meeting scheduled as a broadcast; it goes live when the host joins. */
  scheduleBroadcast(roomId: string, title: string): { code: string; url: string };
  /** The broadcast whose viewers' comments this viewer reads and writes (Broadcasts.commentsOf). */
  commentsOf(roomId: string, cookie: string): { code: string; live: boolean } | null;
  /**
   * Finished recordings of a room that overlap `from`..`to` (ms), each with a fresh signed link.
   * Overlap, not "started within": the host may press record before the lesson's start is noted.
   */
  recordingsBetween(roomId: string, from: number, to: number): Promise<RecordingLink[]>;
}

export interface RecordingLink {
  id: string;
  url: string;
  durationSeconds: number;
  sizeBytes: number;
  startedAt: number;
  linkExpiresAt: number;
}

export function createRecorderFeature(deps: RecorderFeatureDeps): RecorderFeature {
  const { log } = deps;
  const store = new RecordingStore(deps.storage, log);
  const broadcasts = new Broadcasts({
    file: join(deps.storage.dir, 'broadcasts.json'),
    secret: createHmac('sha256', deps.secret).update('broadcast-cookies').digest(),
  });
  const links = new RecordingLinks(deps.secret, deps.publicUrl);
  const announce = (room: Room, state: RecordingStateView) => {
    const bytes = encodeEvent({ recordingState: state });
    deps.out.publish(room.id, bytes);
    for (const peer of room.waiting.values()) peer.channel.send(bytes);
  };
  const interrupted = new client.Counter({
    name: 'school_call_recordings_interrupted_total',
    help: 'Recordings and broadcasts that stopped without a host asking, or whose pipeline went down, by reason',
    labelNames: ['reason'],
    registers: [deps.metrics.registry],
  });
  const service = new RecordingService({
    store,
    broadcasts,
    workDir: join(deps.storage.dir, '.work'),
    publicUrl: deps.publicUrl,
    log,
    announce,
    maxAtOnce: deps.recordingsAtOnce,
    perSchool: { places: deps.limits.slots(SCHOOL_RECORDINGS), max: deps.recordingsPerSchool },
    interrupted: (reason) => interrupted.inc({ reason }),
  });
  const refused = new client.Counter({
    name: 'school_call_broadcast_refused_total',
    help: 'Requests to /b/ refused, by reason',
    labelNames: ['reason'],
    registers: [deps.metrics.registry],
  });
  new client.Gauge({
    name: 'school_call_recorders_active',
    help: 'Rooms recording or broadcasting on this host',
    registers: [deps.metrics.registry],
    collect() {
      this.set(service.activeRooms);
    },
  });

  void store.recover().then(
    (ids) => ids.length > 0 && log.warn({ recordings: ids }, 'finished recordings left by the last run'),
    (err) => log.error({ err }, 'could not finish recordings left by the last run'),
  );
  const sweep = async () => {
    for (const id of await store.sweep()) broadcasts.forgetRecording(id);
  };
  const sweeper = setInterval(
    () => void sweep().catch((err) => log.error({ err }, 'retention sweep failed')),
    SWEEP_INTERVAL_MS,
  );
  sweeper.unref();
  // A recording the full disk had no room to join is joined once there is room.
  const joiner = setInterval(
    () =>
      void store
        .finishWaiting()
        .then(
          (ids) => ids.length > 0 && log.warn({ recordings: ids }, 'recordings joined once there was room'),
        )
        .catch((err) => log.error({ err }, 'joining waiting recordings failed')),
    WAITING_RETRY_MS,
  );
  joiner.unref();

  /** Newcomers hear it only when something is on (off is what a client assumes). */
  const tellNewcomer = (room: Room, send: (bytes: Uint8Array) => void) => {
    if (service.isOn(room.id)) send(encodeEvent({ recordingState: service.state(room.id) }));
  };

  const feature: Feature<RecorderRequest> = {
    name: 'recorder',
    handlers: recorderHandlers({ service, store, links }),
    attach(room) {
      room.events.on('participantWaiting', ({ peer }) => tellNewcomer(room, (b) => peer.channel.send(b)));
      room.events.on('participantJoined', ({ peer }) => {
        tellNewcomer(room, (b) => peer.channel.send(b));
        const scheduled = broadcasts.forRoom(room.id);
        if (peer.identity.role === 'host' && scheduled?.state === 'not-started') {
          // The host went live: the scheduled broadcast starts (after the join has been answered).
          setImmediate(() => {
            if (!room.isPresent(peer) || service.state(room.id).broadcasting) return;
            service
              .startBroadcast(room)
              .catch((err) => log.error({ err, room: room.id }, 'scheduled broadcast did not start'));
          });
        }
      });
      room.events.on('callEnded', () => {
        void service.stopAll(room, 'call-ended');
      });
      // Everyone left and nobody came back within the grace: no pipeline runs on for an empty room.
      room.events.on('leftEmpty', () => {
        void service.stopAll(room, 'room-empty');
      });
      // Subtitles (transcriber/) reach the broadcast's subtitle track and the recordings' captions.
      room.events.on('subtitlesChanged', (state) => service.subtitlesChanged(room.id, state));
      room.events.on('subtitleFinal', (line) => service.subtitleLine(room.id, line));
    },
    routes(router) {
      registerRecordingRoutes(router, {
        store,
        service,
        broadcasts,
        links,
        adminAuth: new AdminAuth(deps.adminSecret),
        tokens: deps.tokens,
      });
      const http = new BroadcastHttp(
        broadcasts,
        store,
        deps.limits,
        (reason) => refused.inc({ reason }),
        deps.demo ?? false,
      );
      registerBroadcastRoutes(router, http, deps.metrics);
    },
    async close() {
      clearInterval(sweeper);
      clearInterval(joiner);
      await service.closeAll('server-stopping');
    },
  };
  return {
    feature,
    scheduleBroadcast(roomId, title) {
      const b = broadcasts.forRoom(roomId) ?? broadcasts.create(roomId, title);
      return { code: b.code, url: service.broadcastUrl(b) };
    },
    commentsOf: (roomId, cookie) => broadcasts.commentsOf(roomId, cookie),
    async recordingsBetween(roomId, from, to) {
      // Any host's recordings: the metadata is read from the storage they are kept in.
      return (await store.list(roomId))
        .filter((m) => m.status === 'ready')
        .map((m) => ({ meta: m, at: Date.parse(m.startedAt), end: Date.parse(m.endedAt ?? m.startedAt) }))
        .filter(({ at, end }) => at <= to && end >= from)
        .sort((a, b) => a.at - b.at)
        .map(({ meta, at }) => {
          const link = links.make(meta.id);
          return {
            id: meta.id,
            url: link.url,
            durationSeconds: Math.round(meta.durationSeconds),
            sizeBytes: meta.sizeBytes,
            startedAt: at,
            linkExpiresAt: link.expiresAt,
          };
        });
    },
  };
}
