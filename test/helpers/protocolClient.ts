// A signaling client for tests: the web client's SignalingClient over the
// `ws` package, with an event log to wait on.
import WebSocket from 'ws';
import { schoolcall } from '../../common/protocol/generated/protocol.js';
import { SignalingClient, type WebSocketFactory } from '../../web/src/protocol/signalingClient.js';
import { EventLog } from './eventLog.js';

import pb = schoolcall.v1;

export { pb };

const factory: WebSocketFactory = (url) => new WebSocket(url) as unknown as ReturnType<WebSocketFactory>;

export class TestClient extends SignalingClient {
  private readonly log = new EventLog<pb.Event>();

  constructor(url: string) {
    super(url, factory);
    this.onEvent = (e) => this.log.push(e);
    this.onClose = (code, reason) => this.log.closed(code, reason);
  }

  static async connect(url: string): Promise<TestClient> {
    const c = new TestClient(url);
    await c.connect();
    return c;
  }

  get events(): pb.Event[] {
    return this.log.events;
  }

  get closedWith(): { code: number; reason: string } | null {
    return this.log.closedWith;
  }

  /** Resolves with the first logged event that matches, waiting up to timeoutMs. */
  waitForEvent(match: (e: pb.Event) => boolean, timeoutMs = 5000): Promise<pb.Event> {
    return this.log.waitFor(match, timeoutMs);
  }

  /** Waits for a presence batch listing someone as joined who matches. */
  async waitForJoined(match: (p: pb.IParticipant) => boolean, timeoutMs = 5000): Promise<pb.IParticipant> {
    const e = await this.waitForEvent((ev) => (ev.presenceChanged?.joined ?? []).some(match), timeoutMs);
    return e.presenceChanged!.joined!.find(match)!;
  }

  async waitForLeft(participantId: string, timeoutMs = 5000): Promise<void> {
    await this.waitForEvent((ev) => (ev.presenceChanged?.left ?? []).includes(participantId), timeoutMs);
  }

  /**
   * Waits for a presence batch showing someone in a state that matches: as
   * an update, or as a join when they arrived within the same batch.
   */
  async waitForUpdated(match: (p: pb.IParticipant) => boolean, timeoutMs = 5000): Promise<pb.IParticipant> {
    const listed = (ev: pb.Event) => [
      ...(ev.presenceChanged?.updated ?? []),
      ...(ev.presenceChanged?.joined ?? []),
    ];
    const e = await this.waitForEvent((ev) => listed(ev).some(match), timeoutMs);
    return listed(e).find(match)!;
  }

  waitForClose(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
    return this.log.waitForClose(timeoutMs);
  }

  /** Sends a frame that is not a normal request and resolves with the server's reply. */
  async sendRawAndReceive(bytes: Uint8Array | string, timeoutMs = 3000): Promise<pb.Response> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no reply')), timeoutMs);
      this.nextUnmatched = (r) => {
        clearTimeout(t);
        this.nextUnmatched = null;
        resolve(r);
      };
      this.sendRaw(bytes);
    });
  }
}

/** Valid Opus send parameters, as a browser would offer them. */
export function opusRtpParameters(ssrc: number): pb.IRtpParameters {
  return {
    mid: '0',
    codecs: [
      {
        mimeType: 'audio/opus',
        payloadType: 111,
        clockRate: 48000,
        channels: 2,
        parameters: { minptime: { number: 10 }, useinbandfec: { number: 1 } },
        rtcpFeedback: [{ type: 'transport-cc' }],
      },
    ],
    headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 1 }],
    encodings: [{ ssrc }],
    rtcp: { cname: `cname-${ssrc}`, reducedSize: true },
  };
}

/** VP8 as a browser sends it; several ssrcs make it simulcast (L1T3 each, like Chromium's). */
export function vp8RtpParameters(ssrcs: number[]): pb.IRtpParameters {
  return {
    mid: '1',
    codecs: [
      {
        mimeType: 'video/VP8',
        payloadType: 96,
        clockRate: 90000,
        rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'transport-cc' }],
      },
    ],
    headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 1 }],
    encodings: ssrcs.map((ssrc) => (ssrcs.length > 1 ? { ssrc, scalabilityMode: 'L1T3' } : { ssrc })),
    rtcp: { cname: `cname-${ssrcs[0]}`, reducedSize: true },
  };
}

export const FAKE_DTLS: pb.IDtlsParameters = {
  role: 'client',
  fingerprints: [
    {
      algorithm: 'sha-256',
      value: Array.from({ length: 32 }, (_, i) =>
        (i * 7 + 16).toString(16).padStart(2, '0').toUpperCase(),
      ).join(':'),
    },
  ],
};

/** Opens and connects a send transport (fake DTLS) and produces a microphone; returns the producer id. */
export async function produceMic(c: TestClient, paused = false): Promise<string> {
  const t = await c.request({
    createWebrtcTransport: { direction: pb.TransportDirection.TRANSPORT_DIRECTION_SEND },
  });
  const transportId = t.webrtcTransport!.transportId!;
  await c.request({ connectWebrtcTransport: { transportId, dtlsParameters: FAKE_DTLS } });
  const r = await c.request({
    produce: {
      transportId,
      kind: pb.MediaKind.MEDIA_KIND_AUDIO,
      source: pb.MediaSource.MEDIA_SOURCE_MICROPHONE,
      rtpParameters: opusRtpParameters(Math.floor(Math.random() * 1e9)),
      paused,
    },
  });
  return r.produce!.producerId!;
}
