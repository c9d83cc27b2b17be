// The microphone's noise suppressor, inside the audio rendering thread:
// RNNoise (a small recurrent network, compiled to WebAssembly by
// @jitsi/rnnoise-wasm) cleans each 10 ms frame of 480 samples at 48 kHz.
// The audio thread hands over 128 samples at a time, so frames are gathered
// and given back one frame late (10 ms of added delay). Until the
// WebAssembly is ready, and while switched off, the sound passes unchanged.
import createRNNWasmModule from '@jitsi/rnnoise-wasm/dist/rnnoise.js';

// The AudioWorkletGlobalScope, which TypeScript's DOM library does not declare.
declare const AudioWorkletProcessor: {
  prototype: { readonly port: MessagePort };
  new (): { readonly port: MessagePort };
};
declare function registerProcessor(name: string, processor: unknown): void;

interface RnnoiseModule {
  HEAPF32: Float32Array;
  _malloc(bytes: number): number;
  _rnnoise_create(model: number): number;
  _rnnoise_process_frame(state: number, out: number, input: number): number;
}

export interface RnnoiseOptions {
  wasmBinary: ArrayBuffer;
}

/** Messages to the processor: on or off. From it: ready, or failed. */
export type RnnoiseMessage = { type: 'enabled'; enabled: boolean };
export type RnnoiseReport = { type: 'ready' } | { type: 'failed'; message: string };

const FRAME = 480;
/** RNNoise works on 16-bit sample values. */
const SCALE = 32768;

class RnnoiseProcessor extends AudioWorkletProcessor {
  private module: RnnoiseModule | null = null;
  private state = 0;
  private inPtr = 0;
  private outPtr = 0;
  private enabled = true;
  /** Samples waiting to make up a frame. */
  private readonly pending = new Float32Array(FRAME);
  private pendingCount = 0;
  /** Cleaned samples waiting to be played; starts one frame of silence ahead. */
  private readonly ready = new Float32Array(FRAME * 3);
  private readyCount = FRAME;

  constructor(options: { processorOptions: RnnoiseOptions }) {
    super();
    const { wasmBinary } = options.processorOptions;
    (createRNNWasmModule({ wasmBinary }) as Promise<RnnoiseModule>).then(
      (module) => {
        this.module = module;
        this.state = module._rnnoise_create(0);
        this.inPtr = module._malloc(FRAME * 4);
        this.outPtr = module._malloc(FRAME * 4);
        this.port.postMessage({ type: 'ready' } satisfies RnnoiseReport);
      },
      (err: unknown) =>
        this.port.postMessage({ type: 'failed', message: String(err) } satisfies RnnoiseReport),
    );
    this.port.onmessage = (event: MessageEvent<RnnoiseMessage>) => {
      if (event.data.type !== 'enabled') return;
      // Switched back on: start clean rather than play what was gathered before.
      if (event.data.enabled && !this.enabled) {
        this.pendingCount = 0;
        this.ready.fill(0);
        this.readyCount = FRAME;
      }
      this.enabled = event.data.enabled;
    };
  }

  process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const output = outputs[0]?.[0];
    if (!output) return true;
    const input = inputs[0]?.[0];
    if (!input) {
      output.fill(0);
      return true;
    }
    if (!this.module || !this.enabled) {
      output.set(input);
      return true;
    }
    for (let i = 0; i < input.length; i++) {
      this.pending[this.pendingCount++] = input[i]!;
      if (this.pendingCount === FRAME) {
        this.cleanFrame(this.module);
        this.pendingCount = 0;
      }
    }
    output.set(this.ready.subarray(0, output.length));
    this.ready.copyWithin(0, output.length, this.readyCount);
    this.readyCount -= output.length;
    return true;
  }

  private cleanFrame(module: RnnoiseModule): void {
    const heap = module.HEAPF32;
    const inAt = this.inPtr >> 2;
    for (let i = 0; i < FRAME; i++) heap[inAt + i] = this.pending[i]! * SCALE;
    module._rnnoise_process_frame(this.state, this.outPtr, this.inPtr);
    const outAt = this.outPtr >> 2;
    for (let i = 0; i < FRAME; i++) this.ready[this.readyCount + i] = heap[outAt + i]! / SCALE;
    this.readyCount += FRAME;
  }
}

registerProcessor('rnnoise', RnnoiseProcessor);
