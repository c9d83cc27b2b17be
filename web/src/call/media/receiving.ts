// What this person receives: one consumer per producer of the others, on the
// receive transport, kept as `people` (each participant's camera, screen
// and audio) for the stage. Video is resumed on the server only while a
// tile shows it, at the simulcast layer its size needs.
import { signal } from '@preact/signals';
import type { Device, types } from 'mediasoup-client';
import { schoolcall } from '../../../../common/protocol/generated/protocol.js';
import { rtpCapabilitiesToWire, rtpParametersFromWire } from '../../../../common/protocol/mediaWire.js';
import type { PersonMedia, RemoteTrack } from './tracks.js';
import type { Request } from './transports.js';

import pb = schoolcall.v1;

export class Receiving {
  /** What we receive, by participant id. */
  readonly people = signal<ReadonlyMap<string, PersonMedia>>(new Map());
  private readonly consumers = new Map<string, { consumer: types.Consumer; remote: RemoteTrack }>();
  /** Video consumers the page shows; the rest stay paused on the server, so nothing is sent for them. */
  private readonly wantedVideo = new Set<string>();
  private readonly resumedVideo = new Set<string>();
  /** The simulcast layer asked for each video consumer (by its tile's size). */
  private readonly videoLayers = new Map<string, number>();

  constructor(
    private readonly request: Request,
    private readonly device: Device,
    private readonly transport: () => types.Transport | null,
  ) {}

  async consume(info: pb.IProducerInfo): Promise<void> {
    const transport = this.transport();
    if (!transport || !info.producerId) return;
    // The board and a presented page as video are for recordings and broadcasts; here they are live.
    if (
      info.source === pb.MediaSource.MEDIA_SOURCE_WHITEBOARD ||
      info.source === pb.MediaSource.MEDIA_SOURCE_DOCUMENT
    )
      return;
    const { consume } = await this.request({
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
      displayName: info.displayName ?? '',
      source: consume.source ?? pb.MediaSource.MEDIA_SOURCE_UNSPECIFIED,
      track: consumer.track,
      producerPaused: Boolean(consume.producerPaused),
    };
    this.consumers.set(consumer.id, { consumer, remote });
    this.show(remote, true);
    // Created paused on the server so the first keyframe arrives after we are
    // ready. Audio plays at once; video only while a tile shows it.
    if (consumer.kind === 'audio') {
      await this.request({ setConsumerPaused: { consumerId: consumer.id, paused: false } });
    } else {
      await this.syncVideo(consumer.id);
    }
  }

  /** The producers present now (after falling behind): drops what is gone, consumes what was missed. */
  async reconcile(producers: pb.IProducerInfo[]): Promise<void> {
    const live = new Set(producers.map((p) => p.producerId));
    for (const [cid, c] of this.consumers) if (!live.has(c.remote.producerId)) this.remove(cid);
    const consumed = new Set([...this.consumers.values()].map((c) => c.remote.producerId));
    for (const producer of producers) {
      if (!consumed.has(producer.producerId ?? '')) await this.consume(producer);
    }
  }

  remove(consumerId: string): void {
    const entry = this.consumers.get(consumerId);
    if (!entry) return;
    this.consumers.delete(consumerId);
    this.resumedVideo.delete(consumerId);
    this.videoLayers.delete(consumerId);
    this.wantedVideo.delete(consumerId);
    entry.consumer.close();
    this.show(entry.remote, false);
  }

  removeWhere(match: (r: RemoteTrack) => boolean): void {
    for (const [cid, c] of this.consumers) if (match(c.remote)) this.remove(cid);
  }

  /** The sender paused or resumed what these consumers receive. */
  setProducerPaused(match: (r: RemoteTrack) => boolean, paused: boolean): void {
    for (const { remote } of this.consumers.values()) {
      if (!match(remote) || remote.producerPaused === paused) continue;
      remote.producerPaused = paused;
      this.show(remote, true);
    }
  }

  closeAll(): void {
    for (const id of [...this.consumers.keys()]) this.remove(id);
  }

  /**
   * The page says whether it shows this video consumer now. Off-screen tiles
   * are paused on the server, so a large call receives only what is visible.
   */
  setVideoWanted(consumerId: string, wanted: boolean): void {
    if (wanted) this.wantedVideo.add(consumerId);
    else this.wantedVideo.delete(consumerId);
    if (this.consumers.has(consumerId)) void this.syncVideo(consumerId).catch(() => {});
  }

  /**
   * The tile's height on screen picks the simulcast layer: a small tile gets
   * the quarter-size stream, so a gallery of 25 costs what a few large ones do.
   */
  setVideoHeight(consumerId: string, cssHeight: number): void {
    const pixels = cssHeight * (globalThis.devicePixelRatio || 1);
    const layer = pixels <= 200 ? 0 : pixels <= 400 ? 1 : 2;
    const entry = this.consumers.get(consumerId);
    if (!entry || entry.remote.source !== pb.MediaSource.MEDIA_SOURCE_CAMERA) return;
    if (this.videoLayers.get(consumerId) === layer) return;
    this.videoLayers.set(consumerId, layer);
    void this.request({ setConsumerPreferredLayers: { consumerId, spatialLayer: layer } }).catch(() => {
      // A camera without simulcast (NOT_LAYERED) or a consumer just closed: nothing to choose.
    });
  }

  /** How many video consumers the server is sending now (for tests and diagnostics). */
  get receivingVideoCount(): number {
    return this.resumedVideo.size;
  }

  private async syncVideo(consumerId: string): Promise<void> {
    const wanted = this.wantedVideo.has(consumerId);
    if (wanted === this.resumedVideo.has(consumerId)) return;
    if (wanted) this.resumedVideo.add(consumerId);
    else this.resumedVideo.delete(consumerId);
    try {
      await this.request({ setConsumerPaused: { consumerId, paused: !wanted } });
    } catch (err) {
      // Undo, so the next change tries again; a closed consumer is simply gone.
      if (wanted) this.resumedVideo.delete(consumerId);
      else this.resumedVideo.add(consumerId);
      if (this.consumers.has(consumerId)) throw err;
    }
  }

  /** Puts a track in its person's slot (or takes it out), as a new value the stage sees. */
  private show(track: RemoteTrack, present: boolean): void {
    const id = track.participantId;
    const next = new Map(this.people.value);
    const entry: PersonMedia = { ...(next.get(id) ?? { name: track.displayName }) };
    const slot: 'camera' | 'screen' | 'audio' =
      track.source === pb.MediaSource.MEDIA_SOURCE_SCREEN
        ? 'screen'
        : track.track.kind === 'audio'
          ? 'audio'
          : 'camera';
    // A copy, so components see a new value when the sender pauses or resumes.
    if (present) entry[slot] = { ...track };
    else if (entry[slot]?.consumerId === track.consumerId) delete entry[slot];
    if (!entry.camera && !entry.screen && !entry.audio) next.delete(id);
    else next.set(id, entry);
    this.people.value = next;
  }
}
