// Sends one notification to one browser through its push service (RFC 8030),
// the payload encrypted to the browser's keys (RFC 8291, aes128gcm) and the
// request signed with the server's VAPID key (RFC 8292), by the web-push
// library. Says whether the browser is gone so its subscription is dropped.
// The encryption runs where the encryptor says (the server's: a thread pool,
// pushCryptoPool.ts); the HTTPS request is posted here.
// The VAPID token is signed once per push service and reused until near its
// expiry (RFC 8292 lets a token serve many requests), and connections to a
// push service are kept open: neither an ECDSA signature nor a TLS handshake
// per push.
import { Agent, request } from 'node:https';
import webpush from 'web-push';
import { type PreparedPush, type PushEncryptor, type RequestArgs, encryptInPlace } from './pushCryptoPool.js';
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
/** A push service that does not answer in this long is given up on. */
const TIMEOUT_MS = 10_000;

/** A push service's refusal (its status says whether the browser is gone). */
export class PushServiceError extends Error {
  constructor(
    readonly statusCode: number,
    readonly body: string,
  ) {
    super(`the push service answered ${statusCode}`);
    this.name = 'PushServiceError';
  }
}

export class PushSender {
  private readonly tokens = new Map<string, { authorization: string; until: number }>();
  private readonly agent: Agent;

  constructor(
    private readonly keys: VapidKeys,
    /** Who runs this server, for the push service (mailto: or https:). */
    private readonly subject: string,
    /** TLS settings for reaching push services (tests trust their local one). */
    agent?: Agent,
    /** Where payloads are encrypted (the server passes its thread pool). */
    private readonly encryptor: PushEncryptor = encryptInPlace,
  ) {
    this.agent = agent ?? new Agent({ keepAlive: true, maxSockets: 32 });
  }

  async send(to: PushSubscriptionRecord, m: PushMessage): Promise<PushOutcome> {
    const prepared = await this.encryptor.prepare(this.requestArgs(to, m));
    const status = await this.post(prepared);
    if (status === 404 || status === 410) return 'gone';
    return 'sent';
  }

  /** web-push's arguments for one push: only what a thread can be handed (no agent). */
  private requestArgs(to: PushSubscriptionRecord, m: PushMessage): RequestArgs {
    return [
      { endpoint: to.endpoint, keys: { p256dh: to.p256dh, auth: to.auth } },
      m.payload,
      {
        // Signed here, once per push service, instead of by the library per push
        // (no vapidDetails given, and setVapidDetails is never called).
        headers: { Authorization: this.authorization(new URL(to.endpoint).origin) },
        TTL: m.ttlSeconds,
        urgency: m.urgency,
        ...(m.topic ? { topic: m.topic } : {}),
      },
    ];
  }

  /** Posts a prepared push; resolves with 2xx, 404 or 410, rejects with anything else (as web-push did). */
  private post(p: PreparedPush): Promise<number> {
    const url = new URL(p.endpoint);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          hostname: url.hostname.replace(/^\[|\]$/g, ''),
          port: url.port,
          path: url.pathname + url.search,
          method: 'POST',
          headers: p.headers,
          agent: this.agent,
          timeout: TIMEOUT_MS,
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            if (text.length < 4096) text += chunk;
          });
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            if ((status >= 200 && status <= 299) || status === 404 || status === 410) resolve(status);
            else reject(new PushServiceError(status, text));
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error('the push service did not answer in time')));
      req.on('error', reject);
      req.end(p.body ?? undefined);
    });
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
