// What this person sends: one producer per local source on the send
// transport, muted and unmuted without renegotiating. The server decides
// whether this role may send a source and may refuse an unmute.
import type { types } from 'mediasoup-client';
import type { SendSource } from './tracks.js';
import type { Request } from './transports.js';

// Three simulcast layers so large rooms can send small layers to most viewers.
const CAMERA_ENCODINGS: types.RtpEncodingParameters[] = [
  { scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { scaleResolutionDownBy: 2, maxBitrate: 500_000 },
  { scaleResolutionDownBy: 1, maxBitrate: 1_200_000 },
];

// Lines and text on white: one layer, sharp rather than smooth.
const BOARD_ENCODINGS: types.RtpEncodingParameters[] = [{ maxBitrate: 1_000_000, maxFramerate: 15 }];

/** A local track as it was sent, to send again after a move. */
export interface LocalSend {
  source: SendSource;
  track: MediaStreamTrack | null;
  paused: boolean;
}

export class Sending {
  private readonly producers = new Map<SendSource, types.Producer>();

  constructor(
    private readonly request: Request,
    private readonly transport: () => types.Transport | null,
  ) {}

  /** Starts sending a local track, paused if asked; the server decides whether this role may. */
  async publish(source: SendSource, track: MediaStreamTrack, paused = false): Promise<void> {
    const transport = this.transport();
    if (!transport) throw new Error('this device cannot send media');
    const existing = this.producers.get(source);
    if (existing) {
      await existing.replaceTrack({ track });
      return;
    }
    const producer = await transport.produce({
      track,
      encodings:
        source === 'camera'
          ? CAMERA_ENCODINGS
          : source === 'whiteboard' || source === 'document'
            ? BOARD_ENCODINGS
            : undefined,
      codecOptions: source === 'microphone' ? { opusStereo: false, opusDtx: true, opusFec: true } : undefined,
      appData: { source, paused },
      // Tracks outlive producers: a move to a breakout room re-sends them.
      stopTracks: false,
      disableTrackOnPause: true,
      zeroRtpOnPause: true,
    });
    if (paused) producer.pause();
    this.producers.set(source, producer);
  }

  /** Stops sending a source altogether (e.g. the end of a screen share). */
  async unpublish(source: SendSource): Promise<void> {
    const producer = this.producers.get(source);
    if (!producer) return;
    this.producers.delete(source);
    producer.close();
    producer.track?.stop();
    await this.request({ closeProducer: { producerId: producer.id } });
  }

  /** Mutes or unmutes a local source. Muting takes effect here at once; unmuting waits for the server, which may refuse. */
  async setPaused(source: SendSource, paused: boolean): Promise<void> {
    const producer = this.producers.get(source);
    if (!producer) return;
    const tellServer = () => this.request({ setProducerPaused: { producerId: producer.id, paused } });
    if (paused) {
      producer.pause();
      await tellServer();
    } else {
      await tellServer();
      producer.resume();
    }
  }

  /** A host muted this source: the server already stopped forwarding; stop sending too. */
  pausedByHost(source: SendSource): void {
    this.producers.get(source)?.pause();
  }

  isPublishing(source: SendSource): boolean {
    const p = this.producers.get(source);
    return Boolean(p && !p.paused);
  }

  hasProducer(source: SendSource): boolean {
    return this.producers.has(source);
  }

  /** The local tracks as they are sent now (muted or not). */
  current(): LocalSend[] {
    return [...this.producers.entries()].map(([source, p]) => ({ source, track: p.track, paused: p.paused }));
  }

  /** Closes every producer; local tracks end only when asked (not on a move). */
  closeAll(stopTracks: boolean): void {
    for (const p of this.producers.values()) {
      p.close();
      if (stopTracks) p.track?.stop();
    }
    this.producers.clear();
  }
}
