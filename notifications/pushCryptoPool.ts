// Web-push payload encryption off the messenger's event loop: each push needs
// an ECDH, an HKDF and AES-GCM (RFC 8291), about a millisecond of CPU; at
// hundreds of pushes a second that was time the event loop did not spend
// delivering to sockets. A few worker threads (PUSH_CRYPTO_THREADS) do it;
// jobs wait in a bounded line (beyond it refused as "busy"); a thread that
// dies is replaced and its jobs in flight are tried once more on another.
// Failures reject with a PushCryptoError, which the notifier counts as a
// failed push like a push service's refusal. Node's worker_threads directly:
// the job is one function call, no pool library needed.
import { Worker } from 'node:worker_threads';
import type client from 'prom-client';
import promClient from 'prom-client';
import webpush from 'web-push';
import type { Logger } from '../common/log.js';

/** The arguments of web-push's generateRequestDetails (subscription, payload, options). */
export type RequestArgs = Parameters<typeof webpush.generateRequestDetails>;

/** A push request ready to post: headers and the encrypted body. */
export interface PreparedPush {
  endpoint: string;
  headers: Record<string, string | number>;
  body: Buffer | null;
}

/** Builds push requests; the server's is the pool, a tool's may build them in place. */
export interface PushEncryptor {
  prepare(args: RequestArgs): Promise<PreparedPush>;
}

export type PushCryptoFailure = 'busy' | 'thread-died' | 'closed' | 'refused';

export class PushCryptoError extends Error {
  constructor(
    readonly reason: PushCryptoFailure,
    message: string,
  ) {
    super(message);
    this.name = 'PushCryptoError';
  }
}

/** Encryption on the calling thread (tools and tests that build a PushSender alone). */
export const encryptInPlace: PushEncryptor = {
  prepare: async (args) => {
    const d = webpush.generateRequestDetails(...args);
    return { endpoint: d.endpoint, headers: d.headers as PreparedPush['headers'], body: d.body };
  },
};

const WORKER_URL = new URL('./pushCryptoWorker.js', import.meta.url);
/** Jobs handed to one thread at once: its next is there when it finishes one. */
const PER_THREAD = 4;
/** A job is tried on at most this many threads (one more after its thread died). */
const TRIES = 2;

interface Job {
  args: RequestArgs;
  resolve: (p: PreparedPush) => void;
  reject: (e: Error) => void;
  tries: number;
  startedAt: number;
}

interface Thread {
  worker: Worker;
  jobs: Map<number, Job>;
}

interface Answer {
  id: number;
  endpoint?: string;
  headers?: PreparedPush['headers'];
  body?: Uint8Array | null;
  error?: string;
}

export interface PushCryptoPoolOptions {
  threads: number;
  /** Jobs waiting for a thread at most. */
  waitingMax: number;
  registry: client.Registry;
  log: Logger;
}

export class PushCryptoPool implements PushEncryptor {
  private readonly threadList: Thread[] = [];
  private readonly waitingJobs: Job[] = [];
  private nextId = 0;
  private closed = false;
  private readonly m: PoolMetrics;

  constructor(private readonly o: PushCryptoPoolOptions) {
    this.m = poolMetrics(o.registry);
    for (let i = 0; i < Math.max(1, o.threads); i++) this.threadList.push(this.spawn());
  }

  /** Jobs waiting for a thread. */
  get waiting(): number {
    return this.waitingJobs.length;
  }

  /** The threads now (a test ends one to see it replaced). */
  get threads(): readonly Worker[] {
    return this.threadList.map((t) => t.worker);
  }

  prepare(args: RequestArgs): Promise<PreparedPush> {
    if (this.closed)
      return Promise.reject(new PushCryptoError('closed', 'the push encryption pool is closed'));
    if (this.waitingJobs.length >= this.o.waitingMax) {
      this.m.jobs.inc({ result: 'busy' });
      return Promise.reject(new PushCryptoError('busy', 'the push encryption pool is full'));
    }
    return new Promise((resolve, reject) => {
      this.waitingJobs.push({ args, resolve, reject, tries: 0, startedAt: 0 });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const left = this.waitingJobs.splice(0);
    for (const t of this.threadList) left.push(...t.jobs.values());
    for (const j of left) j.reject(new PushCryptoError('closed', 'the push encryption pool is closed'));
    this.m.waiting.set(0);
    await Promise.all(this.threadList.map((t) => t.worker.terminate()));
  }

  private spawn(): Thread {
    const worker = new Worker(WORKER_URL);
    // A pool someone forgot to close does not hold the process open.
    worker.unref();
    const t: Thread = { worker, jobs: new Map() };
    worker.on('message', (a: Answer) => this.answered(t, a));
    worker.on('error', (err) => this.o.log.warn({ err }, 'a push encryption thread failed'));
    worker.on('exit', (code) => this.exited(t, code));
    return t;
  }

  private answered(t: Thread, a: Answer): void {
    const job = t.jobs.get(a.id);
    if (!job) return;
    t.jobs.delete(a.id);
    this.m.seconds.observe((performance.now() - job.startedAt) / 1000);
    if (a.error !== undefined) {
      this.m.jobs.inc({ result: 'refused' });
      job.reject(new PushCryptoError('refused', a.error));
    } else {
      this.m.jobs.inc({ result: 'done' });
      const body = a.body ? Buffer.from(a.body.buffer, a.body.byteOffset, a.body.byteLength) : null;
      job.resolve({ endpoint: a.endpoint!, headers: a.headers!, body });
    }
    this.pump();
  }

  /** A thread ended: replaced, and its jobs tried once more on another (encrypting again is harmless). */
  private exited(t: Thread, code: number): void {
    if (this.closed) return;
    const i = this.threadList.indexOf(t);
    if (i < 0) return;
    this.o.log.warn({ code, jobs: t.jobs.size }, 'a push encryption thread ended; starting another');
    this.m.restarts.inc();
    this.threadList[i] = this.spawn();
    const again: Job[] = [];
    for (const job of t.jobs.values()) {
      if (job.tries < TRIES) again.push(job);
      else {
        this.m.jobs.inc({ result: 'failed' });
        job.reject(new PushCryptoError('thread-died', 'the push encryption thread ended'));
      }
    }
    t.jobs.clear();
    // Ahead of the line: they were first.
    this.waitingJobs.unshift(...again);
    this.pump();
  }

  private pump(): void {
    for (const t of this.threadList) {
      while (t.jobs.size < PER_THREAD && this.waitingJobs.length > 0) {
        const job = this.waitingJobs.shift()!;
        const id = this.nextId++;
        job.tries++;
        job.startedAt = performance.now();
        t.jobs.set(id, job);
        t.worker.postMessage({ id, args: job.args });
      }
    }
    this.m.waiting.set(this.waitingJobs.length);
  }
}

interface PoolMetrics {
  waiting: client.Gauge;
  seconds: client.Histogram;
  jobs: client.Counter<'result'>;
  restarts: client.Counter;
}

function poolMetrics(registry: client.Registry): PoolMetrics {
  const one = <T>(name: string, make: () => T): T => (registry.getSingleMetric(name) as T) ?? make();
  return {
    waiting: one(
      'school_call_push_crypto_waiting',
      () =>
        new promClient.Gauge({
          name: 'school_call_push_crypto_waiting',
          help: 'Pushes waiting for a thread of the push encryption pool',
          registers: [registry],
        }),
    ),
    seconds: one(
      'school_call_push_crypto_job_seconds',
      () =>
        new promClient.Histogram({
          name: 'school_call_push_crypto_job_seconds',
          help: 'Time from handing a push to an encryption thread to its encrypted request',
          buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5],
          registers: [registry],
        }),
    ),
    jobs: one(
      'school_call_push_crypto_jobs_total',
      () =>
        new promClient.Counter({
          name: 'school_call_push_crypto_jobs_total',
          help: 'Pushes through the encryption pool: done, refused (bad keys), failed (its thread died twice), busy (the line was full)',
          labelNames: ['result'],
          registers: [registry],
        }),
    ),
    restarts: one(
      'school_call_push_crypto_thread_restarts_total',
      () =>
        new promClient.Counter({
          name: 'school_call_push_crypto_thread_restarts_total',
          help: 'Push encryption threads that ended and were replaced',
          registers: [registry],
        }),
    ),
  };
}
