// The fields of an RTP packet (RFC 3550) the transcriber needs; the payload
// of an Opus RTP packet is one Opus packet (RFC 7587).

export interface RtpPacket {
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  payload: Uint8Array;
}

/** The packet's fields, or null for anything that is not RTP version 2 (RTCP included). */
export function parseRtp(buf: Uint8Array): RtpPacket | null {
  if (buf.length < 12 || buf[0]! >> 6 !== 2) return null;
  const payloadType = buf[1]! & 0x7f;
  // RTCP packet types 200-204 show up here as payload types 72-76 (RFC 5761).
  if (payloadType >= 72 && payloadType <= 76) return null;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let offset = 12 + (buf[0]! & 0x0f) * 4;
  if (buf[0]! & 0x10) {
    if (offset + 4 > buf.length) return null;
    offset += 4 + view.getUint16(offset + 2) * 4;
  }
  let end = buf.length;
  if (buf[0]! & 0x20) end -= buf[buf.length - 1]!;
  if (offset > end) return null;
  return {
    payloadType,
    sequenceNumber: view.getUint16(2),
    timestamp: view.getUint32(4),
    ssrc: view.getUint32(8),
    payload: buf.subarray(offset, end),
  };
}
