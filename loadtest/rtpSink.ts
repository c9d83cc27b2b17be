// A UDP socket that counts RTP packets per SSRC and tracks sequence numbers,
// so loss is measured at the receiver. It never decrypts: SRTP leaves the RTP
// header in the clear, which is all counting needs.
import { type Socket, createSocket } from 'node:dgram';

/**
 * mediasoup's bandwidth probes: padding-only RTP on this SSRC, sent when a
 * consumer announces REMB or transport-cc; not forwarded media, not counted.
 */
const PROBATION_SSRC = 1234;

interface StreamCount {
  packets: number;
  firstSeq: number;
  lastExtSeq: number;
  /** Packets that came after one with a higher sequence number. */
  reordered: number;
}

export class RtpSink {
  readonly socket: Socket;
  private readonly streams = new Map<number, StreamCount>();
  private counting = false;
  private bytes = 0;
  private total = 0;

  constructor() {
    // A large buffer rides out the load generator's own stalls on a busy
    // machine (the kernel caps it at net.core.rmem_max).
    this.socket = createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
    this.socket.on('message', (msg) => this.onPacket(msg));
  }

  async bind(): Promise<number> {
    await new Promise<void>((resolve) => this.socket.bind(0, '127.0.0.1', resolve));
    return this.socket.address().port;
  }

  /** Starts a fresh measurement window. */
  start(): void {
    this.streams.clear();
    this.bytes = 0;
    this.counting = true;
  }

  /** Packets received and expected (by sequence numbers), and UDP payload bytes, since start(). */
  stop(): { received: number; expected: number; bytes: number; reordered: number } {
    this.counting = false;
    let received = 0;
    let expected = 0;
    let reordered = 0;
    for (const s of this.streams.values()) {
      received += s.packets;
      expected += s.lastExtSeq - s.firstSeq + 1;
      reordered += s.reordered;
    }
    return { received, expected, bytes: this.bytes, reordered };
  }

  /** Packets received since the socket opened, counting or not. */
  peek(): number {
    return this.total;
  }

  close(): void {
    this.socket.close();
  }

  private onPacket(msg: Buffer): void {
    if (msg.length < 12 || msg[0]! >> 6 !== 2) return;
    const payloadType = msg[1]! & 0x7f;
    // RTCP (multiplexed) uses packet types 200-206, i.e. 72-78 here.
    if (payloadType >= 72 && payloadType <= 78) return;
    const ssrc = msg.readUInt32BE(8);
    if (ssrc === PROBATION_SSRC) return;
    this.total++;
    if (!this.counting) return;
    this.bytes += msg.length;
    const seq = msg.readUInt16BE(2);
    const s = this.streams.get(ssrc);
    if (!s) {
      this.streams.set(ssrc, { packets: 1, firstSeq: seq, lastExtSeq: seq, reordered: 0 });
      return;
    }
    s.packets++;
    // Extend the 16-bit sequence number across wrap-arounds.
    const base = s.lastExtSeq & ~0xffff;
    let ext = base | seq;
    if (ext < s.lastExtSeq - 0x8000) ext += 0x10000;
    else if (ext > s.lastExtSeq + 0x8000) ext -= 0x10000;
    if (ext > s.lastExtSeq) s.lastExtSeq = ext;
    else s.reordered++;
  }
}
