// The bounded queue in front of Whisper. Final utterances wait in order; when
// the audio waiting exceeds the limit the oldest is dropped (and counted), so
// a transcriber that fell behind catches up instead of lagging further.
// Partials run only on a slot nobody else wants, newest per speaker only.
// Voice messages are never dropped: they have their own small queue and run
// when live speech leaves room (or after waiting long enough).
import type { WhisperJob, WhisperResult } from './whisperEngine.js';

const SAMPLE_RATE = 16000;
/** A voice message waiting this long runs ahead of live speech. */
const FILE_JOB_MAX_WAIT_MS = 20_000;

export interface LiveJob extends WhisperJob {
  kind: 'final' | 'partial';
  /** The speaker's stream. */
  key: string;
  index: number;
  startMs: number;
  endMs: number;
}

export interface FileJob extends WhisperJob {
  kind: 'file';
  id: number;
}

export type QueuedJob = LiveJob | FileJob;

export interface QueueStats {
  queuedJobs: number;
  queuedSeconds: number;
  running: number;
  droppedSeconds: number;
  droppedUtterances: number;
  /** Seconds of audio transcribed (finals, partials and files). */
  transcribedSeconds: number;
  /** Wall seconds spent inside Whisper, summed over slots. */
  busySeconds: number;
}

export interface QueueHandlers {
  run(job: QueuedJob): Promise<WhisperResult>;
  done(job: QueuedJob, result: WhisperResult, queuedMs: number, ranMs: number): void;
  failed(job: QueuedJob, err: unknown): void;
  dropped(job: LiveJob): void;
}

const seconds = (job: WhisperJob): number => job.pcm.length / SAMPLE_RATE;

export class InferenceQueue {
  private readonly finals: { job: LiveJob; at: number }[] = [];
  private readonly partials = new Map<string, { job: LiveJob; at: number }>();
  private readonly files: { job: FileJob; at: number }[] = [];
  private finalSeconds = 0;
  private running = 0;
  private readonly stats = { droppedSeconds: 0, droppedUtterances: 0, transcribedSeconds: 0, busySeconds: 0 };

  constructor(
    private readonly slots: number,
    private readonly maxQueuedSeconds: number,
    private readonly maxFileJobs: number,
    private readonly handlers: QueueHandlers,
  ) {}

  pushLive(job: LiveJob): void {
    const now = Date.now();
    if (job.kind === 'partial') {
      this.partials.set(job.key, { job, at: now });
    } else {
      const pending = this.partials.get(job.key);
      if (pending && pending.job.index <= job.index) this.partials.delete(job.key);
      this.finals.push({ job, at: now });
      this.finalSeconds += seconds(job);
      while (this.finalSeconds > this.maxQueuedSeconds && this.finals.length > 1) {
        const oldest = this.finals.shift()!.job;
        this.finalSeconds -= seconds(oldest);
        this.stats.droppedSeconds += seconds(oldest);
        this.stats.droppedUtterances++;
        this.handlers.dropped(oldest);
      }
    }
    this.pump();
  }

  /** False when too many voice messages wait already. */
  pushFile(job: FileJob): boolean {
    if (this.files.length >= this.maxFileJobs) return false;
    this.files.push({ job, at: Date.now() });
    this.pump();
    return true;
  }

  /** A speaker's stream ended: its partial is no longer wanted. */
  forget(key: string): void {
    this.partials.delete(key);
  }

  snapshot(): QueueStats {
    let queuedSeconds = this.finalSeconds;
    for (const f of this.files) queuedSeconds += seconds(f.job);
    return {
      queuedJobs: this.finals.length + this.files.length + this.partials.size,
      queuedSeconds,
      running: this.running,
      ...this.stats,
    };
  }

  private next(): { job: QueuedJob; at: number } | undefined {
    const now = Date.now();
    const file = this.files[0];
    if (file && (this.finals.length === 0 || now - file.at > FILE_JOB_MAX_WAIT_MS)) return this.files.shift();
    const final = this.finals.shift();
    if (final) {
      this.finalSeconds -= seconds(final.job);
      return final;
    }
    // Partials only on a slot that would otherwise idle, oldest first.
    let oldest: { job: LiveJob; at: number } | undefined;
    for (const p of this.partials.values()) if (!oldest || p.at < oldest.at) oldest = p;
    if (oldest) this.partials.delete(oldest.job.key);
    return oldest;
  }

  private pump(): void {
    while (this.running < this.slots) {
      const item = this.next();
      if (!item) return;
      this.running++;
      const started = Date.now();
      this.handlers.run(item.job).then(
        (result) => {
          this.finish(item.job, started);
          this.handlers.done(item.job, result, started - item.at, Date.now() - started);
        },
        (err) => {
          this.finish(item.job, started);
          this.handlers.failed(item.job, err);
        },
      );
    }
  }

  private finish(job: QueuedJob, started: number): void {
    this.running--;
    this.stats.busySeconds += (Date.now() - started) / 1000;
    this.stats.transcribedSeconds += seconds(job);
    // Settle the caller's handlers first, then start the next job.
    queueMicrotask(() => this.pump());
  }
}
