// Messages between the server and its transcriber process (Node IPC with
// structured clone, so PCM travels as a Float32Array).
import type { QueueStats } from './inferenceQueue.js';
import type { WhisperLanguage } from './whisperEngine.js';

export interface TranscriberProcessOptions {
  modelPath: string;
  parallelJobs: number;
  threadsPerJob: number;
  maxQueuedSeconds: number;
  maxTokensPerSecond: number;
  encoderWindow: 'fit' | 'full';
  partials: boolean;
  /** Address the RTP socket binds to (where mediasoup sends). */
  rtpListenIp: string;
}

export interface StreamSpec {
  key: string;
  /** The mediasoup transport's local port the RTP comes from, and the consumer's SSRC. */
  sourcePort: number;
  ssrc: number;
  language: WhisperLanguage;
  translate: boolean;
}

export type ToTranscriber =
  | { type: 'addStream'; stream: StreamSpec }
  | { type: 'removeStream'; key: string }
  | { type: 'transcribe'; id: number; pcm: Float32Array; language: WhisperLanguage; translate: boolean }
  | { type: 'shutdown' }
  /** The server's heartbeat: a live process answers `pong` with the same id. */
  | { type: 'ping'; id: number };

export interface SubtitleLine {
  key: string;
  index: number;
  startMs: number;
  endMs: number;
  text: string;
  final: boolean;
  language: string;
}

export interface TranscriberStats extends QueueStats {
  /** CPU seconds the transcriber process used so far. */
  cpuSeconds: number;
  /** Speakers whose audio is being decoded right now. */
  activeStreams: number;
  decodeErrors: number;
}

export type FromTranscriber =
  | { type: 'ready'; rtpPort: number }
  | { type: 'failed'; message: string }
  | { type: 'subtitle'; line: SubtitleLine; latencyMs: number }
  | { type: 'dropped'; key: string; index: number; startMs: number; endMs: number }
  | { type: 'transcribed'; id: number; text: string; language: string }
  | { type: 'transcribeFailed'; id: number; message: string }
  | { type: 'stats'; stats: TranscriberStats }
  | { type: 'pong'; id: number };
