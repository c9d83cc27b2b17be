// RTP packets (RFC 3550) as the server's media taps handle them: the
// transcriber parses Opus packets (one Opus packet per payload, RFC 7587);
// the recorder rewrites headers into one steady stream per slot and starts
// each at a VP8 keyframe (RFC 7741). One header walk serves both.

export interface RtpPacket {
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  payload: Uint8Array;
}

/**
 * Where the payload starts: after the fixed header, the CSRCs and the header
 * extension. Null when the packet is shorter than its header says.
 */
export function rtpHeaderLength(packet: Uint8Array): number | null {
  if (packet.length < 12) return null;
  let offset = 12 + 4 * (packet[0]! & 0x0f);
  if (packet[0]! & 0x10) {
    if (offset + 4 > packet.length) return null;
    offset += 4 + 4 * ((packet[offset + 2]! << 8) | packet[offset + 3]!);
  }
  return offset <= packet.length ? offset : null;
}

/** The packet's fields, or null for anything that is not RTP version 2 (RTCP included). */
export function parseRtp(buf: Uint8Array): RtpPacket | null {
  if (buf.length < 12 || buf[0]! >> 6 !== 2) return null;
  const payloadType = buf[1]! & 0x7f;
  // RTCP packet types 200-204 show up here as payload types 72-76 (RFC 5761).
  if (payloadType >= 72 && payloadType <= 76) return null;
  const offset = rtpHeaderLength(buf);
  if (offset === null) return null;
  let end = buf.length;
  if (buf[0]! & 0x20) end -= buf[buf.length - 1]!;
  if (offset > end) return null;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  return {
    payloadType,
    sequenceNumber: view.getUint16(2),
    timestamp: view.getUint32(4),
    ssrc: view.getUint32(8),
    payload: buf.subarray(offset, end),
  };
}

export function rtpSeq(packet: Buffer): number {
  return packet.readUInt16BE(2);
}

export function rtpTimestamp(packet: Buffer): number {
  return packet.readUInt32BE(4);
}

/** Rewrites payload type, sequence number, timestamp and SSRC in place; keeps the marker bit. */
export function rewriteRtp(
  packet: Buffer,
  payloadType: number,
  seq: number,
  timestamp: number,
  ssrc: number,
): void {
  packet[1] = (packet[1]! & 0x80) | (payloadType & 0x7f);
  packet.writeUInt16BE(seq & 0xffff, 2);
  packet.writeUInt32BE(timestamp >>> 0, 4);
  packet.writeUInt32BE(ssrc >>> 0, 8);
}

/** True when this VP8 RTP packet is the first packet of a keyframe. */
export function isVp8KeyframeStart(packet: Uint8Array): boolean {
  let i = rtpHeaderLength(packet);
  if (i === null || packet.length <= i) return false;
  const first = packet[i]!;
  const extended = first & 0x80;
  const start = first & 0x10;
  const partition = first & 0x07;
  if (!start || partition !== 0) return false;
  i++;
  if (extended) {
    const x = packet[i++]!;
    if (x & 0x80) {
      // PictureID: 15 bits when its M bit is set, else 7.
      i += packet[i]! & 0x80 ? 2 : 1;
    }
    if (x & 0x40) i++; // TL0PICIDX
    if (x & 0x30) i++; // TID/Y/KEYIDX
  }
  if (packet.length <= i) return false;
  // VP8 payload header: P bit 0 means a key frame.
  return (packet[i]! & 0x01) === 0;
}
