// The call in the browser: joins a room over signaling, sends the local camera
// and microphone through a mediasoup-client send transport, and receives every
// other participant's media through one receive transport.
import { Device, type types } from 'mediasoup-client';
import { schoolcall } from '../../signaling/protocol/generated/protocol.js';
import {
  type RtpParameters,
  dtlsParametersFromWire,
  dtlsParametersToWire,
  iceCandidatesFromWire,
  iceParametersFromWire,
  mediaKindToWire,
  rtpCapabilitiesFromWire,
  rtpCapabilitiesToWire,
  rtpParametersFromWire,
  rtpParametersToWire,
} from '../../signaling/protocol/mediaWire.js';
import { SignalingClient } from './signalingClient.js';

import pb = schoolcall.v1;

export interface RemoteTrack {
  consumerId: string;
  producerId: string;
  participantId: string;
  source: pb.MediaSource;
  track: MediaStreamTrack;
}

export interface CallListener {
  participantJoined(p: pb.IParticipant): void;
  participantLeft(participantId: string): void;
  trackAdded(t: RemoteTrack): void;
  trackRemoved(t: RemoteTrack): void;
  closed(reason: pb.CloseReason, message: string): void;
}

type SendSource = 'microphone' | 'camera';

const SOURCE_WIRE: Record<SendSource, pb.MediaSource> = {
  microphone: pb.MediaSource.MEDIA_SOURCE_MICROPHONE,
  camera: pb.MediaSource.MEDIA_SOURCE_CAMERA,
};

// Three simulcast layers so large rooms can send small layers to most viewers.
const CAMERA_ENCODINGS: types.RtpEncodingParameters[] = [
  { scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { scaleResolutionDownBy: 2, maxBitrate: 500_000 },
  { scaleResolutionDownBy: 1, maxBitrate: 1_200_000 },
];

export class CallClient {
  readonly signaling: SignalingClient;
  private readonly device = new Device();
  private sendTransport: types.Transport | null = null;
  private recvTransport: types.Transport | null = null;
  private readonly producers = new Map<SendSource, types.Producer>();
  private readonly consumers = new Map<string, { consumer: types.Consumer; remote: RemoteTrack }>();
  self: pb.IParticipant | null = null;
  roomTitle = '';
  readonly participants = new Map<string, pb.IParticipant>();
  // Events are handled one at a time, in order, and only once join() has set
  // up the transports: a producer announced mid-join must not be missed.
  private eventChain: Promise<void>;
  private markReady: () => void = () => {};

  constructor(
    wsUrl: string,
    private readonly listener: CallListener,
  ) {
    this.signaling = new SignalingClient(wsUrl);
    this.eventChain = new Promise((resolve) => {
      this.markReady = resolve;
    });
    this.signaling.onEvent = (e) => {
      this.eventChain = this.eventChain.then(() => this.onEvent(e));
    };
  }

  async join(roomId: string, token: string): Promise<void> {
    await this.signaling.connect();
    const { join } = await this.signaling.request({ join: { roomId, token } });
    if (!join) throw new Error('join response missing');
    this.self = join.self ?? null;
    this.roomTitle = join.roomTitle ?? '';
    for (const p of join.participants ?? []) this.addParticipant(p);
    await this.device.load({
      routerRtpCapabilities: rtpCapabilitiesFromWire(join.routerRtpCapabilities) as types.RtpCapabilities,
    });
    this.recvTransport = await this.createTransport('recv');
    if (this.device.canProduce('audio') || this.device.canProduce('video')) {
      this.sendTransport = await this.createTransport('send');
    }
    try {
      for (const producer of join.producers ?? []) await this.consume(producer);
    } finally {
      this.markReady();
    }
  }

  /** Starts sending a local track; the server decides whether this role may. */
  async publish(source: SendSource, track: MediaStreamTrack): Promise<void> {
    if (!this.sendTransport) throw new Error('this device cannot send media');
    const existing = this.producers.get(source);
    if (existing) {
      await existing.replaceTrack({ track });
      return;
    }
    const producer = await this.sendTransport.produce({
      track,
      encodings: source === 'camera' ? CAMERA_ENCODINGS : undefined,
      codecOptions: source === 'microphone' ? { opusStereo: false, opusDtx: true, opusFec: true } : undefined,
      appData: { source },
    });
    this.producers.set(source, producer);
  }

  /** Mutes or unmutes a local source without renegotiating. */
  async setPaused(source: SendSource, paused: boolean): Promise<void> {
    const producer = this.producers.get(source);
    if (!producer) return;
    if (paused) producer.pause();
    else producer.resume();
    await this.signaling.request({ setProducerPaused: { producerId: producer.id, paused } });
  }

  isPublishing(source: SendSource): boolean {
    const p = this.producers.get(source);
    return Boolean(p && !p.paused);
  }

  async leave(): Promise<void> {
    try {
      await this.signaling.request({ leave: {} });
    } catch {
      // Leaving a dead connection needs no answer.
    }
    this.teardown();
    this.signaling.close();
  }

  /** Bytes received and sent so far, by kind, from the transports' WebRTC stats. */
  async byteCounts(): Promise<{
    inbound: { audio: number; video: number };
    outbound: { audio: number; video: number };
  }> {
    const out = { inbound: { audio: 0, video: 0 }, outbound: { audio: 0, video: 0 } };
    const add = (report: RTCStatsReport | undefined) => {
      report?.forEach((s: { type: string; kind?: string; bytesReceived?: number; bytesSent?: number }) => {
        if (s.kind !== 'audio' && s.kind !== 'video') return;
        if (s.type === 'inbound-rtp') out.inbound[s.kind] += s.bytesReceived ?? 0;
        if (s.type === 'outbound-rtp') out.outbound[s.kind] += s.bytesSent ?? 0;
      });
    };
    add(await this.recvTransport?.getStats());
    add(await this.sendTransport?.getStats());
    return out;
  }

  private async createTransport(direction: 'send' | 'recv'): Promise<types.Transport> {
    const wireDirection =
      direction === 'send'
        ? pb.TransportDirection.TRANSPORT_DIRECTION_SEND
        : pb.TransportDirection.TRANSPORT_DIRECTION_RECV;
    const { webrtcTransport: info } = await this.signaling.request({
      createWebrtcTransport: { direction: wireDirection },
    });
    if (!info) throw new Error('transport response missing');
    const options: types.TransportOptions = {
      id: info.transportId ?? '',
      iceParameters: iceParametersFromWire(info.iceParameters),
      iceCandidates: iceCandidatesFromWire(info.iceCandidates) as types.IceCandidate[],
      dtlsParameters: dtlsParametersFromWire(info.dtlsParameters) as types.DtlsParameters,
    };
    const transport =
      direction === 'send'
        ? this.device.createSendTransport(options)
        : this.device.createRecvTransport(options);
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      this.signaling
        .request({
          connectWebrtcTransport: {
            transportId: transport.id,
            dtlsParameters: dtlsParametersToWire(dtlsParameters),
          },
        })
        .then(() => callback(), errback);
    });
    if (direction === 'send') {
      transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
        const source = SOURCE_WIRE[appData.source as SendSource];
        this.signaling
          .request({
            produce: {
              transportId: transport.id,
              kind: mediaKindToWire(kind),
              source,
              rtpParameters: rtpParametersToWire(rtpParameters as RtpParameters),
            },
          })
          .then((r) => callback({ id: r.produce?.producerId ?? '' }), errback);
      });
    }
    return transport;
  }

  private async consume(info: pb.IProducerInfo): Promise<void> {
    const transport = this.recvTransport;
    if (!transport || !info.producerId) return;
    const { consume } = await this.signaling.request({
      consume: {
        transportId: transport.id,
        producerId: info.producerId,
        rtpCapabilities: rtpCapabilitiesToWire(this.device.rtpCapabilities),
      },
    });
    if (!consume?.consumerId) return;
    const consumer = await transport.consume({
      id: consume.consumerId,
      producerId: info.producerId,
      kind: consume.kind === pb.MediaKind.MEDIA_KIND_AUDIO ? 'audio' : 'video',
      rtpParameters: rtpParametersFromWire(consume.rtpParameters) as types.RtpParameters,
    });
    const remote: RemoteTrack = {
      consumerId: consumer.id,
      producerId: info.producerId,
      participantId: consume.participantId ?? '',
      source: consume.source ?? pb.MediaSource.MEDIA_SOURCE_UNSPECIFIED,
      track: consumer.track,
    };
    this.consumers.set(consumer.id, { consumer, remote });
    this.listener.trackAdded(remote);
    // Created paused on the server so the first keyframe arrives after we are ready.
    await this.signaling.request({ setConsumerPaused: { consumerId: consumer.id, paused: false } });
  }

  private removeConsumer(consumerId: string): void {
    const entry = this.consumers.get(consumerId);
    if (!entry) return;
    this.consumers.delete(consumerId);
    entry.consumer.close();
    this.listener.trackRemoved(entry.remote);
  }

  private addParticipant(p: pb.IParticipant): void {
    if (!p.participantId) return;
    this.participants.set(p.participantId, p);
    this.listener.participantJoined(p);
  }

  private async onEvent(e: pb.Event): Promise<void> {
    try {
      if (e.participantJoined?.participant) this.addParticipant(e.participantJoined.participant);
      else if (e.participantLeft) {
        const id = e.participantLeft.participantId ?? '';
        this.participants.delete(id);
        for (const [cid, c] of this.consumers) if (c.remote.participantId === id) this.removeConsumer(cid);
        this.listener.participantLeft(id);
      } else if (e.producerAdded?.producer) await this.consume(e.producerAdded.producer);
      else if (e.producerRemoved) {
        for (const [cid, c] of this.consumers) {
          if (c.remote.producerId === e.producerRemoved.producerId) this.removeConsumer(cid);
        }
      } else if (e.consumerClosed) this.removeConsumer(e.consumerClosed.consumerId ?? '');
      else if (e.sessionClosed) {
        this.teardown();
        this.listener.closed(e.sessionClosed.reason ?? 0, e.sessionClosed.message ?? '');
      }
    } catch (err) {
      console.warn('event handling failed', err);
    }
  }

  private teardown(): void {
    for (const id of [...this.consumers.keys()]) this.removeConsumer(id);
    for (const p of this.producers.values()) p.close();
    this.producers.clear();
    this.sendTransport?.close();
    this.recvTransport?.close();
    this.sendTransport = null;
    this.recvTransport = null;
  }
}
