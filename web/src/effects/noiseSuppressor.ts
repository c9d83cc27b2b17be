// The microphone through RNNoise: an AudioContext at 48 kHz (RNNoise's
// rate) takes the microphone's track, the worklet cleans it, and a
// MediaStreamDestination gives the track the page sends instead. The
// browser's own echo cancellation has already run on the microphone's track
// (getUserMedia), so it stays in front of the suppressor.
import type { RnnoiseMessage, RnnoiseOptions, RnnoiseReport } from './worklet/rnnoiseProcessor.js';

const WORKLET_URL = '/static/effects/rnnoise-worklet.js';
const WASM_URL = '/static/effects/rnnoise.wasm';
const READY_TIMEOUT_MS = 10_000;

export class NoiseSuppressor {
  private constructor(
    private readonly context: AudioContext,
    private readonly node: AudioWorkletNode,
    readonly output: MediaStreamTrack,
  ) {}

  /**
   * Resolves once the suppressor works; throws if it cannot (no AudioWorklet,
   * the WebAssembly refused, or the audio could not start without a tap).
   */
  static async start(source: MediaStreamTrack): Promise<NoiseSuppressor> {
    const context = new AudioContext({ sampleRate: 48_000, latencyHint: 'interactive' });
    try {
      const [wasmBinary] = await Promise.all([
        fetch(WASM_URL).then((r) => {
          if (!r.ok) throw new Error(`rnnoise.wasm: HTTP ${r.status}`);
          return r.arrayBuffer();
        }),
        context.audioWorklet.addModule(WORKLET_URL),
      ]);
      const processorOptions: RnnoiseOptions = { wasmBinary };
      const node = new AudioWorkletNode(context, 'rnnoise', {
        numberOfInputs: 1,
        numberOfOutputs: 1,
        channelCount: 1,
        channelCountMode: 'explicit',
        outputChannelCount: [1],
        processorOptions,
      });
      const ready = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('noise suppressor did not start')), READY_TIMEOUT_MS);
        node.port.onmessage = (event: MessageEvent<RnnoiseReport>) => {
          clearTimeout(timer);
          if (event.data.type === 'ready') resolve();
          else reject(new Error(event.data.message));
        };
      });
      const destination = context.createMediaStreamDestination();
      destination.channelCount = 1;
      context
        .createMediaStreamSource(new MediaStream([source]))
        .connect(node)
        .connect(destination);
      // Started from a click (joining) it runs at once; a context that stays
      // suspended would send silence, so that counts as failure.
      if (context.state !== 'running') {
        await Promise.race([context.resume(), new Promise((resolve) => setTimeout(resolve, 1000))]);
      }
      if ((context.state as AudioContextState) !== 'running') throw new Error('audio is suspended');
      await ready;
      const [output] = destination.stream.getAudioTracks();
      if (!output) throw new Error('no output track');
      return new NoiseSuppressor(context, node, output);
    } catch (err) {
      void context.close().catch(() => {});
      throw err;
    }
  }

  /** While the microphone is muted the network is left out (the sound passes as it is, and nobody hears it). */
  setActive(active: boolean): void {
    this.node.port.postMessage({ type: 'enabled', enabled: active } satisfies RnnoiseMessage);
  }

  stop(): void {
    this.output.stop();
    this.node.disconnect();
    void this.context.close().catch(() => {});
  }
}
