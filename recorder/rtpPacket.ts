// The few RTP header fields the recorder reads and rewrites (RFC 3550), and
// whether a VP8 packet starts a keyframe (RFC 7741).

export function rtpSeq(packet: Buffer): number {
  return packet.readUInt16BE(2);
}

export function rtpTimestamp(packet: Buffer): number {
  return packet.readUInt32BE(4);
}

/** Offset of the payload: after CSRCs and the header extension. */
export function rtpPayloadOffset(packet: Buffer): number {
  const csrcCount = packet[0]! & 0x0f;
  let offset = 12 + 4 * csrcCount;
  if (packet[0]! & 0x10 && packet.length >= offset + 4) {
    offset += 4 + 4 * packet.readUInt16BE(offset + 2);
  }
  return offset;
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
export function isVp8KeyframeStart(packet: Buffer): boolean {
  let i = rtpPayloadOffset(packet);
  if (packet.length <= i) return false;
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
