// The call's media in the browser: one mediasoup Device, a send and a
// receive transport, what we send (sending.ts) and what we receive
// (receiving.ts). It listens to the call's media events itself, first of
// all listeners, so a store that hears the same event sees the media
// already set up for it.
import { Device, type types } from 'mediasoup-client';
import { schoolcall } from '../../../../common/protocol/generated/protocol.js';
import { rtpCapabilitiesFromWire } from '../../../../common/protocol/mediaWire.js';
import type { CallEventSource } from '../events.js';
import { Receiving } from './receiving.js';
import { Sending } from './sending.js';
import type { SendSource } from './tracks.js';
import { type Request, createTransport } from './transports.js';

import pb = schoolcall.v1;

const CAMERA = pb.MediaSource.MEDIA_SOURCE_CAMERA;

export class CallMedia {
  private readonly device = new Device();
  private sendTransport: types.Transport | null = null;
  private recvTransport: types.Transport | null = null;
  readonly sending: Sending;
  readonly receiving: Receiving;

  constructor(
    private readonly request: Request,
    events: CallEventSource,
  ) {
    this.sending = new Sending(request, () => this.sendTransport);
    this.receiving = new Receiving(request, this.device, () => this.recvTransport);
    const rx = this.receiving;
    events.on('producerAdded', (e) => e.producer && rx.consume(e.producer));
    events.on('producerRemoved', (e) => rx.removeWhere((r) => r.producerId === e.producerId));
    events.on('producerStateChanged', (e) =>
      rx.setProducerPaused((r) => r.producerId === e.producerId, Boolean(e.paused)),
    );
    events.on('consumerClosed', (e) => rx.remove(e.consumerId ?? ''));
    events.on('consumerStateChanged', (e) =>
      rx.setProducerPaused((r) => r.consumerId === e.consumerId, Boolean(e.producerPaused)),
    );
    events.on('presenceChanged', (e) => {
      const left = new Set(e.left ?? []);
      if (left.size) rx.removeWhere((r) => left.has(r.participantId));
    });
    events.on('mutedByHost', (e) => this.sending.pausedByHost(e.source === CAMERA ? 'camera' : 'microphone'));
    events.on('moved', (e) => this.relocate(e));
    events.on('resync', (e) => rx.reconcile(e.producers ?? []));
  }

  /** Entering the call: the router's capabilities, both transports, and what the others send already. */
  async enter(join: pb.IJoinResponse): Promise<void> {
    await this.device.load({
      routerRtpCapabilities: rtpCapabilitiesFromWire(join.routerRtpCapabilities) as types.RtpCapabilities,
    });
    this.recvTransport = await createTransport(this.device, this.request, 'recv');
    if (this.device.canProduce('audio') || this.device.canProduce('video')) {
      this.sendTransport = await createTransport(this.device, this.request, 'send');
    }
    for (const producer of join.producers ?? []) await this.receiving.consume(producer);
  }

  publish(source: SendSource, track: MediaStreamTrack, paused = false): Promise<void> {
    return this.sending.publish(source, track, paused);
  }

  unpublish(source: SendSource): Promise<void> {
    return this.sending.unpublish(source);
  }

  /**
   * The server moved us (or rebuilt the room's media): it closed our
   * transports, producers and consumers. Set up again on the new router and
   * send the same local tracks, muted or not as they were.
   */
  private async relocate(moved: pb.IMoved): Promise<void> {
    const local = this.sending.current();
    this.close(false);
    this.recvTransport = await createTransport(this.device, this.request, 'recv');
    this.sendTransport = await createTransport(this.device, this.request, 'send');
    for (const { source, track, paused } of local) {
      if (track && track.readyState === 'live') await this.sending.publish(source, track, paused);
    }
    for (const producer of moved.producers ?? []) await this.receiving.consume(producer);
  }

  /** Closes consumers, producers and transports; local tracks end only when asked (not on a move). */
  close(stopTracks: boolean): void {
    this.receiving.closeAll();
    this.sending.closeAll(stopTracks);
    this.sendTransport?.close();
    this.recvTransport?.close();
    this.sendTransport = null;
    this.recvTransport = null;
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

  /** Local candidate types of the ICE pairs in use ('host', 'srflx', 'relay'): the path media takes. */
  async candidateTypes(): Promise<string[]> {
    const types: string[] = [];
    for (const t of [this.sendTransport, this.recvTransport]) {
      const report = await t?.getStats();
      if (!report) continue;
      const byId = new Map<string, { candidateType?: string }>();
      report.forEach((s: { id: string; candidateType?: string }) => byId.set(s.id, s));
      report.forEach(
        (s: { type: string; nominated?: boolean; state?: string; localCandidateId?: string }) => {
          if (s.type !== 'candidate-pair' || !s.nominated || s.state !== 'succeeded') return;
          const local = byId.get(s.localCandidateId ?? '');
          if (local?.candidateType) types.push(local.candidateType);
        },
      );
    }
    return types;
  }
}
