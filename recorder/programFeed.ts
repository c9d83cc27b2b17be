// Feeds the program pipeline from the room: asks the director what to show,
// consumes exactly those producers through one DirectTransport on the room's
// router, and relays their packets into the pipeline's fixed input slots.
// A DirectTransport because every packet has to pass through our slot relay
// anyway (to keep each slot one steady stream while its source changes): it
// saves a UDP hop and a port pair per stream, and the worker-to-Node channel
// is lossless, so RTCP feedback has nothing to repair; keyframes are asked
// for explicitly on every switch and after upstream loss.
import { type Socket, createSocket } from 'node:dgram';
import type { types } from 'mediasoup';
import type { Logger } from '../common/log.js';
import { type Program, directProgram } from './programDirector.js';
import {
  PROGRAM,
  type ProgramProcess,
  VIDEO_SLOT_ELEMENTS,
  type VideoSlot,
  audioSlotElement,
} from './programPipeline.js';
import type { RoomSource } from './roomSource.js';
import { SlotRelay } from './slotRelay.js';

const USABLE_CODECS = new Set(['video/vp8', 'audio/opus']);

export class ProgramFeed {
  private readonly socket: Socket = createSocket('udp4');
  private transport: types.DirectTransport | null = null;
  private transportPending: Promise<types.DirectTransport | null> | null = null;
  private readonly consumers = new Map<string, types.Consumer>();
  private readonly consuming = new Set<string>();
  private video: Record<VideoSlot, SlotRelay> | null = null;
  private audio: SlotRelay[] = [];
  private pipeline: ProgramProcess | null = null;
  private activeSpeaker: string | null = null;
  private speaking: string[] = [];
  private program: Program = { main: null, corner: null, label: '', audio: [] };
  private readonly names = new Map<string, string>();
  private closed = false;
  private readonly listeners: [string, (...args: never[]) => void][];

  constructor(
    private readonly source: RoomSource,
    private readonly log: Logger,
  ) {
    this.socket.unref();
    this.activeSpeaker = source.currentSpeaker();
    this.listeners = [
      ['changed', () => this.update()],
      [
        'activeSpeaker',
        (id: string) => {
          this.activeSpeaker = id;
          this.update();
        },
      ],
      [
        'speaking',
        (ids: string[]) => {
          this.speaking = ids;
          this.update();
        },
      ],
      ['routerReplaced', () => this.dropTransport()],
    ];
    for (const [name, fn] of this.listeners) source.on(name as 'changed', fn as () => void);
  }

  /** What the program shows and plays now (for tests and status). */
  get current(): Program {
    return this.program;
  }

  /** Packets relayed per slot so far. */
  get forwarded(): Record<string, number> {
    const out: Record<string, number> = {};
    if (this.video) for (const [k, r] of Object.entries(this.video)) out[k] = r.forwarded;
    this.audio.forEach((r, i) => {
      out[`audio${i}`] = r.forwarded;
    });
    return out;
  }

  /** A (new) pipeline run: relays point at its ports; the picture is set up again. */
  attach(pipeline: ProgramProcess): void {
    this.pipeline = pipeline;
    const relay = (kind: 'audio' | 'video', element: string, onSwitched?: (id: string | null) => void) =>
      new SlotRelay(this.socket, {
        kind,
        port: pipeline.ports[element]!,
        payloadType: kind === 'video' ? PROGRAM.videoPayloadType : PROGRAM.audioPayloadType,
        clockRate: kind === 'video' ? 90000 : 48000,
        ssrc: 0x5c000000 + (element.charCodeAt(0) << 8) + element.length,
        requestKeyFrame: (id) =>
          void this.consumers
            .get(id)
            ?.requestKeyFrame()
            .catch(() => {}),
        onSwitched,
      });
    this.video = {
      main: relay('video', VIDEO_SLOT_ELEMENTS.main, (id) => this.shown('main', id)),
      corner: relay('video', VIDEO_SLOT_ELEMENTS.corner, (id) => this.shown('corner', id)),
    };
    this.audio = Array.from({ length: PROGRAM.audioSlots }, (_, i) => relay('audio', audioSlotElement(i)));
    const video = this.video;
    pipeline.on('keyframeWanted', (element) => {
      if (this.pipeline !== pipeline) return;
      if (element === VIDEO_SLOT_ELEMENTS.main) video.main.repair();
      else if (element === VIDEO_SLOT_ELEMENTS.corner) video.corner.repair();
    });
    pipeline.setLabel(this.source.title);
    this.program = { main: null, corner: null, label: '', audio: [] };
    this.update();
  }

  detach(): void {
    this.pipeline = null;
    this.video = null;
    this.audio = [];
    this.closeUnused();
  }

  close(): void {
    this.closed = true;
    for (const [name, fn] of this.listeners) this.source.off(name as 'changed', fn as () => void);
    this.detach();
    this.transport?.close();
    this.transport = null;
    this.socket.close();
  }

  private shown(slot: VideoSlot, producerId: string | null): void {
    const p = this.pipeline;
    if (!p) return;
    p.setVisible(slot, producerId !== null);
    if (slot === 'main') p.setLabel(producerId ? (this.names.get(producerId) ?? '') : this.source.title);
    this.closeUnused();
  }

  private update(): void {
    if (this.closed || !this.video) return;
    const participants = this.source.participants();
    const byId = new Map(participants.map((p) => [p.id, p]));
    const producers = this.source
      .producers()
      .filter(
        (p) =>
          !p.producer.closed &&
          USABLE_CODECS.has(p.producer.rtpParameters.codecs[0]?.mimeType.toLowerCase() ?? ''),
      );
    this.names.clear();
    for (const p of producers) this.names.set(p.producer.id, byId.get(p.participantId)?.displayName ?? '');
    this.program = directProgram({
      participants,
      sources: producers.map((p) => ({
        producerId: p.producer.id,
        participantId: p.participantId,
        source: p.source,
        paused: p.producer.paused,
      })),
      activeSpeaker: this.activeSpeaker,
      speaking: this.speaking,
      previousAudio: this.program.audio,
      audioSlots: PROGRAM.audioSlots,
    });
    const wanted = new Set<string>();
    const pick = (relay: SlotRelay, id: string | null) => {
      relay.select(id);
      if (id) wanted.add(id);
    };
    pick(this.video.main, this.program.main);
    pick(this.video.corner, this.program.corner);
    this.audio.forEach((r, i) => pick(r, this.program.audio[i] ?? null));
    for (const id of wanted) void this.consume(id);
    this.closeUnused();
  }

  /** Producers a slot carries or is switching to. */
  private inUse(): Set<string> {
    const ids = new Set<string>();
    for (const r of [...Object.values(this.video ?? {}), ...this.audio]) {
      if (r.currentId) ids.add(r.currentId);
      if (r.pendingId) ids.add(r.pendingId);
    }
    return ids;
  }

  private closeUnused(): void {
    const used = this.inUse();
    for (const [id, consumer] of this.consumers) {
      if (used.has(id)) continue;
      consumer.close();
      this.consumers.delete(id);
    }
  }

  private async consume(producerId: string): Promise<void> {
    if (this.consumers.has(producerId) || this.consuming.has(producerId)) return;
    this.consuming.add(producerId);
    try {
      const transport = await this.ensureTransport();
      if (!transport || transport.closed || !this.inUse().has(producerId)) return;
      const router = this.source.router();
      const caps = router ? usableCapabilities(router.rtpCapabilities) : null;
      if (!caps || !router?.canConsume({ producerId, rtpCapabilities: caps })) return;
      const consumer = await transport.consume({ producerId, rtpCapabilities: caps });
      if (this.closed || !this.inUse().has(producerId)) {
        consumer.close();
        return;
      }
      this.consumers.set(producerId, consumer);
      consumer.on('rtp', (packet) => this.route(producerId, packet));
      const gone = () => {
        if (this.consumers.get(producerId) === consumer) this.consumers.delete(producerId);
        this.update();
      };
      consumer.on('producerclose', gone);
      consumer.on('transportclose', gone);
      if (consumer.kind === 'video') await consumer.requestKeyFrame();
    } catch (err) {
      this.log.warn({ err, producerId }, 'recorder could not consume');
    } finally {
      this.consuming.delete(producerId);
    }
  }

  private route(producerId: string, packet: Buffer): void {
    for (const r of [...Object.values(this.video ?? {}), ...this.audio]) {
      if (r.currentId === producerId || r.pendingId === producerId) {
        r.feed(producerId, packet);
        return;
      }
    }
  }

  private ensureTransport(): Promise<types.DirectTransport | null> {
    if (this.transport && !this.transport.closed) return Promise.resolve(this.transport);
    this.transportPending ??= (async () => {
      const router = this.source.router();
      if (!router || router.closed) return null;
      const t = await router.createDirectTransport({ maxMessageSize: 262144 });
      this.transport = t;
      return t;
    })().finally(() => {
      this.transportPending = null;
    });
    return this.transportPending;
  }

  /** The router went away with its worker: start over on the new one when producers return. */
  private dropTransport(): void {
    this.transport?.close();
    this.transport = null;
    for (const c of this.consumers.values()) c.close();
    this.consumers.clear();
    this.update();
  }
}

function usableCapabilities(caps: types.RtpCapabilities): types.RtpCapabilities {
  return {
    ...caps,
    codecs: (caps.codecs ?? []).filter(
      (c) => USABLE_CODECS.has(c.mimeType.toLowerCase()) || c.mimeType.toLowerCase() === 'video/rtx',
    ),
  };
}
