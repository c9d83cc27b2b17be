import type { Logger } from '../../common/log.js';
// One signaling connection: decodes frames, enforces order (join first) and a
// request rate, answers each request from the handler table with a Response
// of the same id, and turns every failure into a typed error that is counted.
import { schoolcall } from '../../common/protocol/generated/protocol.js';
import type { JoinedPeer } from '../domain/room.js';
import { ErrorCode, SignalingError, errorLabel, toSignalingError } from '../errors.js';
import type { Metrics } from '../metrics.js';
import {
  type HandlerTable,
  type RequestContext,
  type SessionLifecycle,
  dispatch,
} from '../requests/handlerTable.js';
import { decodeClientFrame, encodeError, encodeEvent, encodeResponse } from '../wire/frames.js';
import type { Forwarder, JoinRouter, SessionSocket } from './connection.js';
import { FloodGuard } from './floodGuard.js';

import pb = schoolcall.v1;

export interface SessionContext {
  handlers: HandlerTable;
  /** Takes a joined peer out of its room (on leave, or when the connection closes). */
  leaveRoom(joined: JoinedPeer): void;
  /** What a client that fell behind needs to catch up. */
  resyncSnapshot(joined: JoinedPeer): pb.IResync;
  metrics: Metrics;
  log: Logger;
  maxFrameBytes: number;
  onLeft(session: Session, joined: JoinedPeer): void;
  /** The connection joined a room (or was handed to its home host). */
  onJoined?(session: Session): void;
  /** The connection was closed for flooding or garbage. */
  onAbuse?(session: Session): void;
  /** Multi-host: where a join for this room goes; absent when every room runs here. */
  routeJoin?: JoinRouter;
}

type State = 'connected' | 'joining' | 'joined' | 'forwarded' | 'closed';

export class Session implements SessionLifecycle {
  private state: State = 'connected';
  private joined: JoinedPeer | null = null;
  private readonly flood = new FloodGuard();
  /** Closed for abuse; frames still in flight are ignored. */
  private cutOff = false;
  private forwarder: Forwarder | null = null;
  private readonly requestContext: RequestContext = {
    present: () => this.requirePresent(),
    session: this,
  };

  constructor(
    readonly id: string,
    private readonly socket: SessionSocket,
    private readonly ctx: SessionContext,
  ) {}

  get channel(): SessionSocket {
    return this.socket;
  }

  get peerId(): string | null {
    return this.joined?.peer.id ?? null;
  }

  get isOpen(): boolean {
    return this.state !== 'closed';
  }

  /** In a room (here or forwarded to its home), or on the way into one. */
  get isInRoom(): boolean {
    return this.state === 'joined' || this.state === 'forwarded' || this.state === 'joining';
  }

  async onFrame(data: Uint8Array, isBinary: boolean): Promise<void> {
    if (this.cutOff || !this.isOpen) return;
    // Every frame pays, valid or not, before it is decoded.
    const verdict = this.flood.frame();
    if (verdict === 'close') {
      this.cutOffFor(pb.CloseReason.CLOSE_REASON_FLOODING, 'too many requests', 'flooding');
      return;
    }
    const frame = decodeClientFrame(data, isBinary, this.ctx.maxFrameBytes);
    if (verdict === 'refuse') {
      this.reject(
        frame.requestId,
        new SignalingError(ErrorCode.ERROR_CODE_RATE_LIMITED, 'too many requests'),
      );
      return;
    }
    if (!frame.ok) {
      if (this.flood.malformed()) {
        this.cutOffFor(pb.CloseReason.CLOSE_REASON_PROTOCOL_ERROR, 'too many malformed frames', 'malformed');
        return;
      }
      this.reject(frame.requestId, frame.error);
      return;
    }
    const { requestId, type, message } = frame;
    this.ctx.metrics.requests.inc({ type });
    // Checked here at the edge; the room's home host checks again and answers.
    if (this.forwarder) {
      this.forwarder.frame(data);
      return;
    }
    if (type === 'join' && this.state === 'connected' && this.ctx.routeJoin) {
      if (await this.routeToHome(requestId, message.join ?? {}, data)) return;
    }
    const stop = this.ctx.metrics.requestDuration.startTimer({ type });
    try {
      const result = await dispatch(this.ctx.handlers, type, message, this.requestContext);
      if (this.state !== 'closed') this.socket.send(encodeResponse({ requestId, ...(result ?? { ok: {} }) }));
    } catch (err) {
      const typed = toSignalingError(err);
      if (!typed) this.ctx.log.error({ session: this.id, type, err }, 'request failed');
      this.reject(requestId, typed ?? new SignalingError(ErrorCode.ERROR_CODE_INTERNAL, 'internal error'));
    } finally {
      stop();
    }
  }

  // ---- SessionLifecycle: the join and leave requests ---------------------------

  async join(
    run: (isOpen: () => boolean) => Promise<{ joined: JoinedPeer; response: pb.IJoinResponse }>,
  ): Promise<pb.IJoinResponse> {
    if (this.state !== 'connected') {
      throw new SignalingError(ErrorCode.ERROR_CODE_ALREADY_JOINED, 'already joined or joining');
    }
    this.state = 'joining';
    try {
      const { joined, response } = await run(() => this.state !== 'closed');
      this.joined = joined;
      this.state = 'joined';
      this.ctx.onJoined?.(this);
      return response;
    } catch (err) {
      if (this.state === 'joining') this.state = 'connected';
      throw err;
    }
  }

  leave(): void {
    // Allowed while waiting too.
    const joined = this.joined;
    if (!joined || this.state !== 'joined') {
      throw new SignalingError(ErrorCode.ERROR_CODE_NOT_JOINED, 'join a room first');
    }
    this.ctx.leaveRoom(joined);
    this.ctx.onLeft(this, joined);
    this.joined = null;
    this.state = 'connected';
  }

  /**
   * Decides where this connection's room runs. If that is another host, sends
   * it the join frame and everything after; true if the join was dealt with
   * (forwarded, or refused because the home cannot be found).
   */
  private async routeToHome(requestId: number, join: pb.IJoinRequest, frame: Uint8Array): Promise<boolean> {
    const roomId = join.roomId ?? '';
    this.state = 'joining';
    try {
      const forwarder = await this.ctx.routeJoin!(roomId, join.token ?? '', this.id, this.socket);
      if (this.state !== 'joining') {
        forwarder?.gone();
        return true;
      }
      if (!forwarder) {
        this.state = 'connected';
        return false;
      }
      this.forwarder = forwarder;
      this.state = 'forwarded';
      this.ctx.onJoined?.(this);
      this.ctx.log.debug({ session: this.id, room: roomId, home: forwarder.home }, 'forwarding to home host');
      forwarder.frame(frame);
      return true;
    } catch (err) {
      if (this.state === 'joining') this.state = 'connected';
      const typed = toSignalingError(err);
      if (typed) this.ctx.log.warn({ session: this.id, room: roomId, err }, 'cannot find the home host');
      else this.ctx.log.error({ session: this.id, room: roomId, err }, 'cannot find the home host');
      this.reject(
        requestId,
        typed ?? new SignalingError(ErrorCode.ERROR_CODE_INTERNAL, 'cannot reach the lesson right now'),
      );
      return true;
    }
  }

  /** The connection fell behind and has caught up: send the current state. */
  resync(): void {
    if (this.forwarder) {
      this.forwarder.resync();
      return;
    }
    const joined = this.joined;
    if (this.state !== 'joined' || !joined || !joined.room.isPresent(joined.peer)) return;
    this.socket.send(encodeEvent({ resync: this.ctx.resyncSnapshot(joined) }));
  }

  /** Called when the socket has closed, for whatever reason. */
  onClose(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.forwarder?.gone();
    this.forwarder = null;
    if (this.joined) {
      this.ctx.leaveRoom(this.joined);
      this.ctx.onLeft(this, this.joined);
      this.joined = null;
    }
  }

  private reject(requestId: number, error: SignalingError): void {
    this.ctx.metrics.rejected.inc({ reason: errorLabel(error.code) });
    this.ctx.log.debug(
      { session: this.id, requestId, code: errorLabel(error.code), msg: error.message },
      'rejected',
    );
    if (this.state !== 'closed') this.socket.send(encodeError(requestId, error));
  }

  /** Closes an abusive connection once; frames already on their way are ignored. */
  private cutOffFor(reason: pb.CloseReason, message: string, label: string): void {
    this.cutOff = true;
    this.ctx.metrics.rejected.inc({ reason: `closed_${label}` });
    this.ctx.log.info(
      { session: this.id, address: this.socket.remoteAddress, reason: label },
      'connection cut off',
    );
    this.ctx.onAbuse?.(this);
    this.socket.close(reason, message);
  }

  /** The joined peer, admitted into the room (not waiting). */
  private requirePresent(): JoinedPeer {
    const joined = this.joined;
    if (!joined || this.state !== 'joined') {
      throw new SignalingError(ErrorCode.ERROR_CODE_NOT_JOINED, 'join a room first');
    }
    if (!joined.room.isPresent(joined.peer)) {
      if (joined.room.isWaiting(joined.peer)) {
        throw new SignalingError(ErrorCode.ERROR_CODE_WAITING, 'waiting for the teacher to let you in');
      }
      throw new SignalingError(ErrorCode.ERROR_CODE_NOT_JOINED, 'no longer in the room');
    }
    return joined;
  }
}
