// One signaling connection: decodes frames, enforces order (join first) and a
// request rate, dispatches to RoomService, and answers every request with a
// Response of the same id. Failures become typed errors and are counted.
import type { Forwarder } from './cluster/edgeClients.js';
import { ErrorCode, SignalingError, errorLabel } from './errors.js';
import type { LessonControls } from './lessonControls.js';
import type { Logger } from './log.js';
import type { Metrics } from './metrics.js';
import { schoolcall } from './protocol/generated/protocol.js';
import type { JoinedPeer, PeerChannel, RoomService } from './roomService.js';
import { type RequestType, decodeClientFrame, encodeError, encodeEvent, encodeResponse } from './wire.js';

import pb = schoolcall.v1;

export interface SessionSocket extends PeerChannel {
  readonly remoteAddress: string;
}

export interface SessionContext {
  rooms: RoomService;
  controls: LessonControls;
  metrics: Metrics;
  log: Logger;
  maxFrameBytes: number;
  onLeft(session: Session, joined: JoinedPeer): void;
  /**
   * Multi-host: where a join for this room goes. Null means here (this host
   * is the room's home); otherwise the session forwards everything to home.
   */
  routeJoin?(
    roomId: string,
    token: string,
    session: Session,
    socket: SessionSocket,
  ): Promise<Forwarder | null>;
}

type State = 'connected' | 'joining' | 'joined' | 'forwarded' | 'closed';

// Token bucket: a browser sends a few dozen requests when joining, then few.
const RATE_BURST = 200;
const RATE_PER_SECOND = 50;

export class Session {
  private state: State = 'connected';
  private joined: JoinedPeer | null = null;
  private tokens = RATE_BURST;
  private lastRefill = Date.now();
  private forwarder: Forwarder | null = null;

  constructor(
    readonly id: string,
    private readonly socket: SessionSocket,
    private readonly ctx: SessionContext,
  ) {}

  get peerId(): string | null {
    return this.joined?.peer.id ?? null;
  }

  get isOpen(): boolean {
    return this.state !== 'closed';
  }

  async onFrame(data: Uint8Array, isBinary: boolean): Promise<void> {
    const frame = decodeClientFrame(data, isBinary, this.ctx.maxFrameBytes);
    if (!frame.ok) {
      this.reject(frame.requestId, frame.error);
      return;
    }
    if (!this.takeToken()) {
      this.reject(
        frame.requestId,
        new SignalingError(ErrorCode.ERROR_CODE_RATE_LIMITED, 'too many requests'),
      );
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
      // The socket's buffer is only valid until we yield, hence the copy.
      if (await this.routeToHome(requestId, message.join ?? {}, data.slice())) return;
    }
    const stop = this.ctx.metrics.requestDuration.startTimer({ type });
    try {
      const result = await this.dispatch(type, message);
      if (this.state !== 'closed') this.socket.send(encodeResponse({ requestId, ...result }));
    } catch (err) {
      if (err instanceof SignalingError) {
        this.reject(requestId, err);
      } else {
        this.ctx.log.error({ session: this.id, type, err: String(err) }, 'request failed');
        this.reject(requestId, new SignalingError(ErrorCode.ERROR_CODE_INTERNAL, 'internal error'));
      }
    } finally {
      stop();
    }
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
      const forwarder = await this.ctx.routeJoin!(roomId, join.token ?? '', this, this.socket);
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
      this.ctx.log.debug({ session: this.id, room: roomId, home: forwarder.home }, 'forwarding to home host');
      forwarder.frame(frame);
      return true;
    } catch (err) {
      if (this.state === 'joining') this.state = 'connected';
      this.ctx.log.error({ session: this.id, room: roomId, err: String(err) }, 'cannot find the home host');
      this.reject(
        requestId,
        new SignalingError(ErrorCode.ERROR_CODE_INTERNAL, 'cannot reach the lesson right now'),
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
    this.socket.send(encodeEvent({ resync: this.ctx.rooms.resyncSnapshot(joined) }));
  }

  /** Called when the socket has closed, for whatever reason. */
  onClose(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.forwarder?.gone();
    this.forwarder = null;
    if (this.joined) {
      this.ctx.rooms.leave(this.joined);
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

  private takeToken(): boolean {
    const now = Date.now();
    this.tokens = Math.min(RATE_BURST, this.tokens + ((now - this.lastRefill) / 1000) * RATE_PER_SECOND);
    this.lastRefill = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** The joined peer, admitted into the room (not waiting). */
  private requireJoined(): JoinedPeer {
    const joined = this.joined;
    if (!joined || this.state !== 'joined') {
      throw new SignalingError(ErrorCode.ERROR_CODE_NOT_JOINED, 'join a room first');
    }
    if (!joined.room.isPresent(joined.peer)) {
      if (joined.room.waiting.get(joined.peer.id) === joined.peer) {
        throw new SignalingError(ErrorCode.ERROR_CODE_WAITING, 'waiting for the teacher to let you in');
      }
      throw new SignalingError(ErrorCode.ERROR_CODE_NOT_JOINED, 'no longer in the room');
    }
    return joined;
  }

  private async dispatch(type: RequestType, m: pb.ClientMessage): Promise<pb.IResponse> {
    const { rooms, controls } = this.ctx;
    const ok = { ok: {} };
    switch (type) {
      case 'join': {
        if (this.state !== 'connected') {
          throw new SignalingError(ErrorCode.ERROR_CODE_ALREADY_JOINED, 'already joined or joining');
        }
        this.state = 'joining';
        try {
          const { joined, response } = await rooms.join(m.join!, this.socket, () => this.state !== 'closed');
          this.joined = joined;
          this.state = 'joined';
          return { join: response };
        } catch (err) {
          if (this.state === 'joining') this.state = 'connected';
          throw err;
        }
      }
      case 'getRouterRtpCapabilities':
        return { routerRtpCapabilities: rooms.routerRtpCapabilities(this.requireJoined()) };
      case 'createWebrtcTransport':
        return {
          webrtcTransport: await rooms.createWebRtcTransport(this.requireJoined(), m.createWebrtcTransport!),
        };
      case 'connectWebrtcTransport':
        await rooms.connectWebRtcTransport(this.requireJoined(), m.connectWebrtcTransport!);
        return ok;
      case 'restartIce':
        return { iceParameters: await rooms.restartIce(this.requireJoined(), m.restartIce!) };
      case 'produce':
        return { produce: await rooms.produce(this.requireJoined(), m.produce!) };
      case 'closeProducer':
        rooms.closeProducer(this.requireJoined(), m.closeProducer!);
        return ok;
      case 'setProducerPaused':
        await rooms.setProducerPaused(this.requireJoined(), m.setProducerPaused!);
        return ok;
      case 'consume':
        return { consume: await rooms.consume(this.requireJoined(), m.consume!) };
      case 'setConsumerPaused':
        await rooms.setConsumerPaused(this.requireJoined(), m.setConsumerPaused!);
        return ok;
      case 'updateRoomSettings':
        controls.updateSettings(this.requireJoined(), m.updateRoomSettings!);
        return ok;
      case 'admit':
        await controls.admit(this.requireJoined(), m.admit!);
        return ok;
      case 'deny':
        controls.deny(this.requireJoined(), m.deny!);
        return ok;
      case 'setRole':
        controls.setRole(this.requireJoined(), m.setRole!);
        return ok;
      case 'raiseHand':
        controls.raiseHand(this.requireJoined(), m.raiseHand!);
        return ok;
      case 'lowerHands':
        controls.lowerHands(this.requireJoined(), m.lowerHands!);
        return ok;
      case 'sendReaction':
        controls.sendReaction(this.requireJoined(), m.sendReaction!);
        return ok;
      case 'attractAttention':
        controls.attractAttention(this.requireJoined(), m.attractAttention!);
        return ok;
      case 'mute':
        await controls.mute(this.requireJoined(), m.mute!);
        return ok;
      case 'askToSpeak':
        controls.askToSpeak(this.requireJoined(), m.askToSpeak!);
        return ok;
      case 'allowToSpeak':
        controls.allowToSpeak(this.requireJoined(), m.allowToSpeak!);
        return ok;
      case 'removeParticipant':
        controls.removeParticipant(this.requireJoined(), m.removeParticipant!);
        return ok;
      case 'endCall':
        controls.endCall(this.requireJoined());
        return ok;
      case 'listParticipants':
        return { participantPage: controls.listParticipants(this.requireJoined(), m.listParticipants!) };
      case 'createBreakouts':
        controls.createBreakouts(this.requireJoined(), m.createBreakouts!);
        return ok;
      case 'assignBreakouts':
        await controls.assignBreakouts(this.requireJoined(), m.assignBreakouts!);
        return ok;
      case 'openBreakouts':
        await controls.openBreakouts(this.requireJoined(), m.openBreakouts!);
        return ok;
      case 'closeBreakouts':
        await controls.closeBreakouts(this.requireJoined());
        return ok;
      case 'broadcastToBreakouts':
        controls.broadcastToBreakouts(this.requireJoined(), m.broadcastToBreakouts!);
        return ok;
      case 'moveTo':
        await controls.moveTo(this.requireJoined(), m.moveTo!);
        return ok;
      case 'refreshSession':
        return { session: await controls.refreshSession(this.requireJoined()) };
      case 'leave': {
        // Allowed while waiting too.
        if (!this.joined || this.state !== 'joined') {
          throw new SignalingError(ErrorCode.ERROR_CODE_NOT_JOINED, 'join a room first');
        }
        const joined = this.joined;
        rooms.leave(joined);
        this.ctx.onLeft(this, joined);
        this.joined = null;
        this.state = 'connected';
        return ok;
      }
      default: {
        const unknown: never = type;
        throw new SignalingError(ErrorCode.ERROR_CODE_UNKNOWN_MESSAGE, `unknown request ${String(unknown)}`);
      }
    }
  }
}
