// Who is told of a new chat message: every member who may read it (the
// chat's read rule: from their first visible message on), except its author
// those who muted the chat and those in their quiet hours, on each browser they turned notifications
// on in. Every host hears every chat event; the first to claim a message in
// Redis sends it, so a message is pushed once however many hosts run.
// The browser shows it only when none of its windows has the messenger in
// front (web/public/sw.js). The pushes themselves go through a bounded queue
// (pushQueue.ts), so telling a big chat never holds up delivery to sockets.
// Messages heard while the previous ones are being decided are decided
// together: one Redis round trip claims them all (and reads their chats'
// generations), and each chat's audience (members, mutes, quiet hours,
// browsers) comes from a short cache (pushAudience.ts) instead of PostgreSQL.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type client from 'prom-client';
import type { Logger } from '../common/log.js';
import type { FeedEvent } from '../messaging/bus.js';
import { type PrefsService, isQuiet, mutedAt } from '../messaging/prefs.js';
import type { StoredMessage } from '../messaging/records.js';
import type { ChatStore } from '../messaging/store/chatStore.js';
import { type Audience, PushAudiences, genKey } from './pushAudience.js';
import { PushQueue, type QueuedPush } from './pushQueue.js';
import type { PushMessage, PushOutcome, PushSender } from './pushSender.js';
import type { PushSubscriptionRecord, PushSubscriptions } from './subscriptions.js';

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
/** Messages decided together at most. */
const BATCH_MAX = 200;
/** A full queue is logged at most this often (each drop is counted). */
const DROP_LOG_MS = 10_000;
/** Feed events after which a chat's audience is read again (members added, removed, history or chat changed). */
const AUDIENCE_CHANGES = new Set<FeedEvent['t']>(['ca', 'cr', 'cc', 'ru', 'hc']);

export interface NotifierDeps {
  redis: Redis;
  chats: ChatStore;
  prefs: PrefsService;
  subscriptions: PushSubscriptions;
  sender: PushSender;
  pushes: client.Counter<'result'>;
  /** Chats' audiences: kept (from the cache) or read (from PostgreSQL). */
  audienceReads: client.Counter<'result'>;
  log: Logger;
}

export class Notifier {
  private pending = Promise.resolve();
  private heard: { c: string; r: StoredMessage }[] = [];
  private deciding = false;
  private readonly queue: PushQueue;
  readonly audiences: PushAudiences;
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
    this.audiences = new PushAudiences(deps);
    deps.prefs.onPushSettingsChange((userId, chatId) => this.audiences.personChanged(userId, chatId));
    deps.subscriptions.onChange(async (userIds) => {
      for (const u of userIds) await this.audiences.personChanged(u, null);
    });
  }

  /** A chat event from the feed (called on every host). */
  onEvent(e: FeedEvent): void {
    if (AUDIENCE_CHANGES.has(e.t)) this.audiences.forget(e.c);
    if (e.t !== 'm' || !worthTelling(e.r)) return;
    this.heard.push({ c: e.c, r: e.r });
    if (this.deciding) return;
    this.deciding = true;
    // One batch after another: a burst of messages does not open hundreds of requests at once.
    this.pending = this.pending.then(() => this.decideHeard());
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

  private async decideHeard(): Promise<void> {
    while (this.heard.length > 0) {
      const batch = this.heard.splice(0, BATCH_MAX);
      try {
        await this.tell(batch);
      } catch (err) {
        this.deps.log.warn({ err, messages: batch.length }, 'notifications not sent');
      }
    }
    this.deciding = false;
  }

  private async tell(batch: { c: string; r: StoredMessage }[]): Promise<void> {
    const chatIds = [...new Set(batch.map((m) => m.c))];
    // One round trip: each message claimed (one host tells it), each chat's generation read.
    const pipe = this.deps.redis.pipeline();
    for (const m of batch) pipe.set(`push:claim:${m.c}:${m.r.seq}`, '1', 'EX', CLAIM_SECONDS, 'NX');
    for (const c of chatIds) pipe.get(genKey(c));
    const results = (await pipe.exec()) ?? [];
    const failed = results.find(([err]) => err);
    if (failed) throw failed[0];
    const claimed = batch.filter((_, i) => results[i]?.[1] === 'OK');
    for (const [j, chatId] of chatIds.entries()) {
      const mine = claimed.filter((m) => m.c === chatId);
      if (mine.length === 0) continue;
      const gen = (results[batch.length + j]?.[1] as string | null) ?? null;
      const audience = await this.audiences.get(chatId, gen);
      if (!audience) continue;
      for (const m of mine) this.tellOne(audience, m.r);
    }
  }

  private tellOne(a: Audience, r: StoredMessage): void {
    const now = Date.now();
    const all = [...a.members].filter(([id, m]) => id !== r.from && r.seq >= m.visibleFrom).map(([id]) => id);
    const readers = all.filter((id) => !mutedAt(a.settings.get(id), now));
    this.deps.pushes.inc({ result: 'muted' }, all.length - readers.length);
    const chatId = a.chat.id;
    const payload: PushPayload = {
      v: 1,
      kind: r.kind === 'call' ? 'call' : 'message',
      chat: chatId,
      seq: r.seq,
      chatTitle: a.chat.title,
      direct: a.chat.kind === 'direct',
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
      const browsers = to.flatMap((id) => a.browsers.get(id) ?? []);
      const quiet = new Set(to.filter((id) => isQuiet(a.settings.get(id)?.quiet ?? null, now)));
      this.enqueue(browsers, quiet, {
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
    this.enqueue(subs, await this.deps.prefs.quietAmong([...new Set(subs.map((s) => s.userId))]), message);
  }

  /** Queues a push to each of these browsers but those of people in their quiet hours. */
  private enqueue(subs: PushSubscriptionRecord[], quiet: Set<string>, message: PushMessage): void {
    if (subs.length === 0) return;
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
