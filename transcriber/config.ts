// Transcriber settings from environment variables. Without WHISPER_MODEL the
// server runs and subtitles are reported unavailable.
import { cpus } from 'node:os';
import {
  boolFromEnv,
  intFromEnv,
  oneOfFromEnv,
  pathFromEnv,
  recordingsDirFromEnv,
} from '../common/envValues.js';

export type SubtitleLanguage = 'ru' | 'en' | 'auto';

export interface TranscriberConfig {
  /** Path of a whisper.cpp ggml model file; null: subtitles unavailable. */
  modelPath: string | null;
  /** Utterances transcribed at the same time (each on its own thread pool slot). */
  parallelJobs: number;
  /** Threads whisper.cpp uses for one utterance. */
  threadsPerJob: number;
  /** Audio waiting for inference, in seconds, before the oldest is dropped. */
  maxQueuedSeconds: number;
  /**
   * Tokens allowed per second of audio: stops a decoder that loops. Russian
   * speech needs about 5-7 Whisper tokens per second, so the default leaves room.
   */
  maxTokensPerSecond: number;
  /**
   * 'fit': the encoder looks only at the utterance's length of audio, not at
   * Whisper's fixed 30 s window (about 10x less work for short utterances; the
   * model was trained on 30 s windows, so accuracy can drop a little).
   * 'full': the whole 30 s window, as trained.
   */
  encoderWindow: 'fit' | 'full';
  /** Room language when none is set. */
  defaultLanguage: SubtitleLanguage;
  /** Where transcripts are written at call end (next to the recordings). */
  transcriptDir: string;
  /** Niceness of the inference process: the SFU and signaling win any contention for CPU. */
  niceness: number;
  /** Subtitles start with every call (hosts can still turn them off). */
  autoStart: boolean;
  /** Show growing text while someone speaks (uses only otherwise idle inference slots). */
  partials: boolean;
  /** A speaker's audio stops flowing to the transcriber after this much silence. */
  speakerIdleMs: number;
}

export function loadTranscriberConfig(env: NodeJS.ProcessEnv = process.env): TranscriberConfig {
  const cores = cpus().length;
  return {
    modelPath: pathFromEnv(env, 'WHISPER_MODEL', null),
    // One core stays with the SFU and signaling.
    parallelJobs: intFromEnv(env, 'WHISPER_PARALLEL_JOBS', Math.max(1, cores - 1), 1, 64),
    threadsPerJob: intFromEnv(env, 'WHISPER_THREADS_PER_JOB', 1, 1, 64),
    maxQueuedSeconds: intFromEnv(env, 'WHISPER_MAX_QUEUED_SECONDS', 30, 1, 3600),
    maxTokensPerSecond: intFromEnv(env, 'WHISPER_MAX_TOKENS_PER_SECOND', 10, 1, 50),
    encoderWindow: oneOfFromEnv(env, 'WHISPER_ENCODER_WINDOW', ['fit', 'full'] as const, 'fit'),
    defaultLanguage: oneOfFromEnv(env, 'SUBTITLES_LANGUAGE', ['ru', 'en', 'auto'] as const, 'ru'),
    transcriptDir: pathFromEnv(env, 'TRANSCRIPT_DIR', recordingsDirFromEnv(env)),
    niceness: intFromEnv(env, 'WHISPER_NICENESS', 10, 0, 19),
    autoStart: boolFromEnv(env, 'SUBTITLES_AUTO_START', false),
    partials: boolFromEnv(env, 'WHISPER_PARTIALS', true),
    speakerIdleMs: intFromEnv(env, 'TRANSCRIBER_SPEAKER_IDLE_MS', 15_000, 1000, 600_000),
  };
}
