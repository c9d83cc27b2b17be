// What the messenger load tests share: PostgreSQL and Redis as shipped
// (scripts/postgresql.conf, synchronous_commit on; scripts/redis.conf) and
// the messenger in their own processes, people and tokens, and a lean
// chat client. Receivers do not decode every frame: a load message's text
// carries its send time ("t:<ms>"), found in the raw frame, so the load
// generator can take 100,000 deliveries a second on a shared machine.
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { schoolcall } from '../common/protocol/generated/protocol.js';
import { UserTokens } from '../messaging/userTokens.js';
import { DurableRedis } from '../test/helpers/durableRedis.js';
import { MessengerProcess } from '../test/helpers/messengerProcess.js';
import { PostgresCluster } from '../test/helpers/postgres.js';
import { onInterrupt } from './interrupt.js';

import cpb = schoolcall.chat.v1;

export interface ChatStack {
  redis: DurableRedis;
  postgres: PostgresCluster;
  server: MessengerProcess;
  env: Record<string, string>;
  tokens: UserTokens;
  pid(): number;
  redisPid(): number;
  createChat(title: string, members: string[]): Promise<string>;
  /** Makes these people known to the messenger without connecting them (members who stay away). */
  registerUsers(users: ReturnType<typeof userOf>[]): Promise<void>;
  stop(): Promise<void>;
}

export async function startChatStack(
  redisArgs: string[] = [],
  extraEnv: Record<string, string> = {},
): Promise<ChatStack> {
  const redis = new DurableRedis(redisArgs);
  const postgres = new PostgresCluster();
  let server: MessengerProcess | null = null;
  const forget = onInterrupt(async () => {
    await server?.kill('SIGTERM');
    await redis.kill('SIGTERM');
    await postgres.stop();
  });
  await redis.start();
  await postgres.start();
  const env = {
    REDIS_URL: redis.url,
    DATABASE_URL: postgres.url(),
    TOKEN_SECRET: randomBytes(24).toString('base64url'),
    ADMIN_SECRET: randomBytes(24).toString('base64url'),
    // Every simulated person connects from 127.0.0.1, many at once, before authenticating.
    MAX_PENDING_CONNECTIONS_PER_ADDRESS: '1000000',
    // 2000 people signing in at once on a busy machine may take longer than the
    // 15 s a socket has to authenticate; this measures delivery, not sign-in.
    JOIN_DEADLINE_SECONDS: '300',
    // A few senders stand for a whole school here: the per-person message cap is not what is measured.
    CHAT_MESSAGES_PER_MINUTE: '100000',
    ...extraEnv,
  };
  const messenger = new MessengerProcess(env);
  server = messenger;
  try {
    await messenger.start();
  } catch (err) {
    // A server that did not become ready in time on a busy machine: leave nothing running.
    forget();
    await messenger.kill('SIGKILL');
    await redis.kill('SIGTERM');
    await postgres.stop();
    throw err;
  }
  return {
    redis,
    postgres,
    server: messenger,
    env,
    tokens: new UserTokens(env.TOKEN_SECRET, 'school-call'),
    pid: () => messenger.pid,
    redisPid: () => redis.pid,
    async createChat(title, members) {
      const res = await fetch(`${messenger.httpUrl}/api/chats`, {
        method: 'POST',
        headers: { authorization: `Bearer ${env.ADMIN_SECRET}`, 'content-type': 'application/json' },
        body: JSON.stringify({ title, members: members.map((userId) => ({ userId })) }),
      });
      if (res.status !== 201) throw new Error(`create chat: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { chatId: string }).chatId;
    },
    async registerUsers(users) {
      let next = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (next < users.length) {
            const u = users[next++]!;
            const res = await fetch(`${messenger.httpUrl}/api/users/${encodeURIComponent(u.userId)}`, {
              method: 'PUT',
              headers: { authorization: `Bearer ${env.ADMIN_SECRET}`, 'content-type': 'application/json' },
              body: JSON.stringify(u),
            });
            if (res.status !== 200)
              throw new Error(`register ${u.userId}: ${res.status} ${await res.text()}`);
          }
        }),
      );
    },
    async stop() {
      forget();
      await messenger.kill('SIGTERM');
      await redis.kill('SIGTERM');
      await postgres.stop();
    },
  };
}

export function userOf(i: number) {
  const n = String(i).padStart(5, '0');
  return {
    userId: `u${n}`,
    displayName: `Ученик ${n}`,
    sortName: `Ученик ${n}`,
    role: 'student' as const,
    schoolId: 'load',
  };
}

const MARK = Buffer.from('t:');

/** Milliseconds on a clock shared by every process of the load test (wall time, sub-ms). */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

/** The send time a load message carries, found without decoding the frame. */
export function sentAtIn(frame: Buffer): number | null {
  const i = frame.indexOf(MARK);
  if (i < 0) return null;
  let v = 0;
  let frac = 0;
  let scale = 0;
  for (let j = i + 2; j < frame.length; j++) {
    const c = frame[j]!;
    if (c === 46) scale = 1;
    else if (c >= 48 && c <= 57) {
      if (scale) {
        scale *= 10;
        frac = frac * 10 + (c - 48);
      } else v = v * 10 + (c - 48);
    } else break;
  }
  return scale ? v + frac / scale : v;
}

export class LoadChatClient {
  private nextId = 1;
  private readonly pending = new Map<number, (r: cpb.ChatResponse) => void>();
  /** Called with each load message's send time as it arrives. */
  onLoadMessage: ((sentAt: number) => void) | null = null;
  /** Events received (any kind). */
  events = 0;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => this.onFrame(data));
  }

  static async connect(url: string, token: string): Promise<LoadChatClient> {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.binaryType = 'nodebuffer';
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const c = new LoadChatClient(ws);
    // A socket the server closes before it answers fails the run instead of hanging it.
    const closed = new Promise<never>((_, reject) =>
      ws.once('close', (code, reason) =>
        reject(new Error(`closed before authenticating: ${code} ${reason}`)),
      ),
    );
    closed.catch(() => undefined);
    const r = await Promise.race([c.request({ authenticate: { token } }), closed]);
    if (r.error) throw new Error(r.error.message ?? 'authenticate failed');
    return c;
  }

  request(body: Omit<cpb.IChatClientMessage, 'requestId'>): Promise<cpb.ChatResponse> {
    const requestId = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(requestId, resolve);
      this.ws.send(cpb.ChatClientMessage.encode({ ...body, requestId }).finish());
    });
  }

  /** Sends a load message stamped with the time now; resolves with the time to its acknowledgement. */
  async sendStamped(chatId: string): Promise<number> {
    const at = now();
    const r = await this.request({
      sendMessage: { chatId, text: `t:${at.toFixed(3)}`, clientMessageId: randomBytes(8).toString('hex') },
    });
    if (r.error) throw new Error(r.error.message ?? 'send failed');
    return now() - at;
  }

  close(): void {
    this.ws.terminate();
  }

  private onFrame(data: Buffer): void {
    // Responses start with field 1 (tag 0x0a), events with field 2 (0x12).
    if (data[0] === 0x0a) {
      const m = cpb.ChatServerMessage.decode(data);
      const r = m.response as cpb.ChatResponse;
      const p = this.pending.get(r.requestId);
      if (p) {
        this.pending.delete(r.requestId);
        p(r);
      }
      return;
    }
    this.events++;
    if (this.onLoadMessage) {
      const at = sentAtIn(data);
      if (at !== null) this.onLoadMessage(at);
    }
  }
}

/** Connects clients `concurrency` at a time. */
export async function connectAll(
  url: string,
  tokens: string[],
  concurrency: number,
): Promise<LoadChatClient[]> {
  const out: LoadChatClient[] = new Array(tokens.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < tokens.length) {
        const i = next++;
        out[i] = await LoadChatClient.connect(url, tokens[i]!);
      }
    }),
  );
  return out;
}

/**
 * The sends of a run: each acknowledgement's time, and each refusal counted
 * by its reason. A refused send is a result to print (a store that cannot
 * keep up answers "unavailable"), not a crash that leaves the server and the
 * receivers running.
 */
export class SendTally {
  private readonly pending: Promise<void>[] = [];
  private readonly acks: number[] = [];
  private readonly refusals = new Map<string, number>();

  add(send: Promise<number>): void {
    this.pending.push(
      send.then(
        (ms) => {
          this.acks.push(ms);
        },
        (err: unknown) => {
          const reason = err instanceof Error ? err.message : String(err);
          this.refusals.set(reason, (this.refusals.get(reason) ?? 0) + 1);
        },
      ),
    );
  }

  /** Once every send is answered: acknowledgement times (sorted) and the refusals. */
  async settled(): Promise<{ ackTimes: Float64Array; refused: number; summary: string }> {
    await Promise.all(this.pending);
    const ackTimes = Float64Array.from(this.acks).sort();
    let refused = 0;
    for (const n of this.refusals.values()) refused += n;
    const reasons = [...this.refusals].map(([reason, n]) => `${n}× ${reason}`).join('; ');
    const summary =
      `send acknowledged        p50 ${pct(ackTimes, 50).toFixed(1)} ms, p99 ${pct(ackTimes, 99).toFixed(1)} ms; ` +
      `refused ${refused} of ${this.pending.length}${reasons ? ` (${reasons})` : ''}`;
    return { ackTimes, refused, summary };
  }
}

/** A growable list of latency samples in ms. */
export class Samples {
  private data = new Float64Array(1 << 16);
  length = 0;

  push(v: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }

  sorted(): Float64Array {
    return this.data.slice(0, this.length).sort();
  }
}

export function pct(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Waits until `done()` or the timeout; false on timeout. */
export async function until(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Receiving members spread over child processes (see chatReceivers.ts). */
export class Receivers {
  private following_: Promise<unknown> | null = null;

  private readonly forget: () => void;

  private constructor(private readonly children: ChildProcess[]) {
    this.forget = onInterrupt(() => this.kill());
  }

  static async start(url: string, tokens: string[], processes: number): Promise<Receivers> {
    const file = fileURLToPath(new URL('./chatReceivers.ts', import.meta.url));
    const children = Array.from({ length: processes }, () =>
      fork(file, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
    );
    const r = new Receivers(children);
    const per = Math.ceil(tokens.length / processes);
    // Listen before asking: a child may report at once.
    r.following_ = Promise.all(children.map((c) => r.next(c, 'following')));
    r.following_.catch(() => undefined);
    try {
      await Promise.all(
        children.map((c, i) => {
          const done = r.next(c, 'connected');
          c.send({ type: 'connect', url, tokens: tokens.slice(i * per, (i + 1) * per) });
          return done;
        }),
      );
    } catch (err) {
      // The caller holds no Receivers yet: the children still connecting would outlive the run.
      r.kill();
      throw err;
    }
    return r;
  }

  /** The receiving processes' pids (their CPU is the load generator's, not the server's). */
  pids(): number[] {
    return this.children.flatMap((c) => (c.pid ? [c.pid] : []));
  }

  private next(child: ChildProcess, type: string): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const onMessage = (m: Record<string, unknown>) => {
        if (m.type !== type) return;
        child.off('message', onMessage);
        resolve(m);
      };
      child.on('message', onMessage);
      child.once('exit', (code) => reject(new Error(`a receiver process exited (${code}) before "${type}"`)));
    });
  }

  /**
   * Resolves once every receiver has been told of its chat; fails after
   * `timeoutMs` instead of waiting for ever on a member the server never
   * told (its log says why).
   */
  async following(timeoutMs = 120_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`not every member follows the chat after ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([this.following_, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  measure(): void {
    for (const c of this.children) c.send({ type: 'measure' });
  }

  /** Every delivery's latency, and per message the time it reached the last receiver. */
  async report(): Promise<{ latencies: Samples; toAll: Float64Array }> {
    const reports = await Promise.all(
      this.children.map((c) => {
        const r = this.next(c, 'report');
        c.send({ type: 'report' });
        return r;
      }),
    );
    const latencies = new Samples();
    const last = new Map<number, number>();
    for (const r of reports) {
      for (const v of r.latencies as number[]) latencies.push(v);
      for (const [sentAt, at] of r.lastArrival as [number, number][]) {
        if (at > (last.get(sentAt) ?? 0)) last.set(sentAt, at);
      }
    }
    const toAll = Float64Array.from([...last].map(([sentAt, at]) => at - sentAt)).sort();
    return { latencies, toAll };
  }

  kill(): void {
    this.forget();
    for (const c of this.children) c.kill();
  }
}

/** Runs a load test's main; a run that stalls with nothing left to wait for fails instead of exiting 0. */
export function runLoadTest(main: () => Promise<void>): void {
  let finished = false;
  process.on('beforeExit', () => {
    if (!finished) {
      console.error('the load test stalled (nothing left to wait for)');
      process.exitCode = 1;
    }
  });
  main()
    .then(() => {
      finished = true;
    })
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
