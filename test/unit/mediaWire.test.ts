import { describe, expect, it } from 'vitest';
import { schoolcall } from '../../common/protocol/generated/protocol.js';
import {
  type RtpCapabilities,
  type RtpParameters,
  dtlsParametersFromWire,
  rtpCapabilitiesFromWire,
  rtpCapabilitiesToWire,
  rtpParametersFromWire,
  rtpParametersToWire,
} from '../../common/protocol/mediaWire.js';

import pb = schoolcall.v1;

const caps: RtpCapabilities = {
  codecs: [
    {
      kind: 'audio',
      mimeType: 'audio/opus',
      preferredPayloadType: 100,
      clockRate: 48000,
      channels: 2,
      parameters: {},
      rtcpFeedback: [{ type: 'nack' }, { type: 'transport-cc' }],
    },
    {
      kind: 'video',
      mimeType: 'video/H264',
      preferredPayloadType: 102,
      clockRate: 90000,
      parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 },
      rtcpFeedback: [
        { type: 'nack', parameter: 'pli' },
        { type: 'ccm', parameter: 'fir' },
      ],
    },
    {
      kind: 'video',
      mimeType: 'video/rtx',
      preferredPayloadType: 103,
      clockRate: 90000,
      parameters: { apt: 102 },
      rtcpFeedback: [],
    },
  ],
  headerExtensions: [
    {
      kind: 'audio',
      uri: 'urn:ietf:params:rtp-hdrext:sdes:mid',
      preferredId: 1,
      preferredEncrypt: false,
      direction: 'sendrecv',
    },
  ],
};

const params: RtpParameters = {
  mid: '1',
  codecs: [
    {
      mimeType: 'video/VP8',
      payloadType: 96,
      clockRate: 90000,
      parameters: { 'x-google-start-bitrate': 1000 },
      rtcpFeedback: [{ type: 'goog-remb', parameter: '' }],
    },
  ],
  headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 1, encrypt: false, parameters: {} }],
  encodings: [
    { ssrc: 4294967295, rtx: { ssrc: 12 }, scaleResolutionDownBy: 4, maxBitrate: 150000 },
    { rid: 'r1', scalabilityMode: 'L1T3', dtx: false, priority: 'high' },
  ],
  rtcp: { cname: 'abc', reducedSize: true },
};

/** What the other side sees: encode to bytes, decode, convert back. */
function overTheWire<T>(
  toWire: () => unknown,
  type: { encode(m: never): { finish(): Uint8Array }; decode(b: Uint8Array): unknown },
  fromWire: (w: never) => T,
): T {
  const bytes = type.encode(toWire() as never).finish();
  return fromWire(type.decode(bytes) as never);
}

describe('media descriptions on the wire', () => {
  it('keeps RTP capabilities, including number and string codec parameters', () => {
    const back = overTheWire(() => rtpCapabilitiesToWire(caps), pb.RtpCapabilities, rtpCapabilitiesFromWire);
    expect(back).toEqual(caps);
    expect(typeof back.codecs?.[1]?.parameters?.['packetization-mode']).toBe('number');
    expect(typeof back.codecs?.[1]?.parameters?.['profile-level-id']).toBe('string');
  });

  it('keeps RTP parameters, including simulcast encodings and a 32-bit SSRC', () => {
    const back = overTheWire(() => rtpParametersToWire(params), pb.RtpParameters, rtpParametersFromWire);
    expect(back).toEqual(params);
  });

  it('refuses RTP parameters without codecs, or with too many encodings', () => {
    expect(() => rtpParametersFromWire({ codecs: [] })).toThrow(/codecs is empty/);
    expect(() =>
      rtpParametersFromWire({
        codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000 }],
        encodings: Array(9).fill({}),
      }),
    ).toThrow(/encodings has more than 8/);
  });

  it('refuses an unknown media kind, direction or priority', () => {
    expect(() =>
      rtpCapabilitiesFromWire({ codecs: [{ kind: 'smell', mimeType: 'x/y', clockRate: 1 }] }),
    ).toThrow(/kind/);
    expect(() =>
      rtpCapabilitiesFromWire({
        headerExtensions: [{ kind: 'audio', uri: 'u', preferredId: 1, direction: 'up' }],
      }),
    ).toThrow(/direction/);
    expect(() =>
      rtpParametersFromWire({
        codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000 }],
        encodings: [{ priority: 'urgent' }],
      }),
    ).toThrow(/priority/);
  });

  it('refuses over-long strings and non-finite numbers', () => {
    expect(() =>
      rtpParametersFromWire({ codecs: [{ mimeType: 'a'.repeat(300), payloadType: 1, clockRate: 1 }] }),
    ).toThrow(/longer than/);
    expect(() =>
      rtpParametersFromWire({
        codecs: [
          { mimeType: 'audio/opus', payloadType: 1, clockRate: 1, parameters: { x: { number: Number.NaN } } },
        ],
      }),
    ).toThrow(/not finite/);
  });

  it('requires DTLS fingerprints and a known role', () => {
    expect(() => dtlsParametersFromWire({ fingerprints: [] })).toThrow(/fingerprints is empty/);
    expect(() =>
      dtlsParametersFromWire({ role: 'boss', fingerprints: [{ algorithm: 'sha-256', value: 'AA' }] }),
    ).toThrow(/role/);
    expect(
      dtlsParametersFromWire({ role: 'client', fingerprints: [{ algorithm: 'sha-256', value: 'AA' }] }),
    ).toEqual({
      role: 'client',
      fingerprints: [{ algorithm: 'sha-256', value: 'AA' }],
    });
  });
});
