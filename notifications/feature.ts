// Notifications on people's phones and computers (Web Push): a browser turns
// them on through the messenger socket (the server's public key, then the
// subscription saved or removed), and every new chat message reaches its
// readers' browsers through notifier.ts. A part above the messenger: it
// registers its requests on the messenger's socket and listens to its feed;
// lessonReminders.ts reminds a lesson's chat shortly before it starts and at its start.
import { createPublicKey } from 'node:crypto';
import type { Agent } from 'node:https';
import type client from 'prom-client';
import promClient from 'prom-client';
import type { Logger } from '../common/log.js';
import type { Postgres } from '../common/postgres/connect.js';
import { forbidden, invalid } from '../messaging/errors.js';
import { type ChatHandler, registerChatHandlers } from '../messaging/handlers.js';
import type { Messenger } from '../messaging/messenger.js';
import { LessonReminders, type UpcomingLessons } from './lessonReminders.js';
import { Notifier } from './notifier.js';
import { PushCryptoPool } from './pushCryptoPool.js';
import { PushSender } from './pushSender.js';
import { PushSubscriptions } from './subscriptions.js';
import { loadVapidKeys } from './vapidKeys.js';

export interface NotificationsDeps {
  messenger: Messenger;
  db: Postgres;
  metricsRegistry: client.Registry;
  log: Logger;
  push: { serviceHosts: string[]; contact: string; cryptoThreads: number };
  /** TLS settings for reaching push services (tests trust their local one). */
  agent?: Agent;
  /** Scheduled lessons to remind people of, and how long before they start. */
  reminders?: { lessons: UpcomingLessons; leadMinutes: number; everyMs?: number; now?: () => number };
}

export interface Notifications {
  readonly publicKey: string;
  readonly notifier: Notifier;
  readonly subscriptions: PushSubscriptions;
  readonly reminders: LessonReminders | null;
  /** The threads that encrypt pushes. */
  readonly crypto: PushCryptoPool;
  /** Push services' hosts the operator lets this server post to (`*.` for a domain). */
  readonly serviceHosts: readonly string[];
  /** Stops the reminders and the encryption threads (pushes still waiting are not sent). */
  close(): Promise<void>;
}

/** Pushes waiting for an encryption thread at most (the notifier's queue sends 16 at once). */
const CRYPTO_WAITING_MAX = 1000;

/** Each server's notifications, found from the messenger a request came through. */
const byMessenger = new WeakMap<Messenger, Notifications>();

export async function startNotifications(deps: NotificationsDeps): Promise<Notifications> {
  const log = deps.log.child({ part: 'notifications' });
  const keys = await loadVapidKeys(deps.db);
  const subscriptions = new PushSubscriptions(deps.db);
  const pushes = pushCounter(deps.metricsRegistry);
  const crypto = new PushCryptoPool({
    threads: deps.push.cryptoThreads,
    waitingMax: CRYPTO_WAITING_MAX,
    registry: deps.metricsRegistry,
    log,
  });
  const notifier = new Notifier({
    redis: deps.messenger.redis,
    chats: deps.messenger.chatStore,
    prefs: deps.messenger.prefs,
    subscriptions,
    sender: new PushSender(keys, deps.push.contact, deps.agent, crypto),
    pushes,
    audienceReads: audienceCounter(deps.metricsRegistry),
    log,
  });
  deps.messenger.feed.listen((e) => notifier.onEvent(e));
  const reminders = deps.reminders
    ? new LessonReminders({
        ...deps.reminders,
        notifier,
        redis: deps.messenger.redis,
        chats: deps.messenger.chatStore,
        messages: deps.messenger.messageStore,
        log,
      })
    : null;
  reminders?.start();
  const n: Notifications = {
    publicKey: keys.publicKey,
    notifier,
    subscriptions,
    reminders,
    crypto,
    serviceHosts: deps.push.serviceHosts,
    async close() {
      await reminders?.stop();
      await crypto.close();
    },
  };
  byMessenger.set(deps.messenger, n);
  registerChatHandlers(HANDLERS);
  return n;
}

function pushCounter(registry: client.Registry): client.Counter<'result'> {
  const name = 'school_call_push_notifications_total';
  const known = registry.getSingleMetric(name);
  if (known) return known as client.Counter<'result'>;
  return new promClient.Counter({
    name,
    help: 'Notifications to browsers: sent, gone (subscription dropped), failed, quiet (held back by quiet hours), muted (recipients who muted the chat), replaced (a newer one of the same chat took its place in the queue before it was sent), dropped (the send queue was full)',
    labelNames: ['result'],
    registers: [registry],
  });
}

function audienceCounter(registry: client.Registry): client.Counter<'result'> {
  const name = 'school_call_push_audiences_total';
  const known = registry.getSingleMetric(name);
  if (known) return known as client.Counter<'result'>;
  return new promClient.Counter({
    name,
    help: "Chats' push audiences (members, mutes, quiet hours, browsers) for a batch of messages: kept (from the short cache) or read (from PostgreSQL)",
    labelNames: ['result'],
    registers: [registry],
  });
}

function of(messenger: Messenger): Notifications {
  const n = byMessenger.get(messenger);
  if (!n) throw invalid('notifications are not set up on this server');
  return n;
}

const KEY = /^[A-Za-z0-9_-]+={0,2}$/;

/** A push service's address: https, on a host the operator allows (the server posts there). */
function endpointOf(n: Notifications, raw: string | null | undefined): string {
  const text = raw ?? '';
  if (text.length === 0 || text.length > 1024) throw invalid('endpoint is a push service URL');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid('endpoint is a push service URL');
  }
  if (url.protocol !== 'https:' || url.username || url.password) throw invalid('endpoint must be https');
  const host = url.hostname.toLowerCase();
  // URL drops :443 for https, so `port` is '' on the push services' own port.
  const ok = n.serviceHosts.some((entry) => {
    const [h = '', port = ''] = entry.split(/:(?=\d+$)/);
    const hostOk = h.startsWith('*.') ? host.endsWith(h.slice(1)) : host === h;
    return hostOk && url.port === (port === '443' ? '' : port);
  });
  if (!ok) throw invalid(`push service ${url.host} is not one this server sends to`);
  return url.href;
}

/** The browser's public key: an uncompressed point on P-256, or the server could never encrypt to it. */
function p256dhOf(raw: string | null | undefined): string {
  const text = keyOf(raw, 65, 'p256dh');
  try {
    createPublicKey({
      key: { kty: 'EC', crv: 'P-256', ...xy(Buffer.from(text, 'base64url')) },
      format: 'jwk',
    });
  } catch {
    throw invalid('p256dh is not a P-256 public key');
  }
  return text;
}

function xy(point: Buffer): { x: string; y: string } {
  if (point[0] !== 4) throw new Error('not an uncompressed point');
  return { x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') };
}

/** A key of the browser's subscription: URL-safe base64 of `bytes` bytes. */
function keyOf(raw: string | null | undefined, bytes: number, what: string): string {
  const text = raw ?? '';
  if (!KEY.test(text) || Buffer.from(text, 'base64url').length !== bytes) {
    throw invalid(`${what} is ${bytes} bytes in URL-safe base64`);
  }
  return text;
}

const HANDLERS: Record<'getPushKey' | 'savePushSubscription' | 'removePushSubscription', ChatHandler> = {
  getPushKey: async ({ messenger }) => ({ pushKey: { publicKey: of(messenger).publicKey } }),
  savePushSubscription: async ({ caller, messenger }, m) => {
    const n = of(messenger);
    if (caller.guest) throw forbidden('guests get no notifications');
    const req = m.savePushSubscription!;
    await n.subscriptions.save({
      endpoint: endpointOf(n, req.endpoint),
      userId: caller.user.id,
      p256dh: p256dhOf(req.p256dh),
      auth: keyOf(req.auth, 16, 'auth'),
    });
    return { ok: {} };
  },
  removePushSubscription: async ({ caller, messenger }, m) => {
    const n = of(messenger);
    await n.subscriptions.remove(caller.user.id, m.removePushSubscription?.endpoint ?? '');
    return { ok: {} };
  },
};
