// The one RTP helper of the server's media taps (common/rtpPacket.ts): the
// transcriber's parsing and the recorder's keyframe detection walk the same
// header, so both find the payload behind CSRCs and a header extension.
import { describe, expect, it } from 'vitest';
import { isVp8KeyframeStart, parseRtp, rewriteRtp, rtpHeaderLength } from '../../common/rtpPacket.js';

describe('RTP parsing', () => {
  it('finds the payload after CSRCs, a header extension and padding, and skips RTCP', () => {
    const packet = Buffer.from([
      0xb1, 0x64, 0x00, 0x07, 0, 0, 0x03, 0xc0, 0, 0, 0x04, 0x57, 0, 0, 0, 9, 0xbe, 0xde, 0, 1, 0x10, 0x85, 0,
      0, 0xaa, 0xbb, 0, 2,
    ]);
    expect(parseRtp(packet)).toMatchObject({
      payloadType: 100,
      sequenceNumber: 7,
      timestamp: 960,
      ssrc: 1111,
    });
    expect([...parseRtp(packet)!.payload]).toEqual([0xaa, 0xbb]);
    expect(parseRtp(Buffer.from([0x80, 0xc8, 0, 6, 0, 0, 0, 1, 0, 0, 0, 0]))).toBeNull();
    expect(parseRtp(Buffer.from([0x80, 0x64]))).toBeNull();
  });
});

describe('VP8 keyframes and header rewriting', () => {
  // Version 2 with a one-word header extension, payload type 96.
  const header = [0x90, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0xbe, 0xde, 0, 1, 0x10, 0x85, 0, 0];
  // VP8 descriptor: X and S set, partition 0; I with a 15-bit PictureID; then the payload header.
  const keyframe = Buffer.from([...header, 0x90, 0x80, 0x81, 0x23, 0x00]);
  const interframe = Buffer.from([...header, 0x90, 0x80, 0x81, 0x23, 0x01]);
  const continuation = Buffer.from([...header, 0x80, 0x80, 0x81, 0x23, 0x00]);

  it('finds the payload header behind the extension and the extended descriptor', () => {
    expect(rtpHeaderLength(keyframe)).toBe(20);
    expect(isVp8KeyframeStart(keyframe)).toBe(true);
    expect(isVp8KeyframeStart(interframe)).toBe(false);
    expect(isVp8KeyframeStart(continuation)).toBe(false);
  });

  it('reads no keyframe out of a packet shorter than its header says', () => {
    const cut = Buffer.from(header.slice(0, 14));
    expect(rtpHeaderLength(cut)).toBeNull();
    expect(isVp8KeyframeStart(cut)).toBe(false);
  });

  it('rewrites payload type, sequence number, timestamp and SSRC and keeps the marker bit', () => {
    const packet = Buffer.from(keyframe);
    packet[1] = 0x80 | 0x60;
    rewriteRtp(packet, 101, 0x1_0005, 2 ** 32 + 7, 0xdeadbeef);
    expect(parseRtp(packet)).toMatchObject({
      payloadType: 101,
      sequenceNumber: 5,
      timestamp: 7,
      ssrc: 0xdeadbeef,
    });
    expect(packet[1]! & 0x80).toBe(0x80);
  });
});
