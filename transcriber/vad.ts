// Voice activity detection with libfvad (WebRTC's VAD, compiled to WASM):
// a per-frame speech/non-speech decision that costs microseconds, so every
// speaking participant can have one.
// @ts-expect-error: the package ships no type declarations.
import createFvadModule from '@echogarden/fvad-wasm';

interface FvadModule {
  _fvad_new(): number;
  _fvad_free(inst: number): void;
  _fvad_set_mode(inst: number, mode: number): number;
  _fvad_set_sample_rate(inst: number, rate: number): number;
  _fvad_process(inst: number, frame: number, length: number): number;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  HEAP16: Int16Array;
}

export const VAD_SAMPLE_RATE = 16000;
/** 20 ms, one of the frame lengths libfvad accepts (10, 20 or 30 ms). */
export const VAD_FRAME_SAMPLES = 320;

let modulePromise: Promise<FvadModule> | null = null;
let loaded: FvadModule | null = null;

function fvadModule(): Promise<FvadModule> {
  modulePromise ??= (createFvadModule() as Promise<FvadModule>).then((m) => {
    loaded = m;
    return m;
  });
  return modulePromise;
}

/** 0 (least aggressive: more audio counts as speech) to 3 (most aggressive). */
export type VadMode = 0 | 1 | 2 | 3;

export class Vad {
  private freed = false;

  private constructor(
    private readonly m: FvadModule,
    private readonly inst: number,
    private readonly buffer: number,
  ) {}

  /** Compiles the WASM module once, so that createSync() can be used afterwards. */
  static async preload(): Promise<void> {
    await fvadModule();
  }

  static async create(mode: VadMode = 2): Promise<Vad> {
    await fvadModule();
    return Vad.createSync(mode);
  }

  static createSync(mode: VadMode = 2): Vad {
    const m = loaded;
    if (!m) throw new Error('Vad.preload() first');
    const inst = m._fvad_new();
    if (!inst) throw new Error('fvad_new failed');
    if (m._fvad_set_mode(inst, mode) !== 0 || m._fvad_set_sample_rate(inst, VAD_SAMPLE_RATE) !== 0) {
      m._fvad_free(inst);
      throw new Error('fvad rejected its settings');
    }
    return new Vad(m, inst, m._malloc(VAD_FRAME_SAMPLES * 2));
  }

  /** Whether one 20 ms frame of 16 kHz audio (floats in -1..1) holds speech. */
  isSpeech(frame: Float32Array): boolean {
    if (this.freed) throw new Error('VAD used after free');
    if (frame.length !== VAD_FRAME_SAMPLES) throw new Error(`VAD frames are ${VAD_FRAME_SAMPLES} samples`);
    // HEAP16 is re-read each time: the WASM memory may have grown.
    const heap = this.m.HEAP16;
    const base = this.buffer >> 1;
    for (let i = 0; i < VAD_FRAME_SAMPLES; i++) {
      const s = Math.max(-1, Math.min(1, frame[i]!));
      heap[base + i] = Math.round(s * 32767);
    }
    const result = this.m._fvad_process(this.inst, this.buffer, VAD_FRAME_SAMPLES);
    if (result < 0) throw new Error('fvad_process failed');
    return result === 1;
  }

  free(): void {
    if (this.freed) return;
    this.freed = true;
    this.m._free(this.buffer);
    this.m._fvad_free(this.inst);
  }
}
