// One speaker's Opus RTP turned into 16 kHz mono PCM on a wall-clock
// timeline. libopus decodes straight to 16 kHz (opus-decoder, WASM), so no
// resampler is needed. Lost packets become silence, reordered or repeated
// ones are dropped, and a long gap (muted, or the consumer was paused)
// is reported so the utterance in progress can end.
import { OpusDecoder } from 'opus-decoder';
import type { RtpPacket } from '../common/rtpPacket.js';

const RTP_CLOCK = 48000;
const OUT_RATE = 16000;
/** Lost audio up to this long is filled with silence; longer gaps start a new run. */
const MAX_FILL_MS = 1000;
/** The RTP clock may drift from ours; re-anchor when they disagree by more than this. */
const MAX_SKEW_MS = 300;

export interface SpeakerAudioSink {
  pcm(samples: Float32Array, startMs: number): void;
  gap(): void;
}

export class SpeakerAudio {
  private readonly decoder = new OpusDecoder({
    sampleRate: OUT_RATE,
    channels: 1,
    streamCount: 1,
    coupledStreamCount: 0,
    channelMappingTable: [0],
  });
  private ready = false;
  private readonly waiting: { packet: RtpPacket; arrivedMs: number }[] = [];
  /** RTP timestamp expected next, and the wall time it maps to. */
  private expectedTs: number | null = null;
  private expectedMs = 0;
  private lastSeq = -1;
  private closed = false;
  lastPacketMs = 0;
  decodeErrors = 0;

  constructor(private readonly sink: SpeakerAudioSink) {
    this.decoder.ready.then(
      () => {
        this.ready = true;
        for (const w of this.waiting.splice(0)) this.handle(w.packet, w.arrivedMs);
      },
      () => {
        this.closed = true;
      },
    );
  }

  push(packet: RtpPacket, arrivedMs = Date.now()): void {
    if (this.closed) return;
    this.lastPacketMs = arrivedMs;
    if (!this.ready) {
      if (this.waiting.length < 50) this.waiting.push({ packet, arrivedMs });
      return;
    }
    this.handle(packet, arrivedMs);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sink.gap();
    this.decoder.free();
  }

  private handle(packet: RtpPacket, arrivedMs: number): void {
    if (this.lastSeq >= 0) {
      const step = (packet.sequenceNumber - this.lastSeq) & 0xffff;
      // Repeated or late (older than the last one played): drop.
      if (step === 0 || step > 0x8000) return;
    }
    this.lastSeq = packet.sequenceNumber;
    if (packet.payload.length === 0) return;

    if (this.expectedTs === null) {
      this.anchor(packet.timestamp, arrivedMs);
    } else {
      const ahead = (packet.timestamp - this.expectedTs) | 0;
      const aheadMs = (ahead / RTP_CLOCK) * 1000;
      if (ahead < 0 || aheadMs > MAX_FILL_MS) {
        this.sink.gap();
        this.anchor(packet.timestamp, arrivedMs);
      } else if (aheadMs >= 1) {
        const silence = new Float32Array(Math.round((aheadMs * OUT_RATE) / 1000));
        this.sink.pcm(silence, this.expectedMs);
        this.expectedMs += aheadMs;
        this.expectedTs = packet.timestamp;
      }
      if (Math.abs(this.expectedMs - arrivedMs) > MAX_SKEW_MS) this.expectedMs = arrivedMs;
    }

    let decoded: ReturnType<OpusDecoder<16000>['decodeFrame']>;
    try {
      decoded = this.decoder.decodeFrame(packet.payload);
    } catch {
      this.decodeErrors++;
      return;
    }
    if (decoded.errors.length) this.decodeErrors += decoded.errors.length;
    const samples = decoded.channelData[0];
    if (!samples || decoded.samplesDecoded === 0) return;
    this.sink.pcm(samples.subarray(0, decoded.samplesDecoded), this.expectedMs);
    const ms = (decoded.samplesDecoded / OUT_RATE) * 1000;
    this.expectedMs += ms;
    this.expectedTs = (packet.timestamp + (decoded.samplesDecoded * RTP_CLOCK) / OUT_RATE) >>> 0;
  }

  private anchor(timestamp: number, arrivedMs: number): void {
    this.expectedTs = timestamp;
    // The packet's audio began one packet duration (20 ms) before it arrived.
    this.expectedMs = arrivedMs - 20;
  }
}
