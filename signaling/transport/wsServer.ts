// The signaling WebSocket endpoint on uWebSockets.js. Room events fan out via
// uWS topics (one per room), so each event is encoded once however many
// members the room has.
import uWS from 'uWebSockets.js';
import type { Logger } from '../../common/log.js';
import { schoolcall } from '../../common/protocol/generated/protocol.js';
import { type LocalFanout, type RoomFanout, moderatorTopic, roomTopic } from '../fanout/topics.js';
import type { GuardedApp } from '../http/guardedApp.js';
import type { Metrics } from '../metrics.js';
import { encodeEvent } from '../wire/frames.js';
import type { ClusterLink, SessionSocket } from './connection.js';
import type { ConnectionGate } from './connectionGate.js';
import { Session, type SessionContext } from './session.js';
import { type AdmissionData, SocketAdmission } from './socketAdmission.js';

import pb = schoolcall.v1;

interface SocketData extends AdmissionData {
  session?: Session;
  /** Topics this connection belongs to, kept while it is out of fan-out. */
  topics: Set<string>;
  /** Fell behind: out of fan-out until its buffer drains, then resynchronised. */
  lagging: boolean;
}

export interface WsServerOptions {
  maxFrameBytes: number;
  /**
   * A client whose unsent data passes this is taken out of fan-out (further
   * sends to it are dropped) until it catches up, then resynchronised, so a
   * slow client costs at most this much server memory.
   */
  maxBackpressureBytes: number;
  idleTimeoutSeconds: number;
  trustProxy: boolean;
  /** A connection that has not joined a room by then is closed. */
  joinDeadlineSeconds: number;
}

/** Frames this many times over the soft limit are cut off by uWS itself. */
const HARD_FRAME_FACTOR = 4;
/** uWS's send() result when backpressure made it drop the message. */
const DROPPED = 2;
const SLOW_CLIENT_SWEEP_MS = 250;

/** What every session shares: the handler table and what leaving and catching up take. */
export type SessionServices = Pick<SessionContext, 'handlers' | 'leaveRoom' | 'resyncSnapshot'>;

export class WsServer implements RoomFanout, LocalFanout {
  private readonly sockets = new Map<string, uWS.WebSocket<SocketData>>();
  private services!: SessionServices;
  private cluster: ClusterLink | null = null;
  private readonly admission: SocketAdmission;

  /** `gate` is the process's one ConnectionGate, shared with the messenger's /chat. */
  constructor(
    private readonly app: GuardedApp,
    private readonly options: WsServerOptions,
    gate: ConnectionGate,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {
    this.admission = new SocketAdmission(gate, {
      trustProxy: options.trustProxy,
      deadlineSeconds: options.joinDeadlineSeconds,
      timeoutReason: 'join_timeout',
      count: (reason) => this.metrics.rejected.inc({ reason }),
    });
  }

  private sweepTimer: NodeJS.Timeout | null = null;

  get connectionCount(): number {
    return this.sockets.size;
  }

  useCluster(cluster: ClusterLink): void {
    this.cluster = cluster;
  }

  publish(roomId: string, bytes: Uint8Array): void {
    this.publishTopic(roomTopic(roomId), bytes);
  }

  publishTopic(topic: string, bytes: Uint8Array): void {
    this.app.publish(topic, bytes, true);
    this.cluster?.forward(topic, bytes);
  }

  publishLocal(topic: string, bytes: Uint8Array, exceptConnectionId?: string): void {
    const except = exceptConnectionId ? this.sockets.get(exceptConnectionId) : undefined;
    // uWS skips the publishing socket only if it is subscribed itself.
    if (except?.isSubscribed(topic)) except.publish(topic, bytes, true);
    else this.app.publish(topic, bytes, true);
  }

  /** A session for a connection; `routed` sessions may hand their room to its home host. */
  makeSession(id: string, socket: SessionSocket, routed: boolean, local?: SocketData): Session {
    const routeJoin = routed ? (this.cluster?.routeJoin ?? undefined) : undefined;
    return new Session(id, socket, {
      onJoined: () => {
        if (local) this.admission.admitted(local);
      },
      onAbuse: () => {
        if (local) this.admission.abused(local);
      },
      ...this.services,
      metrics: this.metrics,
      log: this.log,
      maxFrameBytes: this.options.maxFrameBytes,
      onLeft: (_s, joined) => {
        socket.unsubscribe(roomTopic(joined.room.id));
        socket.unsubscribe(moderatorTopic(joined.room.id));
      },
      routeJoin,
    });
  }

  attach(path: string, services: SessionServices): void {
    this.services = services;
    this.sweepTimer = setInterval(() => this.sweepSlowClients(), SLOW_CLIENT_SWEEP_MS);
    this.sweepTimer.unref();
    const { maxFrameBytes } = this.options;
    this.app.ws<SocketData>(path, {
      compression: uWS.DISABLED,
      maxPayloadLength: maxFrameBytes * HARD_FRAME_FACTOR,
      maxBackpressure: this.options.maxBackpressureBytes,
      // Over the limit uWS drops what we send; we notice and resynchronise.
      closeOnBackpressureLimit: 0,
      idleTimeout: this.options.idleTimeoutSeconds,
      sendPingsAutomatically: true,
      upgrade: (res, req, context) =>
        this.admission.upgrade(res, req, context, { topics: new Set<string>(), lagging: false }),
      open: (ws) => this.onOpen(ws),
      message: (ws, message, isBinary) => {
        const session = ws.getUserData().session;
        // uWS detaches `message` when this callback returns, and the bytes fields protobufjs
        // decodes are views of it: handlers that await real I/O would read an empty buffer.
        // A rejection reaches the app's guard (guardedApp.ts): logged, counted, this socket closed.
        return session?.onFrame(new Uint8Array(message.slice(0)), isBinary);
      },
      drain: (ws) => {
        const data = ws.getUserData();
        if (data.lagging && ws.getBufferedAmount() < this.options.maxBackpressureBytes / 4) this.catchUp(ws);
      },
      close: (ws, code, message) => {
        const data = ws.getUserData();
        this.admission.closed(data);
        this.sockets.delete(data.id);
        // uWS cuts frames over maxPayloadLength itself and reports it only this way.
        if (code === 1006 && Buffer.from(message).toString() === 'Received too big message') {
          this.metrics.rejected.inc({ reason: 'frame_too_large' });
        }
        data.session?.onClose();
        this.log.debug({ session: data.id, code }, 'connection closed');
      },
    });
  }

  /** Closes every connection with a reason, e.g. at shutdown. */
  closeAll(reason: pb.CloseReason, message: string): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    for (const ws of [...this.sockets.values()]) this.closeWith(ws, reason, message);
  }

  private onOpen(ws: uWS.WebSocket<SocketData>): void {
    const data = ws.getUserData();
    this.sockets.set(data.id, ws);
    // A connection must join a room in time; an idle one only holds a descriptor.
    this.admission.opened(data, () =>
      this.closeWith(ws, pb.CloseReason.CLOSE_REASON_JOIN_TIMEOUT, 'join a room first'),
    );
    const socket: SessionSocket = {
      remoteAddress: data.remoteAddress,
      send: (bytes) => {
        if (data.closed) return;
        if (ws.send(bytes, true) === DROPPED) this.fallBehind(ws);
      },
      close: (reason, message) => this.closeWith(ws, reason, message),
      subscribe: (topic) => {
        if (data.closed) return;
        data.topics.add(topic);
        if (!data.lagging) ws.subscribe(topic);
      },
      unsubscribe: (topic) => {
        if (data.closed) return;
        data.topics.delete(topic);
        ws.unsubscribe(topic);
      },
      publishExceptSelf: (topic, bytes) => {
        if (data.closed) return false;
        // uWS skips the publishing socket only if it is subscribed itself.
        if (!ws.isSubscribed(topic)) return false;
        ws.publish(topic, bytes, true);
        this.cluster?.forward(topic, bytes);
        return true;
      },
    };
    data.session = this.makeSession(data.id, socket, true, data);
  }

  /** Takes a backed-up connection out of fan-out; its memory stays bounded. */
  private fallBehind(ws: uWS.WebSocket<SocketData>): void {
    const data = ws.getUserData();
    if (data.lagging || data.closed) return;
    data.lagging = true;
    for (const topic of data.topics) ws.unsubscribe(topic);
    this.metrics.slowClients.inc();
    this.log.info({ session: data.id, buffered: ws.getBufferedAmount() }, 'client fell behind');
  }

  /** Puts a drained connection back into fan-out and sends it the current state. */
  private catchUp(ws: uWS.WebSocket<SocketData>): void {
    const data = ws.getUserData();
    data.lagging = false;
    for (const topic of data.topics) ws.subscribe(topic);
    data.session?.resync();
    this.metrics.resyncs.inc();
    this.log.info({ session: data.id }, 'client caught up and was resynchronised');
  }

  /** Publishes skip sockets over the limit silently; find them and take them out of fan-out. */
  private sweepSlowClients(): void {
    for (const ws of this.sockets.values()) {
      const data = ws.getUserData();
      if (!data.lagging && !data.closed && ws.getBufferedAmount() > this.options.maxBackpressureBytes) {
        this.fallBehind(ws);
      }
    }
  }

  private closeWith(ws: uWS.WebSocket<SocketData>, reason: pb.CloseReason, message: string): void {
    const data = ws.getUserData();
    if (data.closed) return;
    ws.cork(() => {
      ws.send(encodeEvent({ sessionClosed: { reason, message } }), true);
      ws.end(1000, message.slice(0, 120));
    });
  }
}
