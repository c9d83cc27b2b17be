// Cuts one speaker's 16 kHz audio into utterances with voice-activity
// detection: speech starts after a few voiced frames (with a little audio from
// before, so the first syllable survives), ends after a pause, and is cut
// anyway at a maximum length so subtitles keep coming during a monologue.
// While an utterance grows it is offered as a partial every so often.
import { VAD_FRAME_SAMPLES, VAD_SAMPLE_RATE } from './vad.js';

const FRAME_MS = (VAD_FRAME_SAMPLES / VAD_SAMPLE_RATE) * 1000;

export interface UtteranceAudio {
  /** Counts up per speaker; a partial and its final share the number. */
  index: number;
  /** Wall-clock time of the first and last sample (ms since the epoch). */
  startMs: number;
  endMs: number;
  pcm: Float32Array;
  final: boolean;
}

export interface CutterOptions {
  /** Voiced frames among the last `onsetWindowFrames` that start an utterance. */
  onsetFrames: number;
  onsetWindowFrames: number;
  /** Audio kept from before the onset. */
  preRollMs: number;
  /** Silence that ends an utterance. */
  hangoverMs: number;
  /** Silence kept at the end of an utterance. */
  tailMs: number;
  maxUtteranceMs: number;
  /** Utterances with less voiced audio than this are coughs and clicks: dropped. */
  minSpeechMs: number;
  /** An ongoing utterance is offered as a partial each time it grew by this much (0: never). */
  partialEveryMs: number;
}

export const DEFAULT_CUTTER_OPTIONS: CutterOptions = {
  onsetFrames: 3,
  onsetWindowFrames: 5,
  preRollMs: 300,
  hangoverMs: 500,
  tailMs: 200,
  maxUtteranceMs: 15_000,
  minSpeechMs: 250,
  partialEveryMs: 1000,
};

type Classify = (frame: Float32Array) => boolean;

export class UtteranceCutter {
  private readonly frame = new Float32Array(VAD_FRAME_SAMPLES);
  private frameFill = 0;
  /** Wall time of the first sample in `frame`. */
  private frameStartMs = 0;
  private readonly recent: boolean[] = [];
  private readonly preRoll: { pcm: Float32Array; startMs: number }[] = [];
  private frames: Float32Array[] = [];
  private startMs = 0;
  private voicedFrames = 0;
  private silentRun = 0;
  private sinceLastPartial = 0;
  private nextIndex = 0;
  private active = false;
  private partialSent = false;

  constructor(
    private readonly classify: Classify,
    private readonly emit: (u: UtteranceAudio) => void,
    private readonly options: CutterOptions = DEFAULT_CUTTER_OPTIONS,
  ) {}

  /** Audio that starts at wall time `startMs`. */
  push(samples: Float32Array, startMs: number): void {
    let offset = 0;
    while (offset < samples.length) {
      if (this.frameFill === 0) this.frameStartMs = startMs + (offset / VAD_SAMPLE_RATE) * 1000;
      const n = Math.min(VAD_FRAME_SAMPLES - this.frameFill, samples.length - offset);
      this.frame.set(samples.subarray(offset, offset + n), this.frameFill);
      this.frameFill += n;
      offset += n;
      if (this.frameFill === VAD_FRAME_SAMPLES) {
        this.frameFill = 0;
        this.onFrame(this.frame.slice(), this.frameStartMs);
      }
    }
  }

  /** The stream stopped (speaker muted, left, or went quiet for long): close any utterance. */
  flush(): void {
    if (this.active) this.finish(this.frames.length);
    this.frameFill = 0;
    this.recent.length = 0;
    this.preRoll.length = 0;
  }

  private onFrame(pcm: Float32Array, startMs: number): void {
    const voiced = this.classify(pcm);
    const o = this.options;
    this.recent.push(voiced);
    if (this.recent.length > o.onsetWindowFrames) this.recent.shift();

    if (!this.active) {
      this.preRoll.push({ pcm, startMs });
      const keep = Math.max(o.onsetWindowFrames, Math.round(o.preRollMs / FRAME_MS) + o.onsetWindowFrames);
      if (this.preRoll.length > keep) this.preRoll.shift();
      if (this.recent.filter(Boolean).length < o.onsetFrames) return;
      this.active = true;
      this.frames = this.preRoll.map((f) => f.pcm);
      this.startMs = this.preRoll[0]!.startMs;
      this.preRoll.length = 0;
      this.voicedFrames = this.recent.filter(Boolean).length;
      this.silentRun = 0;
      this.sinceLastPartial = 0;
      return;
    }

    this.frames.push(pcm);
    this.sinceLastPartial++;
    if (voiced) {
      this.voicedFrames++;
      this.silentRun = 0;
    } else {
      this.silentRun++;
    }
    if (this.silentRun * FRAME_MS >= o.hangoverMs) {
      const tail = Math.round(o.tailMs / FRAME_MS);
      this.finish(this.frames.length - this.silentRun + Math.min(tail, this.silentRun));
    } else if (this.frames.length * FRAME_MS >= o.maxUtteranceMs) {
      this.finish(this.frames.length);
      // Speech goes on: the next utterance starts right here, without waiting for an onset.
      this.active = true;
      this.frames = [];
      this.startMs = startMs + FRAME_MS;
      this.voicedFrames = 0;
      this.silentRun = 0;
      this.sinceLastPartial = 0;
    } else if (o.partialEveryMs > 0 && this.sinceLastPartial * FRAME_MS >= o.partialEveryMs) {
      this.sinceLastPartial = 0;
      this.partialSent = true;
      this.emit(this.utterance(this.frames.length, false));
    }
  }

  private finish(keptFrames: number): void {
    this.active = false;
    const enough = this.voicedFrames * FRAME_MS >= this.options.minSpeechMs;
    if (enough && keptFrames > 0) {
      this.emit(this.utterance(keptFrames, true));
    } else if (this.partialSent) {
      // A partial is on screen: an empty final takes it away.
      this.emit(this.utterance(0, true));
    }
    if ((enough && keptFrames > 0) || this.partialSent) this.nextIndex++;
    this.partialSent = false;
    this.frames = [];
    this.recent.length = 0;
  }

  private utterance(frameCount: number, final: boolean): UtteranceAudio {
    const pcm = new Float32Array(frameCount * VAD_FRAME_SAMPLES);
    for (let i = 0; i < frameCount; i++) pcm.set(this.frames[i]!, i * VAD_FRAME_SAMPLES);
    return {
      index: this.nextIndex,
      startMs: this.startMs,
      endMs: this.startMs + frameCount * FRAME_MS,
      pcm,
      final,
    };
  }
}
