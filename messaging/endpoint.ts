// The messenger's WebSocket endpoint (/chat) on uWebSockets.js. A client
// that falls too far behind is disconnected rather than silently skipped: it
// reconnects with its cursors and loses nothing.
import { randomUUID } from 'node:crypto';
import uWS from 'uWebSockets.js';
import type { Logger } from '../common/log.js';
import type { GuardedApp } from '../signaling/http/guardedApp.js';
import { ChatSession, type ChatSessionContext } from './chatSession.js';
import type { ChatSocket } from './feed.js';
import type { ChatMetrics } from './metrics.js';
import { encodeChatEvent } from './wire.js';

export const CHAT_PATH = '/chat';

interface SocketData {
  id: string;
  closed: boolean;
  session?: ChatSession;
}

export interface ChatEndpointOptions {
  maxFrameBytes: number;
  maxBackpressureBytes: number;
  idleTimeoutSeconds: number;
}

/** Frames this many times over the limit are cut off by uWS itself. */
const HARD_FRAME_FACTOR = 4;

export class ChatEndpoint {
  private readonly sockets = new Set<uWS.WebSocket<SocketData>>();

  constructor(
    private readonly app: GuardedApp,
    private readonly options: ChatEndpointOptions,
    private readonly context: ChatSessionContext,
    private readonly metrics: ChatMetrics,
    private readonly log: Logger,
  ) {}

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
      upgrade: (res, req, context) => {
        res.upgrade<SocketData>(
          { id: randomUUID(), closed: false },
          req.getHeader('sec-websocket-key'),
          req.getHeader('sec-websocket-protocol'),
          req.getHeader('sec-websocket-extensions'),
          context,
        );
      },
      open: (ws) => {
        const data = ws.getUserData();
        this.sockets.add(ws);
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
        data.session = new ChatSession(socket, this.context);
      },
      message: (ws, message, isBinary) => {
        // uWS detaches `message` when this callback returns; decoded bytes fields would be views of it.
        return ws.getUserData().session?.onFrame(new Uint8Array(message.slice(0)), isBinary);
      },
      close: (ws, code, message) => {
        const data = ws.getUserData();
        data.closed = true;
        this.sockets.delete(ws);
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
