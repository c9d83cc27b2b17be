// Sends one notification to one browser through its push service (RFC 8030),
// the payload encrypted to the browser's keys (RFC 8291, aes128gcm) and the
// request signed with the server's VAPID key (RFC 8292), by the web-push
// library. Says whether the browser is gone so its subscription is dropped.
import type { Agent } from 'node:https';
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

export class PushSender {
  constructor(
    private readonly keys: VapidKeys,
    /** Who runs this server, for the push service (mailto: or https:). */
    private readonly subject: string,
    /** TLS settings for reaching push services (tests trust their local one). */
    private readonly agent?: Agent,
  ) {}

  async send(to: PushSubscriptionRecord, m: PushMessage): Promise<PushOutcome> {
    try {
      await webpush.sendNotification(
        { endpoint: to.endpoint, keys: { p256dh: to.p256dh, auth: to.auth } },
        m.payload,
        {
          vapidDetails: {
            subject: this.subject,
            publicKey: this.keys.publicKey,
            privateKey: this.keys.privateKey,
          },
          TTL: m.ttlSeconds,
          urgency: m.urgency,
          ...(m.topic ? { topic: m.topic } : {}),
          timeout: 10_000,
          ...(this.agent ? { agent: this.agent } : {}),
        },
      );
      return 'sent';
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      if (status === 404 || status === 410) return 'gone';
      throw err;
    }
  }
}
