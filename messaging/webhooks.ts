// Sends events to bots' webhooks (bots.ts): each try of a delivery is a
// signed POST (HMAC-SHA256 of "<timestamp>.<body>" with the bot's secret)
// with a timeout; webhookQueue.ts keeps the deliveries and their retries. Only http(s) URLs; the address a name resolves to is checked when
// the connection is made, so a webhook cannot reach this network's private or
// loopback hosts (SSRF) unless BOT_WEBHOOK_ALLOW_PRIVATE says so (tests, dev).
import { createHmac } from 'node:crypto';
import { lookup as dnsLookup } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP } from 'node:net';
import type { WebhookSettings } from './config.js';

const PRIVATE = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['224.0.0.0', 3],
] as const) {
  PRIVATE.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE.addSubnet(net, bits, 'ipv6');
}

/** Whether an address is this network's own (private, loopback, link-local, multicast, unspecified). */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return PRIVATE.check(mapped[1]!, 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** Why a webhook URL is refused (null: it may be used); the address itself is checked on connect. */
export function webhookUrlProblem(raw: string, allowPrivate: boolean): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not a URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'only http and https URLs';
  if (url.username || url.password) return 'no user name or password in the URL';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivate && (host === 'localhost' || (isIP(host) && isPrivateAddress(host)))) {
    return 'a private or loopback address';
  }
  return null;
}

export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export interface WebhookTarget {
  url: string;
  secret: string;
}

/** How a delivery ended: sent, given up after every try, a private address, or no longer wanted (the bot lost the chat, was disabled or has no URL). */
export type DeliveryResult = 'delivered' | 'failed' | 'refused' | 'dropped';

/** One try of a delivery: 'ok' on a 2xx, 'refused' when the address is private, else what went wrong. */
export type TryOutcome = 'ok' | 'refused' | string;

/** Sends one signed POST (webhookQueue.ts keeps the deliveries and decides when to try again). */
export class WebhookSender {
  constructor(private readonly settings: WebhookSettings) {}

  async attempt(target: WebhookTarget, deliveryId: string, body: string): Promise<TryOutcome> {
    if (webhookUrlProblem(target.url, this.settings.allowPrivate)) return 'refused';
    return this.post(target, deliveryId, body).catch((err: Error) => err.message);
  }

  private post(target: WebhookTarget, deliveryId: string, body: string): Promise<TryOutcome> {
    const url = new URL(target.url);
    const timestamp = String(Date.now());
    const allowPrivate = this.settings.allowPrivate;
    const lookup: typeof dnsLookup = ((host: string, opts: object, cb: DnsCallback) => {
      dnsLookup(host, { ...opts, all: false }, (err, address, family) => {
        if (!err && !allowPrivate && isPrivateAddress(address as string)) {
          cb(Object.assign(new Error(`${host} is a private address`), { code: 'EPRIVATE' }), '', 0);
          return;
        }
        cb(err, address as string, family as number);
      });
    }) as typeof dnsLookup;
    const request = url.protocol === 'https:' ? https.request : http.request;
    return new Promise((resolve) => {
      const req = request(
        url,
        {
          method: 'POST',
          lookup,
          timeout: this.settings.timeoutMs,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'user-agent': 'school-call-bots/1',
            'x-bot-delivery': deliveryId,
            'x-bot-timestamp': timestamp,
            'x-bot-signature': signature(target.secret, timestamp, body),
          },
        },
        (res) => {
          res.resume();
          const status = res.statusCode ?? 0;
          resolve(status >= 200 && status < 300 ? 'ok' : `status ${status}`);
        },
      );
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', (err: NodeJS.ErrnoException) =>
        resolve(err.code === 'EPRIVATE' ? 'refused' : err.message),
      );
      req.end(body);
    });
  }
}

type DnsCallback = (err: NodeJS.ErrnoException | null, address: string, family: number) => void;
