// Who is told of a new chat message: every member who may read it (the
// chat's read rule: from their first visible message on), except its author
// those who muted the chat and those in their quiet hours, on each browser they turned notifications
// on in. Every host hears every chat event; the first to claim a message in
// Redis sends it, so a message is pushed once however many hosts run.
// The browser shows it only when none of its windows has the messenger in
// front (web/public/sw.js). The pushes themselves go through a bounded queue
// (pushQueue.ts), so telling a big chat never holds up delivery to sockets.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type client from 'prom-client';
import type { Logger } from '../common/log.js';
import type { FeedEvent } from '../messaging/bus.js';
import type { PrefsService } from '../messaging/prefs.js';
import type { StoredMessage } from '../messaging/records.js';
import type { ChatStore } from '../messaging/store/chatStore.js';
import { PushQueue, type QueuedPush } from './pushQueue.js';
import type { PushMessage, PushOutcome, PushSender } from './pushSender.js';
import type { PushSubscriptions } from './subscriptions.js';

/** What the service worker gets (JSON): it writes the words in the browser's language. */
export interface PushPayload {
  v: 1;
  kind: 'message' | 'call' | 'lesson';
  chat: string;
  seq: number;
  chatTitle: string;
  direct: boolean;
  author: string;
  text: string;
  /** Attachments, when the message is only files. */
  files: number;
  poll: string;
  url: string;
  /** A lesson reminder: when it starts (ms since 1970). */
  startsAt?: number;
  /** The message mentions this recipient. */
  mention?: boolean;
}

/** An event this old is a replay (a host catching up), not news. */
const TOO_OLD_MS = 10 * 60_000;
const CLAIM_SECONDS = 24 * 3600;
const TEXT_MAX = 140;
/** Pushes on their way at once, and waiting at most (beyond, counted as dropped). */
const PARALLEL = 16;
const WAITING_MAX = 50_000;
/** A full queue is logged at most this often (each drop is counted). */
const DROP_LOG_MS = 10_000;

export interface NotifierDeps {
  redis: Redis;
  chats: ChatStore;
  prefs: PrefsService;
  subscriptions: PushSubscriptions;
  sender: PushSender;
  pushes: client.Counter<'result'>;
  log: Logger;
}

export class Notifier {
  private pending = Promise.resolve();
  private readonly queue: PushQueue;
  private dropsUnlogged = 0;
  private dropLoggedAt = 0;

  constructor(
    private readonly deps: NotifierDeps,
    limits: { parallel?: number; waitingMax?: number } = {},
  ) {
    this.queue = new PushQueue({
      send: (p) => this.sendOne(p),
      parallel: limits.parallel ?? PARALLEL,
      max: limits.waitingMax ?? WAITING_MAX,
    });
  }

  /** A chat event from the feed (called on every host). */
  onEvent(e: FeedEvent): void {
    if (e.t !== 'm' || !worthTelling(e.r)) return;
    // One after another: a burst of messages does not open hundreds of requests at once.
    this.pending = this.pending
      .then(() => this.tell(e.c, e.r))
      .catch((err: unknown) =>
        this.deps.log.warn({ err, chat: e.c, seq: e.r.seq }, 'notifications not sent'),
      );
  }

  /** Resolves when what was heard so far has been sent (tests, shutdown). */
  async idle(): Promise<void> {
    await this.pending;
    await this.queue.idle();
  }

  /** Pushes waiting for their turn. */
  get waiting(): number {
    return this.queue.length;
  }

  private async tell(chatId: string, r: StoredMessage): Promise<void> {
    const { redis, chats } = this.deps;
    const claimed = await redis.set(`push:claim:${chatId}:${r.seq}`, '1', 'EX', CLAIM_SECONDS, 'NX');
    if (claimed !== 'OK') return;
    const chat = await chats.chat(chatId);
    if (!chat) return;
    const members = await chats.allMembers(chatId);
    const all = [...members].filter(([id, m]) => id !== r.from && r.seq >= m.visibleFrom).map(([id]) => id);
    const muted = await this.deps.prefs.mutedAmong(all, chatId);
    this.deps.pushes.inc({ result: 'muted' }, muted.size);
    const readers = all.filter((id) => !muted.has(id));
    const payload: PushPayload = {
      v: 1,
      kind: r.kind === 'call' ? 'call' : 'message',
      chat: chatId,
      seq: r.seq,
      chatTitle: chat.title,
      direct: chat.kind === 'direct',
      author: r.name,
      text: r.text.length > TEXT_MAX ? `${r.text.slice(0, TEXT_MAX - 1)}…` : r.text,
      files: r.files?.length ?? 0,
      poll: r.poll?.q ?? '',
      url: chatUrl(chatId),
    };
    // Those it mentions are told so in their own notification.
    const mentioned = new Set(r.mentions ?? []);
    for (const mention of [true, false]) {
      const to = readers.filter((id) => mentioned.has(id) === mention);
      if (to.length === 0) continue;
      await this.deliver(to, {
        // A call is news for a minute; a message for a day.
        ttlSeconds: r.kind === 'call' ? 60 : 24 * 3600,
        urgency: r.kind === 'call' ? 'high' : 'normal',
        topic: topicOf(chatId),
        payload: JSON.stringify({ ...payload, mention }),
      });
    }
  }

  /**
   * Queues one notification for every browser of these people, except those
   * in their quiet hours; resolves once queued (idle() when sent).
   */
  async deliver(userIds: string[], message: PushMessage): Promise<void> {
    const subs = await this.deps.subscriptions.forUsers(userIds);
    if (subs.length === 0) return;
    const quiet = await this.deps.prefs.quietAmong([...new Set(subs.map((s) => s.userId))]);
    const to = subs.filter((s) => !quiet.has(s.userId));
    this.deps.pushes.inc({ result: 'quiet' }, subs.length - to.length);
    let replaced = 0;
    let dropped = 0;
    for (const s of to) {
      const r = this.queue.add(s, message);
      if (r === 'replaced') replaced++;
      else if (r === 'dropped') dropped++;
    }
    if (replaced) this.deps.pushes.inc({ result: 'replaced' }, replaced);
    if (dropped) this.dropped(dropped);
  }

  private dropped(n: number): void {
    this.deps.pushes.inc({ result: 'dropped' }, n);
    this.dropsUnlogged += n;
    const now = Date.now();
    if (now - this.dropLoggedAt < DROP_LOG_MS) return;
    this.deps.log.warn(
      { dropped: this.dropsUnlogged, waiting: this.queue.length },
      'push queue full: notifications dropped',
    );
    this.dropsUnlogged = 0;
    this.dropLoggedAt = now;
  }

  private async sendOne({ to, message }: QueuedPush): Promise<void> {
    let outcome: PushOutcome;
    try {
      outcome = await this.deps.sender.send(to, message);
    } catch (err) {
      outcome = 'failed';
      this.deps.log.warn({ err, user: to.userId }, 'a push service refused a notification');
    }
    this.deps.pushes.inc({ result: outcome });
    if (outcome === 'gone') {
      await this.deps.subscriptions
        .drop(to.endpoint)
        .catch((err: unknown) => this.deps.log.warn({ err }, 'a gone subscription was not dropped'));
    }
  }
}

function worthTelling(r: StoredMessage): boolean {
  // A lesson reminder brings its own notification (lessonReminders.ts).
  if (r.deleted || r.pending || r.edited || r.kind === 'system' || r.remind) return false;
  return Date.now() - r.at < TOO_OLD_MS;
}

/** Where tapping a notification of a chat leads. */
export function chatUrl(chatId: string): string {
  return `/messenger#chat=${encodeURIComponent(chatId)}`;
}

/** RFC 8030 topics are at most 32 URL-safe base64 characters. */
export function topicOf(chatId: string): string {
  return createHash('sha256').update(chatId).digest('base64url').slice(0, 32);
}
