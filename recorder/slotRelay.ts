// One input slot of the program pipeline: a single continuous RTP stream
// (fixed SSRC and payload type, sequence numbers and timestamps without
// jumps) whose content comes from whichever producer is selected. The
// pipeline's jitter buffer and decoder therefore never see a new stream when
// the program switches from one person to another. A video switch waits for
// the new source's keyframe and keeps forwarding the old source until then,
// so the picture never breaks up.
import type { Socket } from 'node:dgram';
import { isVp8KeyframeStart, rewriteRtp, rtpSeq, rtpTimestamp } from '../common/rtpPacket.js';

export interface SlotRelayOptions {
  kind: 'audio' | 'video';
  port: number;
  payloadType: number;
  clockRate: number;
  ssrc: number;
  /** Asks the selected producer for a keyframe (video). */
  requestKeyFrame: (sourceId: string) => void;
  /** Called once a pending source has taken the slot over. */
  onSwitched?: (sourceId: string | null) => void;
}

interface Feeding {
  id: string;
  seqOffset: number;
  tsOffset: number;
  lastInSeq: number;
}

const KEYFRAME_RETRY_MS = 1000;
const MAX_SEQ_STEP = 1000;

export class SlotRelay {
  private current: Feeding | null = null;
  private pending: string | null = null;
  private lastOutSeq = Math.floor(Math.random() * 0xffff);
  private lastOutTs = Math.floor(Math.random() * 0xffffffff);
  private lastOutAt = 0;
  private lastKeyFrameRequest = 0;
  /** Packets forwarded, for tests and metrics. */
  forwarded = 0;

  constructor(
    private readonly socket: Socket,
    private readonly options: SlotRelayOptions,
  ) {}

  /** The producer whose packets the slot carries now. */
  get currentId(): string | null {
    return this.current?.id ?? null;
  }

  get pendingId(): string | null {
    return this.pending;
  }

  /** Selects a producer for the slot (null: none); video switches at its next keyframe. */
  select(id: string | null): void {
    if (id === (this.pending ?? this.current?.id ?? null)) return;
    if (id === null) {
      this.pending = null;
      this.current = null;
      this.options.onSwitched?.(null);
      return;
    }
    if (id === this.current?.id) {
      this.pending = null;
      return;
    }
    this.pending = id;
    if (this.options.kind === 'video') this.askKeyFrame(id, true);
  }

  /** Every RTP packet of a consumed producer goes through here. */
  feed(id: string, packet: Buffer): void {
    if (packet.length < 12) return;
    if (id === this.pending) {
      if (this.options.kind === 'video' && !isVp8KeyframeStart(packet)) {
        this.askKeyFrame(id, false);
        return;
      }
      this.takeOver(id, packet);
    }
    const c = this.current;
    if (!c || c.id !== id) return;
    const inSeq = rtpSeq(packet);
    const step = (inSeq - c.lastInSeq) & 0xffff;
    if (step > 1 && step < MAX_SEQ_STEP && this.options.kind === 'video') {
      // Lost upstream: the decoder needs a fresh keyframe to heal.
      this.askKeyFrame(id, false);
    }
    if (step !== 0 && step < 0x8000) c.lastInSeq = inSeq;
    const seq = (inSeq + c.seqOffset) & 0xffff;
    const ts = (rtpTimestamp(packet) + c.tsOffset) >>> 0;
    rewriteRtp(packet, this.options.payloadType, seq, ts, this.options.ssrc);
    if (step !== 0 && step < 0x8000) {
      this.lastOutSeq = seq;
      this.lastOutTs = ts;
      this.lastOutAt = Date.now();
    }
    this.forwarded++;
    this.socket.send(packet, this.options.port, '127.0.0.1');
  }

  /** The pipeline's decoder lost its reference (a packet dropped after us): ask the source for a keyframe. */
  repair(): void {
    if (this.current && this.options.kind === 'video') this.askKeyFrame(this.current.id, false);
  }

  /** Continues sequence numbers and moves timestamps on by the wall time since the last packet. */
  private takeOver(id: string, packet: Buffer): void {
    const now = Date.now();
    const elapsedTicks = this.lastOutAt
      ? Math.max(1, ((now - this.lastOutAt) * this.options.clockRate) / 1000)
      : 1;
    const outSeq = (this.lastOutSeq + 1) & 0xffff;
    const outTs = (this.lastOutTs + Math.round(elapsedTicks)) >>> 0;
    const inSeq = rtpSeq(packet);
    this.current = {
      id,
      seqOffset: (outSeq - inSeq) & 0xffff,
      tsOffset: (outTs - rtpTimestamp(packet)) >>> 0,
      lastInSeq: (inSeq - 1) & 0xffff,
    };
    this.pending = null;
    this.options.onSwitched?.(id);
  }

  private askKeyFrame(id: string, force: boolean): void {
    const now = Date.now();
    if (!force && now - this.lastKeyFrameRequest < KEYFRAME_RETRY_MS) return;
    this.lastKeyFrameRequest = now;
    this.options.requestKeyFrame(id);
  }
}
