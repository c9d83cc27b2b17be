// The server's side of the transcriber: starts the transcriber process (when
// a model is configured), restarts it if it dies or stops answering its
// heartbeat (frozen: SIGSTOP, a stuck event loop), tells it which RTP streams
// belong to which speaker, and hands out its subtitle lines, metrics and
// voice-message transcriptions. Everything heavy happens in that process.
import { type ChildProcess, fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { setPriority } from 'node:os';
import { createInterface } from 'node:readline';
import type { Logger } from '../common/log.js';
import type { TranscriberConfig } from './config.js';
import type {
  FromTranscriber,
  StreamSpec,
  SubtitleLine,
  ToTranscriber,
  TranscriberProcessOptions,
  TranscriberStats,
} from './ipcMessages.js';
import type { WhisperLanguage } from './whisperEngine.js';

export type Availability = 'available' | 'starting' | 'no-model' | 'model-missing' | 'failed';

interface ServiceEvents {
  subtitle: [line: SubtitleLine, latencyMs: number];
  dropped: [key: string, index: number, startMs: number, endMs: number];
  stats: [stats: TranscriberStats];
  availability: [state: Availability];
}

// From the sources (.ts, run through tsx) or from a built release (.js, plain node).
const COMPILED = import.meta.url.endsWith('.js');
const PROCESS_PATH = new URL(
  COMPILED ? './transcriberProcess.js' : './transcriberProcess.ts',
  import.meta.url,
).pathname;
const REPO_ROOT = new URL('..', import.meta.url).pathname;
const RESTART_MIN_MS = 1000;
const RESTART_MAX_MS = 30_000;
/** How often a ready process is asked whether it lives. */
const HEARTBEAT_EVERY_MS = 2000;
/**
 * No answer for this long: the process is frozen, and is killed and
 * restarted like one that died. Its event loop only relays (Whisper runs on
 * libuv's pool), so a live one answers within milliseconds even when busy.
 */
const HEARTBEAT_TIMEOUT_MS = 10_000;

export class TranscriberService extends EventEmitter<ServiceEvents> {
  private child: ChildProcess | null = null;
  private state: Availability = 'starting';
  private rtpPortValue = 0;
  private readonly streams = new Map<string, StreamSpec>();
  private readonly pending = new Map<
    number,
    { resolve: (r: { text: string; language: string }) => void; reject: (e: Error) => void }
  >();
  private nextId = 1;
  private restartDelay = RESTART_MIN_MS;
  private restartTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private heartbeat: NodeJS.Timeout | null = null;
  private lastAnswerAt = 0;
  /** Processes killed for not answering their heartbeat. */
  frozenRestarts = 0;
  private readyWaiters: (() => void)[] = [];
  lastStats: TranscriberStats | null = null;

  constructor(
    private readonly config: TranscriberConfig,
    private readonly log: Logger,
    /** Where mediasoup sends RTP to the transcriber (loopback on one host). */
    private readonly rtpIp = '127.0.0.1',
  ) {
    super();
    if (!config.modelPath) {
      this.state = 'no-model';
      log.info('subtitles unavailable: no Whisper model configured (WHISPER_MODEL)');
    } else if (!existsSync(config.modelPath)) {
      this.state = 'model-missing';
      log.warn({ modelPath: config.modelPath }, 'subtitles unavailable: Whisper model file not found');
    } else {
      this.spawn();
    }
  }

  get availability(): Availability {
    return this.state;
  }

  /** Subtitles can be turned on (the process may still be loading the model). */
  get usable(): boolean {
    return this.state === 'available' || this.state === 'starting';
  }

  /** The transcriber process, for measuring its CPU use. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  get rtpIpAddress(): string {
    return this.rtpIp;
  }

  /** The port the running transcriber process listens on (0 before it is first ready). */
  get rtpPortNow(): number {
    return this.rtpPortValue;
  }

  /** The transcriber's RTP port once it is ready. */
  async rtpPort(): Promise<number> {
    if (this.state === 'available') return this.rtpPortValue;
    if (!this.usable) throw new Error(`transcriber ${this.state}`);
    await new Promise<void>((resolve) => this.readyWaiters.push(resolve));
    // The state changed while waiting.
    if ((this.state as Availability) !== 'available') throw new Error(`transcriber ${this.state}`);
    return this.rtpPortValue;
  }

  addStream(spec: StreamSpec): void {
    this.streams.set(spec.key, spec);
    this.post({ type: 'addStream', stream: spec });
  }

  removeStream(key: string): void {
    if (this.streams.delete(key)) this.post({ type: 'removeStream', key });
  }

  /** Transcribes a whole recording (a voice message): 16 kHz mono PCM, at most 30 s per call. */
  async transcribePcm(
    pcm: Float32Array,
    language: WhisperLanguage,
    translate = false,
  ): Promise<{ text: string; language: string }> {
    // Still loading its model: wait for it (throws if it cannot start).
    if (this.state === 'starting') await this.rtpPort();
    if (this.state !== 'available' || !this.child) throw new Error(`transcriber ${this.state}`);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.post({ type: 'transcribe', id, pcm, language, translate });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.stopHeartbeat();
    const child = this.child;
    this.child = null;
    this.failPending('transcriber closed');
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.send({ type: 'shutdown' } satisfies ToTranscriber);
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }

  private post(message: ToTranscriber): void {
    if (this.state === 'available' && this.child?.connected) this.child.send(message);
  }

  private setState(state: Availability): void {
    if (this.state === state) return;
    this.state = state;
    this.emit('availability', state);
    if (state !== 'starting') for (const w of this.readyWaiters.splice(0)) w();
  }

  private spawn(): void {
    const options: TranscriberProcessOptions = {
      modelPath: this.config.modelPath!,
      parallelJobs: this.config.parallelJobs,
      threadsPerJob: this.config.threadsPerJob,
      maxQueuedSeconds: this.config.maxQueuedSeconds,
      maxTokensPerSecond: this.config.maxTokensPerSecond,
      encoderWindow: this.config.encoderWindow,
      partials: this.config.partials,
      rtpListenIp: this.rtpIp,
    };
    this.setState('starting');
    const child = fork(PROCESS_PATH, [JSON.stringify(options)], {
      cwd: REPO_ROOT,
      execArgv: COMPILED ? [] : ['--import', 'tsx'],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      env: {
        ...process.env,
        // Quiets whisper.cpp's own logging (the binding checks NODE_ENV).
        NODE_ENV: 'production',
        // Whisper jobs run on libuv's pool; leave room for its other work.
        UV_THREADPOOL_SIZE: String(this.config.parallelJobs + 2),
      },
    });
    this.child = child;
    if (child.pid !== undefined) {
      try {
        setPriority(child.pid, this.config.niceness);
      } catch (err) {
        this.log.warn({ err }, 'could not lower the transcriber process priority');
      }
    }
    child.on('message', (m) => this.onMessage(m as FromTranscriber));
    // ggml prints buffer bookkeeping to stderr on every utterance; anything else is worth a log line.
    createInterface({ input: child.stderr! }).on('line', (line) => {
      if (!/^(ggml_|whisper_)/.test(line) && line.trim()) this.log.warn({ line }, 'transcriber stderr');
    });
    child.on('exit', (code, signal) => {
      if (this.child !== child) return;
      this.child = null;
      this.stopHeartbeat();
      this.failPending('transcriber process exited');
      if (this.closed) return;
      if (this.state === 'starting') {
        // It died before it was ready: it cannot load the model, and restarting will not help.
        this.log.error(
          { code, signal, modelPath: this.config.modelPath },
          'subtitles unavailable: transcriber failed',
        );
        this.setState('failed');
        return;
      }
      this.log.error(
        { code, signal, restartInMs: this.restartDelay },
        'transcriber process exited; restarting',
      );
      this.setState('starting');
      this.restartTimer = setTimeout(() => {
        this.restartTimer = null;
        if (!this.closed) this.spawn();
      }, this.restartDelay);
      this.restartDelay = Math.min(RESTART_MAX_MS, this.restartDelay * 2);
    });
  }

  private onMessage(m: FromTranscriber): void {
    switch (m.type) {
      case 'ready':
        this.rtpPortValue = m.rtpPort;
        this.startHeartbeat();
        this.setState('available');
        for (const spec of this.streams.values()) this.child?.send({ type: 'addStream', stream: spec });
        break;
      case 'failed':
        this.log.error({ message: m.message }, 'transcriber failed to start');
        break;
      case 'subtitle':
        this.restartDelay = RESTART_MIN_MS;
        this.emit('subtitle', m.line, m.latencyMs);
        break;
      case 'dropped':
        this.emit('dropped', m.key, m.index, m.startMs, m.endMs);
        break;
      case 'pong':
        this.lastAnswerAt = Date.now();
        break;
      case 'stats':
        this.lastStats = m.stats;
        this.emit('stats', m.stats);
        break;
      case 'transcribed':
      case 'transcribeFailed': {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.type === 'transcribed') p.resolve({ text: m.text, language: m.language });
        else p.reject(new Error(m.message));
        break;
      }
    }
  }

  /** Asks the ready process every HEARTBEAT_EVERY_MS; one silent for HEARTBEAT_TIMEOUT_MS is killed (and so restarted). */
  private startHeartbeat(): void {
    this.stopHeartbeat();
    const child = this.child;
    if (!child) return;
    this.lastAnswerAt = Date.now();
    let id = 0;
    this.heartbeat = setInterval(() => {
      if (this.child !== child) return this.stopHeartbeat();
      const silentMs = Date.now() - this.lastAnswerAt;
      if (silentMs > HEARTBEAT_TIMEOUT_MS) {
        this.stopHeartbeat();
        this.frozenRestarts++;
        this.log.error(
          { pid: child.pid, silentMs },
          'transcriber process stopped answering; killing it to restart',
        );
        // SIGKILL ends a stopped process too; the exit handler restarts it.
        child.kill('SIGKILL');
        return;
      }
      if (child.connected) child.send({ type: 'ping', id: ++id } satisfies ToTranscriber);
    }, HEARTBEAT_EVERY_MS);
    this.heartbeat.unref();
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  private failPending(reason: string): void {
    for (const p of this.pending.values()) p.reject(new Error(reason));
    this.pending.clear();
  }
}
