// The messenger's WebSocket endpoint (/chat) on uWebSockets.js, with the
// call's defences (signaling/transport): the process's one ConnectionGate at
// the upgrade (Origin, not-yet-authenticated connections per address, the
// global cap), a deadline to authenticate, and the FloodGuard in each
// session. A client that falls too far behind is disconnected rather than
// silently skipped: it reconnects with its cursors and loses nothing.
// One person holds at most `socketsPerPerson` connections on this host (one
// token opened 3000 and took every slot the teachers needed): a further one
// closes that person's oldest, so the person themself is never locked out.
import uWS from 'uWebSockets.js';
import type { Logger } from '../common/log.js';
import type { GuardedApp } from '../signaling/http/guardedApp.js';
import type { ConnectionGate } from '../signaling/transport/connectionGate.js';
import { type AdmissionData, SocketAdmission } from '../signaling/transport/socketAdmission.js';
import { ChatSession, type ChatSessionContext } from './chatSession.js';
import type { ChatSocket } from './feed.js';
import type { ChatMetrics } from './metrics.js';
import { encodeChatEvent } from './wire.js';

export const CHAT_PATH = '/chat';

interface SocketData extends AdmissionData {
  session?: ChatSession;
  /** Whose connection it is, once authenticated. */
  person?: string;
}

export interface ChatEndpointOptions {
  maxFrameBytes: number;
  maxBackpressureBytes: number;
  idleTimeoutSeconds: number;
  trustProxy: boolean;
  /** A connection that has not authenticated by then is closed. */
  authDeadlineSeconds: number;
  /** Connections one person holds on this host; a further one closes their oldest. */
  socketsPerPerson: number;
}

/** Frames this many times over the limit are cut off by uWS itself. */
const HARD_FRAME_FACTOR = 4;

export class ChatEndpoint {
  private readonly sockets = new Set<uWS.WebSocket<SocketData>>();
  /** Each person's authenticated connections on this host, oldest first. */
  private readonly byPerson = new Map<string, uWS.WebSocket<SocketData>[]>();
  private readonly admission: SocketAdmission;

  /** `gate` is the process's one ConnectionGate, shared with the call's /ws. */
  constructor(
    private readonly app: GuardedApp,
    private readonly options: ChatEndpointOptions,
    gate: ConnectionGate,
    private readonly context: ChatSessionContext,
    private readonly metrics: ChatMetrics,
    private readonly log: Logger,
  ) {
    this.admission = new SocketAdmission(gate, {
      trustProxy: options.trustProxy,
      deadlineSeconds: options.authDeadlineSeconds,
      timeoutReason: 'auth_timeout',
      count: (reason) => this.metrics.rejected.inc({ reason }),
    });
  }

  get connectionCount(): number {
    return this.sockets.size;
  }

  attach(): void {
    this.app.ws<SocketData>(CHAT_PATH, {
      compression: uWS.DISABLED,
      maxPayloadLength: this.options.maxFrameBytes * HARD_FRAME_FACTOR,
      maxBackpressure: this.options.maxBackpressureBytes,
      closeOnBackpressureLimit: 1,
      idleTimeout: this.options.idleTimeoutSeconds,
      sendPingsAutomatically: true,
      upgrade: (res, req, context) => this.admission.upgrade(res, req, context, {}),
      open: (ws) => {
        const data = ws.getUserData();
        this.sockets.add(ws);
        this.admission.opened(data, () => this.closeWith(ws, 'authenticate first'));
        const socket: ChatSocket = {
          id: data.id,
          get closed() {
            return data.closed;
          },
          send: (bytes) => {
            if (!data.closed) ws.send(bytes, true);
          },
          subscribe: (topic) => {
            if (!data.closed) ws.subscribe(topic);
          },
          unsubscribe: (topic) => {
            if (!data.closed) ws.unsubscribe(topic);
          },
          close: (reason) => this.closeWith(ws, reason),
        };
        data.session = new ChatSession(socket, this.context, {
          authenticated: (userId) => {
            this.admission.admitted(data);
            this.holdFor(userId, ws);
          },
          abused: () => this.admission.abused(data),
        });
      },
      message: (ws, message, isBinary) => {
        // uWS detaches `message` when this callback returns; decoded bytes fields would be views of it.
        return ws.getUserData().session?.onFrame(new Uint8Array(message.slice(0)), isBinary);
      },
      close: (ws, code, message) => {
        const data = ws.getUserData();
        this.admission.closed(data);
        this.sockets.delete(ws);
        this.release(ws);
        if (code === 1006 && Buffer.from(message).toString() === 'Received too big message') {
          this.metrics.rejected.inc({ reason: 'frame_too_large' });
        }
        data.session?.onClose();
      },
    });
  }

  closeAll(reason: string): void {
    for (const ws of [...this.sockets]) this.closeWith(ws, reason);
  }

  /** Closes the connections whose signed-in person (and session) match. */
  closeWhere(match: (who: { userId: string; sessionId?: string }) => boolean, reason: string): void {
    for (const ws of [...this.sockets]) {
      const who = ws.getUserData().session?.who;
      if (who && match(who)) this.closeWith(ws, reason);
    }
  }

  private holdFor(userId: string, ws: uWS.WebSocket<SocketData>): void {
    const data = ws.getUserData();
    data.person = userId;
    const held = this.byPerson.get(userId) ?? [];
    this.byPerson.set(userId, held);
    held.push(ws);
    while (held.length > this.options.socketsPerPerson) {
      const oldest = held.shift()!;
      this.metrics.rejected.inc({ reason: 'sockets_per_person' });
      this.closeWith(oldest, 'too many connections of this person: the oldest is closed');
    }
  }

  private release(ws: uWS.WebSocket<SocketData>): void {
    const userId = ws.getUserData().person;
    if (!userId) return;
    const held = this.byPerson.get(userId);
    if (!held) return;
    const i = held.indexOf(ws);
    if (i >= 0) held.splice(i, 1);
    if (held.length === 0) this.byPerson.delete(userId);
  }

  private closeWith(ws: uWS.WebSocket<SocketData>, reason: string): void {
    const data = ws.getUserData();
    if (data.closed) return;
    this.log.debug({ socket: data.id, reason }, 'closing a chat connection');
    ws.cork(() => {
      ws.send(encodeChatEvent({ closed: { reason } }), true);
      ws.end(1000, reason.slice(0, 120));
    });
  }
}
