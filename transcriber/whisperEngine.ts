// whisper.cpp through smart-whisper's native binding: loads a ggml model file
// and transcribes 16 kHz mono PCM from memory. Each transcription runs on a
// libuv thread-pool thread with its own whisper state, so the process's event
// loop keeps receiving audio meanwhile and several run at once on one model.
// The binding is loaded directly rather than through the package's index,
// whose model manager creates a folder in $HOME when imported.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

export type WhisperLanguage = 'ru' | 'en' | 'auto';

export interface WhisperJob {
  pcm: Float32Array;
  language: WhisperLanguage;
  /** Whisper's translate task: the text comes out in English. */
  translate: boolean;
}

export interface WhisperResult {
  text: string;
  /** The language Whisper heard (for 'auto'), or the one asked for. */
  language: string;
}

export interface WhisperEngineOptions {
  threadsPerJob: number;
  maxTokensPerSecond: number;
  encoderWindow: 'fit' | 'full';
}

interface Handle {
  readonly __handle: unique symbol;
}
interface NativeModel {
  readonly handle: Handle | null;
  free(): Promise<void>;
}
interface NativeSegment {
  text: string;
  lang?: string;
}
interface Binding {
  WhisperModel: { load(file: string, gpu: boolean): Promise<NativeModel> };
  transcribe(
    handle: Handle,
    pcm: Float32Array,
    params: Record<string, unknown>,
    finish: (result: NativeSegment[] | Error) => void,
    progress: (segment: NativeSegment) => void,
  ): void;
}

const SAMPLE_RATE = 16000;
/** Whisper's encoder sees 50 positions per second of audio, 1500 for its 30 s window. */
const ENCODER_POSITIONS_PER_SECOND = 50;
const ENCODER_POSITIONS = 1500;
/** Silence the fitted window keeps after the speech, and its smallest size. */
const FIT_MARGIN_POSITIONS = 32;
const FIT_MIN_POSITIONS = 128;
const WHISPER_SAMPLING_GREEDY = 0;
/** whisper.cpp returns nothing for less than 1 s of audio; shorter utterances ("Да.") get silence after them. */
const MIN_SAMPLES = Math.round(SAMPLE_RATE * 1.1);

let binding: Binding | null = null;

/** The native addon, or an error saying why it cannot be used (not built: run scripts/setup.sh). */
export function loadBinding(): Binding {
  if (!binding) {
    const require = createRequire(import.meta.url);
    binding = require('smart-whisper/build/Release/smart-whisper.node') as Binding;
  }
  return binding;
}

export class WhisperEngine {
  private freed = false;

  private constructor(
    private readonly model: NativeModel,
    private readonly options: WhisperEngineOptions,
  ) {}

  /** Loads the model file (hundreds of MB for real models: seconds). */
  static async load(path: string, options: WhisperEngineOptions): Promise<WhisperEngine> {
    if (!existsSync(path)) throw new Error(`Whisper model file not found: ${path}`);
    const model = await loadBinding().WhisperModel.load(path, false);
    return new WhisperEngine(model, options);
  }

  /** whisper.cpp parameters for one utterance. */
  params(job: WhisperJob): Record<string, unknown> {
    const seconds = job.pcm.length / SAMPLE_RATE;
    const fitted = Math.ceil(seconds * ENCODER_POSITIONS_PER_SECOND) + FIT_MARGIN_POSITIONS;
    return {
      strategy: WHISPER_SAMPLING_GREEDY,
      n_threads: this.options.threadsPerJob,
      language: job.language,
      translate: job.translate,
      // Each utterance stands alone: context from the previous one feeds hallucinations.
      no_context: true,
      no_timestamps: true,
      single_segment: true,
      max_tokens: Math.max(4, Math.ceil(seconds * this.options.maxTokensPerSecond)),
      audio_ctx:
        this.options.encoderWindow === 'fit'
          ? Math.min(ENCODER_POSITIONS, Math.max(FIT_MIN_POSITIONS, fitted))
          : 0,
      // No temperature fallback: a retry would multiply the cost of a bad utterance, and live
      // subtitles must keep pace.
      temperature: 0,
      temperature_inc: 0,
      suppress_blank: true,
      suppress_non_speech_tokens: true,
      format: 'detail',
    };
  }

  transcribe(job: WhisperJob): Promise<WhisperResult> {
    const handle = this.model.handle;
    if (this.freed || !handle) return Promise.reject(new Error('Whisper model was freed'));
    if (job.pcm.length === 0) return Promise.resolve({ text: '', language: job.language });
    let pcm = job.pcm;
    if (pcm.length < MIN_SAMPLES) {
      pcm = new Float32Array(MIN_SAMPLES);
      pcm.set(job.pcm);
    }
    return new Promise((resolve, reject) => {
      loadBinding().transcribe(
        handle,
        pcm,
        this.params({ ...job, pcm }),
        (result) => {
          // The binding hands its error to the same callback as the segments.
          if (!Array.isArray(result)) {
            reject(result instanceof Error ? result : new Error('whisper.cpp transcription failed'));
            return;
          }
          const text = result
            .map((s) => s.text)
            .join('')
            .trim();
          resolve({ text, language: result[0]?.lang || job.language });
        },
        () => {},
      );
    });
  }

  async free(): Promise<void> {
    if (this.freed) return;
    this.freed = true;
    await this.model.free();
  }
}
