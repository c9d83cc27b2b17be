// Sends one notification to one browser through its push service (RFC 8030),
// the payload encrypted to the browser's keys (RFC 8291, aes128gcm) and the
// request signed with the server's VAPID key (RFC 8292), by the web-push
// library. Says whether the browser is gone so its subscription is dropped.
// The VAPID token is signed once per push service and reused until near its
// expiry (RFC 8292 lets a token serve many requests), and connections to a
// push service are kept open: neither an ECDSA signature nor a TLS handshake
// per push.
import { Agent } from 'node:https';
import webpush from 'web-push';
import type { PushSubscriptionRecord } from './subscriptions.js';
import type { VapidKeys } from './vapidKeys.js';

export interface PushMessage {
  /** Kept by the push service this long if the browser is offline. */
  ttlSeconds: number;
  urgency: 'normal' | 'high';
  /** A later push with the same topic replaces one not yet delivered (a chat's newest message). */
  topic?: string;
  payload: string;
}

export type PushOutcome = 'sent' | 'gone' | 'failed';

/** A VAPID token lives this long (RFC 8292 allows 24 h)… */
const TOKEN_SECONDS = 12 * 3600;
/** …and is replaced this long before it ends. */
const TOKEN_RENEW_SECONDS = 3600;

export class PushSender {
  private readonly tokens = new Map<string, { authorization: string; until: number }>();
  private readonly agent: Agent;

  constructor(
    private readonly keys: VapidKeys,
    /** Who runs this server, for the push service (mailto: or https:). */
    private readonly subject: string,
    /** TLS settings for reaching push services (tests trust their local one). */
    agent?: Agent,
  ) {
    this.agent = agent ?? new Agent({ keepAlive: true, maxSockets: 32 });
  }

  async send(to: PushSubscriptionRecord, m: PushMessage): Promise<PushOutcome> {
    try {
      await webpush.sendNotification(
        { endpoint: to.endpoint, keys: { p256dh: to.p256dh, auth: to.auth } },
        m.payload,
        {
          // Signed here, once per push service, instead of by the library per push
          // (no vapidDetails given, and setVapidDetails is never called).
          headers: { Authorization: this.authorization(new URL(to.endpoint).origin) },
          TTL: m.ttlSeconds,
          urgency: m.urgency,
          ...(m.topic ? { topic: m.topic } : {}),
          timeout: 10_000,
          agent: this.agent,
        },
      );
      return 'sent';
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      if (status === 404 || status === 410) return 'gone';
      throw err;
    }
  }

  /** The VAPID Authorization header for a push service (its origin is the token's audience). */
  private authorization(audience: string): string {
    const now = Date.now() / 1000;
    const held = this.tokens.get(audience);
    if (held && held.until > now) return held.authorization;
    const exp = Math.floor(now) + TOKEN_SECONDS;
    const { Authorization } = webpush.getVapidHeaders(
      audience,
      this.subject,
      this.keys.publicKey,
      this.keys.privateKey,
      'aes128gcm',
      exp,
    );
    this.tokens.set(audience, { authorization: Authorization, until: exp - TOKEN_RENEW_SECONDS });
    return Authorization;
  }
}
