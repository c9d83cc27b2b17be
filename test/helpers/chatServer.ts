// A real messenger for tests: the real server (with one mediasoup worker) on
// its own Redis, in this process; people registered and given tokens through
// the admin API, and clients that log what the server pushes.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import WebSocket from 'ws';
import type { ServerExtras } from '../../app/server.js';
import { createLogger } from '../../common/log.js';
import type { Postgres } from '../../common/postgres/connect.js';
import { schoolcall } from '../../common/protocol/generated/protocol.js';
import { ChatBus } from '../../messaging/bus.js';
import { ChatStore } from '../../messaging/store/chatStore.js';
import { MessageStore } from '../../messaging/store/messageStore.js';
import { ChatClient, type ChatSocketFactory } from '../../web/src/protocol/chatClient.js';
import { EventLog } from './eventLog.js';
import { type TestRedis, startRedis } from './redis.js';
import { type TestServer, startTestServer } from './testServer.js';

import cpb = schoolcall.chat.v1;

export { cpb };

/** The messenger's stores on a test deployment's PostgreSQL, publishing on its Redis. */
export function messagingStores(
  db: Postgres,
  redis: Redis,
): { chatStore: ChatStore; messageStore: MessageStore } {
  const bus = new ChatBus(redis, createLogger('warn'));
  return { chatStore: new ChatStore(db, bus), messageStore: new MessageStore(db, bus) };
}

export interface TestPerson {
  userId: string;
  displayName: string;
  sortName?: string;
  role?: 'admin' | 'teacher' | 'student' | 'parent';
  schoolId?: string;
}

export interface ChatTestServer {
  redis: TestRedis | null;
  server: TestServer;
  env: Record<string, string>;
  httpUrl: string;
  wsUrl: string;
  adminHeaders: Record<string, string>;
  /** Registers a person and returns a user token for them. */
  token(p: TestPerson): Promise<string>;
  /** A connected, authenticated client for a person. */
  client(p: TestPerson): Promise<TestChatClient>;
  rejected(reason: string): Promise<number>;
  stop(): Promise<void>;
}

export async function startChatServer(
  overrides: Record<string, string> = {},
  opts: { redis?: boolean; extras?: ServerExtras } = {},
): Promise<ChatTestServer> {
  const redis = opts.redis === false ? null : await startRedis();
  const uploadDir = mkdtempSync(join(tmpdir(), 'chat-uploads-'));
  const env: Record<string, string> = {
    TOKEN_SECRET: randomBytes(24).toString('base64url'),
    ADMIN_SECRET: randomBytes(24).toString('base64url'),
    CHAT_UPLOAD_DIR: uploadDir,
    ...(redis ? { REDIS_URL: redis.url } : {}),
    ...overrides,
  };
  const server = await startTestServer(env, opts.extras);
  const httpUrl = server.httpUrl;
  const adminHeaders = { authorization: `Bearer ${env.ADMIN_SECRET}`, 'content-type': 'application/json' };
  const s: ChatTestServer = {
    redis,
    server,
    env,
    httpUrl,
    wsUrl: `ws://127.0.0.1:${server.port}/chat`,
    adminHeaders,
    async token(p) {
      const res = await fetch(`${httpUrl}/api/users/tokens`, {
        method: 'POST',
        headers: adminHeaders,
        body: JSON.stringify({ role: 'teacher', schoolId: 'school-1', ...p }),
      });
      if (res.status !== 201) throw new Error(`token: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { token: string }).token;
    },
    async client(p) {
      const c = await TestChatClient.connect(s.wsUrl);
      await c.authenticate(await s.token(p));
      return c;
    },
    async rejected(reason) {
      const metric = await server.metrics.registry.getSingleMetric('school_call_chat_rejected_total')?.get();
      return metric?.values.find((v) => v.labels.reason === reason)?.value ?? 0;
    },
    async stop() {
      await server.close();
      await redis?.stop();
      rmSync(uploadDir, { recursive: true, force: true });
    },
  };
  return s;
}

const factory: ChatSocketFactory = (url) => new WebSocket(url) as unknown as ReturnType<ChatSocketFactory>;

export class TestChatClient extends ChatClient {
  private readonly log = new EventLog<cpb.ChatEvent>();

  constructor(url: string) {
    super(url, factory);
    this.onEvent = (e) => this.log.push(e);
    this.onClose = (code, reason) => this.log.closed(code, reason);
  }

  static async connect(url: string): Promise<TestChatClient> {
    const c = new TestChatClient(url);
    await c.connect();
    return c;
  }

  get events(): cpb.ChatEvent[] {
    return this.log.events;
  }

  get closedWith(): { code: number; reason: string } | null {
    return this.log.closedWith;
  }

  /** Resolves with the first logged event that matches, waiting up to timeoutMs. */
  waitFor(match: (e: cpb.ChatEvent) => boolean, timeoutMs = 5000): Promise<cpb.ChatEvent> {
    return this.log.waitFor(match, timeoutMs);
  }

  /** Resolves when the server closes this connection, waiting up to timeoutMs. */
  waitForClose(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
    return this.log.waitForClose(timeoutMs);
  }

  /**
   * The first message that matches, received live or in a catch-up batch: a
   * chat the client was just added to arrives as a batch when the catch-up
   * read a message before the client went live (a loaded machine).
   */
  async waitForMessage(match: (m: cpb.IChatMessage) => boolean, timeoutMs = 5000): Promise<cpb.IChatMessage> {
    const carried = (e: cpb.ChatEvent): cpb.IChatMessage[] => {
      if (e.message) return [e.message];
      return (e.batch?.messages ?? []).map((m) => ({ ...m, chatId: m.chatId || e.batch!.chatId }));
    };
    const e = await this.log.waitFor((x) => carried(x).some(match), timeoutMs);
    return carried(e).find(match)!;
  }

  /** Messages of one chat received live or in batches, in arrival order. */
  messagesOf(chatId: string): cpb.IChatMessage[] {
    return this.events.flatMap((e) => {
      if (e.message?.chatId === chatId) return [e.message];
      if (e.batch?.chatId === chatId) return e.batch.messages ?? [];
      return [];
    });
  }

  async send(
    chatId: string,
    text: string,
    extra: Partial<cpb.ISendMessageRequest> = {},
  ): Promise<cpb.IChatMessage> {
    const r = await this.request({
      sendMessage: { chatId, text, clientMessageId: randomBytes(8).toString('hex'), ...extra },
    });
    return r.message!;
  }
}
