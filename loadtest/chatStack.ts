// What the messenger load tests share: Redis as shipped (scripts/redis.conf)
// and the messenger in their own processes, people and tokens, and a lean
// chat client. Receivers do not decode every frame: a load message's text
// carries its send time ("t:<ms>"), found in the raw frame, so the load
// generator can take 100,000 deliveries a second on a shared machine.
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { UserTokens } from '../messaging/userTokens.js';
import { schoolcall } from '../signaling/protocol/generated/protocol.js';
import { DurableRedis } from '../test/helpers/durableRedis.js';
import { MessengerProcess } from '../test/helpers/messengerProcess.js';

import cpb = schoolcall.chat.v1;

export interface ChatStack {
  redis: DurableRedis;
  server: MessengerProcess;
  env: Record<string, string>;
  tokens: UserTokens;
  pid(): number;
  redisPid(): number;
  createChat(title: string, members: string[]): Promise<string>;
  stop(): Promise<void>;
}

export async function startChatStack(redisArgs: string[] = []): Promise<ChatStack> {
  const redis = new DurableRedis(redisArgs);
  await redis.start();
  const env = {
    REDIS_URL: redis.url,
    TOKEN_SECRET: randomBytes(24).toString('base64url'),
    ADMIN_SECRET: randomBytes(24).toString('base64url'),
  };
  const server = new MessengerProcess(env);
  await server.start();
  return {
    redis,
    server,
    env,
    tokens: new UserTokens(env.TOKEN_SECRET, 'school-call'),
    pid: () => server.pid,
    redisPid: () => redis.pid,
    async createChat(title, members) {
      const res = await fetch(`${server.httpUrl}/api/chats`, {
        method: 'POST',
        headers: { authorization: `Bearer ${env.ADMIN_SECRET}`, 'content-type': 'application/json' },
        body: JSON.stringify({ title, members: members.map((userId) => ({ userId })) }),
      });
      if (res.status !== 201) throw new Error(`create chat: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { chatId: string }).chatId;
    },
    async stop() {
      await server.kill('SIGTERM');
      await redis.kill('SIGTERM');
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
    const r = await c.request({ authenticate: { token } });
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
    const at = performance.now();
    const r = await this.request({
      sendMessage: { chatId, text: `t:${at.toFixed(3)}`, clientMessageId: randomBytes(8).toString('hex') },
    });
    if (r.error) throw new Error(r.error.message ?? 'send failed');
    return performance.now() - at;
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

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
